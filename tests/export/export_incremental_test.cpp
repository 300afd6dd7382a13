// The incremental export (export_state.hpp): after a run, the next one reads only the pupils
// the store's changes may touch. Model: a full export into an empty folder, which reads
// every pupil and so cannot miss a change. After every random change, the incremental
// folder must hold exactly what the full export writes, byte for byte.
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "export_run.hpp"
#include "export_state.hpp"
#include "export_world.hpp"

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

// Every file of `full` (but the state) that `incremental` lacks or holds otherwise.
std::vector<std::string> differences(const fs::path& full, const fs::path& incremental) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(full)) {
    if (!e.is_regular_file() || e.path().filename() == exporter::kStateFileName) continue;
    fs::path rel = fs::relative(e.path(), full);
    if (!fs::exists(incremental / rel))
      out.push_back("missing " + rel.string());
    else if (slurp(e.path()) != slurp(incremental / rel))
      out.push_back("differs " + rel.string());
  }
  return out;
}

struct Town {
  test::ExportWorld w{false};
  std::vector<std::string> pupils;
  std::vector<std::string> placements;
  ExportOptions options;
  int full_runs = 0;

  Town() {
    options.now_ms = test::kStartMillis;
    options.durable = false;
    options.history = "epoch-1";
    for (const char* name : {"Daan Hart", "Sem Berg", "Lotte Bakker", "Noor Smit", "Finn Visser"})
      pupils.push_back(w.add_pupil(name, pupils.size() % 2 ? w.group_b : w.group));
    w.build_dossier(pupils[0]);
    placements.push_back(w.add_placement(pupils[1]));
  }
  ExportReport incremental() {
    return expect_ok(export_dossiers(*w.db, w.blob_dir, w.out_dir, options));
  }
  fs::path full() {
    fs::path out = w.dir.file("full-" + std::to_string(++full_runs));
    expect_ok(export_dossiers(*w.db, w.blob_dir, out.string(), options));
    return out;
  }
  void as_admin() { expect_ok(w.db->set_identity(test::ExportWorld::as("admin", "", w.admin))); }
  void as_counsellor() {
    expect_ok(w.db->set_identity(test::ExportWorld::as("counsellor", "", w.counsellor)));
  }
  std::string key_entity() {
    auto keys = expect_ok(w.db->list(Query::where("signing_key", "", "key_id", w.ans_key.key_id)));
    return keys.at(0).value("id", "");
  }
  // One change of the kinds that alter exports, picked by `pick`; returns what it did.
  std::string change(std::mt19937& rng, int n);
};

std::string Town::change(std::mt19937& rng, int n) {
  const std::string pupil = pupils[rng() % pupils.size()];
  const std::string tag = " " + std::to_string(n);
  switch (rng() % 11) {
    case 0:
      w.as_pupil(pupil);
      w.put(
          {{"type", "experience"}, {"occurred_at", "2026-11-20T10:00:00Z"}, {"note", "Dag" + tag}});
      return "experience";
    case 1:
      as_admin();
      w.put({{"id", pupil}, {"name", "Leerling" + tag}});
      return "pupil renamed";
    case 2:
      as_admin();
      w.put({{"id", rng() % 2 ? w.ans : w.teacher}, {"name", "Begeleider" + tag}});
      return "supervisor or mentor renamed";
    case 3:
      as_admin();
      w.put({{"id", rng() % 2 ? w.group : w.group_b}, {"name", "Klas" + tag}});
      return "group renamed";
    case 4:
      as_admin();
      w.put({{"id", pupil}, {"groups", {rng() % 2 ? w.group : w.group_b}}});
      return "pupil moved";
    case 5:
      placements.push_back(w.add_placement(pupil));
      return "placement added";
    case 6:
      as_counsellor();
      w.put({{"id", w.company}, {"name", "Bedrijf" + tag}});
      return "company renamed";
    case 7:
      as_counsellor();
      w.put({{"id", placements[rng() % placements.size()]}, {"pupil", pupil}});
      return "placement moved to another pupil";
    case 8:
      as_admin();
      w.put({{"id", key_entity()},
             {"revoked_at", "2026-12-01T08:00:00Z"},
             {"revoked_reason", "kwijt"}});
      return "signing key revoked";
    case 9:
      pupils.push_back(w.add_pupil("Nieuw" + tag, w.group));
      return "pupil added";
    default:
      as_admin();
      w.put({{"id", pupil}, {"status", "left"}});
      return "pupil left";
  }
}

}  // namespace

