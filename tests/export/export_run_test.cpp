// The nightly export run: only changed dossiers, atomic files, failures counted and passed.
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "export_run.hpp"
#include "export_state.hpp"
#include "export_world.hpp"
#include "pupil_folder.hpp"
#include "work_queue.hpp"

using namespace werkex;
using exporter::export_dossiers;
using exporter::ExportOptions;
using exporter::ExportReport;
using test::expect_ok;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct School {
  test::ExportWorld w{false};
  std::string daan = w.add_pupil("Daan 't Hart", w.group);
  std::string sem = w.add_pupil("Sem van der Berg", w.group);
  std::string lotte = w.add_pupil("Lotte Bakker", w.group_b);
  test::FullDossier d = w.build_dossier(daan);
  ExportOptions options;

  School() {
    options.now_ms = test::kStartMillis;
    options.durable = false;
    w.add_small_photos(sem, add_experience(sem, "Op het plein"), 2, 7);
  }
  std::string add_experience(const std::string& pupil, const std::string& note) {
    w.as_pupil(pupil);
    return w.put({{"type", "experience"}, {"occurred_at", "2026-12-01T10:00:00Z"}, {"note", note}});
  }
  fs::path folder(const std::string& group, const std::string& name, const std::string& id) {
    return fs::path(w.out_dir) / group / exporter::pupil_folder_name(name, id);
  }
  ExportReport run() { return expect_ok(export_dossiers(*w.db, w.blob_dir, w.out_dir, options)); }
};

// Every file under `root` that is not complete: a JSON file that does not parse, a page
// without its end, a CSV without its last line end. Temporary files are not looked at.
std::vector<std::string> half_files(const fs::path& root) {
  std::vector<std::string> bad;
  if (!fs::exists(root)) return bad;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    std::string name = entry.path().filename().string(), text;
    if (!entry.is_regular_file() || name.rfind(".", 0) == 0) continue;
    if (name == "dossier.json" || name == exporter::kStateFileName) text = slurp(entry.path());
    if (name == "dossier.json" && json::parse(text, nullptr, false).is_discarded())
      bad.push_back(entry.path().string());
    if (name == "portfolio.html" && slurp(entry.path()).find("</html>\n") == std::string::npos)
      bad.push_back(entry.path().string());
  }
  return bad;
}

}  // namespace

TEST_CASE("run: writes every dossier, its photos, page and group CSVs, then nothing",
          "[export][run]") {
  School s;
  ExportReport first = s.run();
  CHECK(first.pupils == 3);
  CHECK(first.written == 3);
  CHECK(first.unchanged == 0);
  CHECK(first.failed.empty());
  // Daan's 2 (his photo that shows others is left out: he did not allow it) and Sem's 2.
  CHECK(first.photos_copied == 4);
  CHECK(first.csv_written == 2);
  fs::path daan = s.folder("3KB-a", "Daan 't Hart", s.daan);
  CHECK(daan.filename() == "Hart, Daan 't (" + s.daan.substr(s.daan.size() - 8) + ")");
  json x = json::parse(slurp(daan / "dossier.json"), nullptr, false);
  CHECK(x["pupil"]["id"] == s.daan);
  size_t left_out = 0;
  for (const json& p : x["photos"]) {
    if (p["left_out"] == true) {
      ++left_out;
      CHECK(p["file"] == "");
      continue;
    }
    CHECK(fs::exists(daan / p["file"].get<std::string>()));
  }
  CHECK(left_out == 1);
  CHECK(std::distance(fs::directory_iterator(daan / "photos"), fs::directory_iterator()) == 2);
  CHECK(slurp(daan / "portfolio.html").find("Loopbaandossier van Daan &#39;t Hart") !=
        std::string::npos);
  CHECK(fs::exists(s.folder("3KB-a", "Sem van der Berg", s.sem) / "portfolio.html"));
  CHECK(fs::exists(s.folder("3KB-b", "Lotte Bakker", s.lotte) / "dossier.json"));
  std::string csv = slurp(fs::path(s.w.out_dir) / "3KB-a" / "voortgang.csv");
  CHECK(csv.find("Daan 't Hart;actief;2;1;2;1;1;") != std::string::npos);
  CHECK(csv.find("\r\nSem van der Berg;actief;0;0;1;") != std::string::npos);
  CHECK(fs::exists(fs::path(s.w.out_dir) / "3KB-b" / "voortgang.csv"));

  ExportReport second = s.run();
  CHECK(second.written == 0);
  CHECK(second.unchanged == 3);
  CHECK(second.photos_copied == 0);
  CHECK(second.csv_written == 0);
  CHECK(second.failed.empty());
}