TEST_CASE("incremental: after any change, the folder equals a full export's",
          "[export][incremental]") {
  for (unsigned seed : {1u, 2u, 3u, 4u}) {
    Town t;
    std::mt19937 rng(seed);
    t.incremental();
    for (int step = 0; step < 14; ++step) {
      std::string what = t.change(rng, step);
      ExportReport r = t.incremental();
      INFO("seed " << seed << " step " << step << ": " << what);
      CHECK(r.failed.empty());
      CHECK(differences(t.full(), t.w.out_dir) == std::vector<std::string>{});
    }
  }
}

TEST_CASE("incremental: a quiet night reads nobody, a pupil's change reads that pupil",
          "[export][incremental]") {
  Town t;
  ExportReport first = t.incremental();
  CHECK(first.examined == t.pupils.size());
  ExportReport quiet = t.incremental();
  CHECK(quiet.examined == 0);
  CHECK(quiet.unchanged == t.pupils.size());
  CHECK(quiet.written == 0);
  t.w.as_pupil(t.pupils[3]);
  t.w.put({{"type", "experience"}, {"occurred_at", "2026-11-20T10:00:00Z"}, {"note", "Bakker"}});
  ExportReport one = t.incremental();
  CHECK(one.examined == 1);
  CHECK(one.written == 1);
  // Ans supervises pupils 0 (sign-off) and 1 (placement): renaming her reads those two.
  t.as_admin();
  t.w.put({{"id", t.w.ans}, {"name", "Ans Smit"}});
  ExportReport two = t.incremental();
  CHECK(two.examined == 2);
  CHECK(two.written == 2);
}

TEST_CASE("incremental: a state from another history, settings or a forced run reads everyone",
          "[export][incremental]") {
  Town t;
  t.incremental();
  ExportOptions same = t.options;
  bool forced = false;
  SECTION("a restore renewed the epoch") {
    t.options.history = "epoch-2";
  }
  SECTION("other thumbnails") {
    t.options.thumbnail_px = 320;
  }
  SECTION("another CSV separator") {
    t.options.csv_separator = ',';
  }
  SECTION("forced") {
    t.options.force = forced = true;
  }
  CHECK(t.incremental().examined == t.pupils.size());
  // And back: the state now names the other basis; a forced run kept the same one.
  t.options = same;
  CHECK(t.incremental().examined == (forced ? 0 : t.pupils.size()));
  CHECK(differences(t.full(), t.w.out_dir) == std::vector<std::string>{});
}

TEST_CASE("incremental: what could not be finished is read again next run",
          "[export][incremental]") {
  Town t;
  fs::path photo_file;
  for (const auto& e : fs::recursive_directory_iterator(t.w.blob_dir))
    if (e.is_regular_file()) photo_file = e.path();
  REQUIRE(!photo_file.empty());
  std::string bytes = slurp(photo_file);
  fs::remove(photo_file);  // not uploaded yet
  t.incremental();
  std::ofstream(photo_file, std::ios::binary) << bytes;  // arrives; no change in the store
  ExportReport arrived = t.incremental();
  CHECK(arrived.examined == 1);
  CHECK(arrived.written == 1);
  CHECK(differences(t.full(), t.w.out_dir) == std::vector<std::string>{});

  SECTION("someone deleted a pupil's folder") {
    fs::path folder;
    for (const auto& e : fs::recursive_directory_iterator(t.w.out_dir))
      if (e.path().filename() == "dossier.json") folder = e.path().parent_path();
    fs::remove_all(folder);
    CHECK(t.incremental().written == 1);
    CHECK(fs::exists(folder / "dossier.json"));
  }
  SECTION("a run with --only leaves the others for the next run") {
    t.w.as_pupil(t.pupils[2]);
    t.w.put({{"type", "experience"}, {"occurred_at", "2026-11-20T10:00:00Z"}, {"note", "Later"}});
    t.options.only = {t.pupils[4]};
    CHECK(t.incremental().written == 0);
    t.options.only.clear();
    ExportReport next = t.incremental();
    CHECK(next.written == 1);
    CHECK(differences(t.full(), t.w.out_dir) == std::vector<std::string>{});
  }
}