TEST_CASE("run: a changed dossier is written again, with its group's CSV", "[export][run]") {
  School s;
  s.run();
  s.add_experience(s.sem, "Tweede ervaring");
  ExportReport r = s.run();
  CHECK(r.written == 1);
  CHECK(r.unchanged == 2);
  CHECK(r.csv_written == 1);  // 3KB-a's; 3KB-b's is unchanged
  CHECK(slurp(s.folder("3KB-a", "Sem van der Berg", s.sem) / "portfolio.html")
            .find("Tweede ervaring") != std::string::npos);
  // A roster change the dossier shows (the supervisor's name) re-exports who it touches.
  expect_ok(s.w.db->set_identity(test::ExportWorld::as("admin", "", s.w.admin)));
  s.w.put({{"id", s.w.ans}, {"name", "Ans de Vries-Smit"}});
  CHECK(s.run().written == 1);
  s.options.only = {s.lotte};
  s.options.force = true;
  ExportReport only = s.run();
  CHECK(only.pupils == 1);
  CHECK(only.written == 1);
}

TEST_CASE("run: a pupil whose folder cannot be written fails alone and is retried",
          "[export][run][failure]") {
  School s;
  // A file where Sem's folder goes: his files cannot be written (root ignores permissions).
  fs::create_directories(fs::path(s.w.out_dir) / "3KB-a");
  std::ofstream(s.folder("3KB-a", "Sem van der Berg", s.sem)) << "in de weg";
  ExportReport r = s.run();
  CHECK(r.written == 2);
  REQUIRE(r.failed.size() == 1);
  CHECK(r.failed[0].pupil == s.sem);
  CHECK(r.failed[0].folder == "3KB-a/" + exporter::pupil_folder_name("Sem van der Berg", s.sem));
  CHECK_THAT(r.failed[0].reason, Catch::Contains("Berg, Sem van der ("));
  CHECK(r.to_json()["failed"][0]["pupil"] == s.sem);
  CHECK(fs::exists(s.folder("3KB-b", "Lotte Bakker", s.lotte) / "portfolio.html"));

  fs::remove(s.folder("3KB-a", "Sem van der Berg", s.sem));
  ExportReport retry = s.run();
  CHECK(retry.written == 1);  // Sem, whose state was not recorded
  CHECK(retry.failed.empty());
}

TEST_CASE("run: pupils who left are exported and no folder is ever deleted",
          "[export][run][left]") {
  School s;
  s.run();
  expect_ok(s.w.db->set_identity(test::ExportWorld::as("admin", "", s.w.admin)));
  s.w.put({{"id", s.lotte}, {"status", "left"}, {"left_on", "2026-12-20"}});
  ExportReport r = s.run();
  CHECK(r.written == 1);
  fs::path lotte = s.folder("3KB-b", "Lotte Bakker", s.lotte);
  CHECK(slurp(lotte / "portfolio.html").find("Heeft de school verlaten") != std::string::npos);
  CHECK(slurp(fs::path(s.w.out_dir) / "3KB-b" / "voortgang.csv").find("Lotte Bakker;vertrokken") !=
        std::string::npos);
  // Renamed: the folder moves to the new name with its files; nothing is removed.
  s.w.put({{"id", s.lotte}, {"name", "Lotte de Bakker"}});
  CHECK(s.run().written == 1);
  CHECK_FALSE(fs::exists(lotte));
  CHECK(fs::exists(s.folder("3KB-b", "Lotte de Bakker", s.lotte) / "dossier.json"));
  CHECK(exporter::pupil_folder_name("Lotte de Bakker", s.lotte).rfind("Bakker, Lotte de (", 0) ==
        0);
}

TEST_CASE("run: the state file is written last and a damaged one means a full run",
          "[export][run][atomic]") {
  School s;
  s.run();
  fs::path state = fs::path(s.w.out_dir) / exporter::kStateFileName;
  json doc = json::parse(slurp(state), nullptr, false);
  REQUIRE(doc.is_object());
  CHECK(doc["pupils"].size() == 3);
  CHECK(doc["pupils"][s.daan]["folder"] ==
        "3KB-a/" + exporter::pupil_folder_name("Daan 't Hart", s.daan));
  for (const auto& e : fs::recursive_directory_iterator(s.w.out_dir))
    CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);

  std::ofstream(state, std::ios::trunc) << "{\"format\":\"werkex-export-st";  // cut off
  ExportReport r = s.run();
  CHECK(r.state_was_damaged);
  CHECK(r.written == 3);
  CHECK(s.run().written == 0);
}

TEST_CASE("run: killed at any moment leaves no half file", "[export][run][atomic]") {
  School s;
  const std::string db_path = s.w.dir.file("dossiers.db");
  for (int delay_ms : {0, 5, 10, 20, 40, 80}) {
    fs::remove_all(s.w.out_dir);
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      // Another process, as the nightly command is: exec'ed, not a fork of this one.
      ::execl(WERKEX_EXPORT_CHILD, WERKEX_EXPORT_CHILD, db_path.c_str(), s.w.blob_dir.c_str(),
              s.w.out_dir.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::usleep(delay_ms * 1000);
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    INFO("killed after " << delay_ms << " ms");
    CHECK(half_files(s.w.out_dir).empty());
  }
  ExportReport r = s.run();  // after the last kill, a run completes the archive
  CHECK(r.failed.empty());
  CHECK(half_files(s.w.out_dir).empty());
  CHECK(s.run().written == 0);
}

TEST_CASE("run: the files are the same whatever the number of worker threads",
          "[export][run][threads]") {
  School s;
  std::map<std::string, std::string> seen;  // relative path -> bytes, from one worker
  for (size_t threads : {1, 4}) {
    s.options.threads = threads;
    fs::path out = s.w.dir.file("out-" + std::to_string(threads));
    ExportReport r = expect_ok(export_dossiers(*s.w.db, s.w.blob_dir, out.string(), s.options));
    CHECK(r.written == 3);
    size_t files = 0;
    for (const auto& e : fs::recursive_directory_iterator(out)) {
      if (!e.is_regular_file()) continue;
      std::string rel = fs::relative(e.path(), out).string();
      if (rel == exporter::kStateFileName) continue;  // holds written_at only
      ++files;
      if (threads == 1)
        seen[rel] = slurp(e.path());
      else
        CHECK(seen[rel] == slurp(e.path()));
    }
    CHECK(files == seen.size());
  }
}

TEST_CASE("queue: runs every job and waits for them", "[export][queue]") {
  std::atomic<int> done{0};
  {
    exporter::WorkQueue queue(3, 2);
    for (int i = 0; i < 50; ++i) queue.submit([&] { ++done; });
    queue.wait();
    CHECK(done == 50);
    for (int i = 0; i < 10; ++i) queue.submit([&] { ++done; });
  }  // the destructor waits too
  CHECK(done == 60);
}

#ifdef __linux__
TEST_CASE("queue: workers run nicer than their maker, so the server's requests come first",
          "[export][queue]") {
  auto own_nice = [] {
    errno = 0;
    return ::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)));
  };
  const int maker = own_nice();
  std::atomic<int> seen{-100};
  {
    exporter::WorkQueue queue(1, 1, 5);
    queue.submit([&] { seen = own_nice(); });
  }
  CHECK(seen == std::min(maker + 5, 19));
  CHECK(own_nice() == maker);  // the maker's own priority is untouched
}
#endif
