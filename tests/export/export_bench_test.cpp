// The export's cost (issue 11's target: 1,200 portfolios in < 120 s on 2 cores, i.e.
// < 100 ms per pupil). Not run by default: werkex_export_tests "[.bench]".
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "export_run.hpp"
#include "export_world.hpp"
#include "thumbnails.hpp"

using namespace werkex;
using test::expect_ok;

namespace {

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

long peak_rss_mb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6)) / 1024;
  return -1;
}

exporter::ExportReport timed_run(test::ExportWorld& w, bool durable, const std::string& out) {
  exporter::ExportOptions options;
  options.durable = durable;
  return expect_ok(exporter::export_dossiers(*w.db, w.blob_dir, out, options));
}

}  // namespace

TEST_CASE("bench: 100 pupils with 5 photos each", "[.bench][export]") {
  constexpr int kPupils = 100;
  test::ExportWorld w(false);
  std::vector<test::FullDossier> dossiers;
  auto build_start = std::chrono::steady_clock::now();
  for (int i = 0; i < kPupils; ++i) {
    std::string pupil =
        w.add_pupil("Leerling " + std::to_string(i) + " van Dam", i % 2 ? w.group : w.group_b);
    dossiers.push_back(w.build_dossier(pupil, false));
    w.add_small_photos(pupil, dossiers.back().exp1, 5, i);  // 800×600 JPEGs
  }
  double build_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - build_start).count();

  double cpu_start = cpu_seconds();
  exporter::ExportReport all = timed_run(w, true, w.out_dir);
  double all_cpu = cpu_seconds() - cpu_start;
  REQUIRE(all.written == kPupils);
  REQUIRE(all.failed.empty());
  exporter::ExportReport rerun = timed_run(w, true, w.out_dir);
  REQUIRE(rerun.written == 0);
  for (int i = 0; i < 10; ++i) {
    w.as_pupil(dossiers[i].pupil);
    w.put({{"id", dossiers[i].activity2}, {"title", "Gewijzigd " + std::to_string(i)}});
  }
  exporter::ExportReport ten = timed_run(w, true, w.out_dir);
  REQUIRE(ten.written == 10);
  // The same work without fsync: what the durable writes cost.
  exporter::ExportReport loose = timed_run(w, false, w.dir.file("out-no-fsync"));
  REQUIRE(loose.written == kPupils);

  std::printf(
      "export bench (%d pupils, 5 photos of 800x600 each; world built in %.1f s):\n"
      "  all portfolios:   %.2f s = %.1f ms per pupil (%zu photos copied) -> 1,200 pupils "
      "~%.0f s\n"
      "                    CPU (user+sys, all threads): %.2f s = %.1f ms per pupil\n"
      "  rerun, 0 changed: %.2f s = %.1f ms per pupil\n"
      "  10 changed:       %.2f s\n"
      "  all, no fsync:    %.2f s = %.1f ms per pupil\n"
      "  peak RSS of the test process: %ld MB\n",
      kPupils, build_s, all.seconds, all.seconds * 1000 / kPupils, all.photos_copied,
      all.seconds * 1200 / kPupils, all_cpu, all_cpu * 1000 / kPupils, rerun.seconds,
      rerun.seconds * 1000 / kPupils, ten.seconds, loose.seconds, loose.seconds * 1000 / kPupils,
      peak_rss_mb());
}

TEST_CASE("bench: one thumbnail of an 800x600 and a 4032x3024 JPEG",
          "[.bench][export][thumbnail]") {
  test::TempDir dir;
  for (auto [w, h] : {std::pair{800, 600}, std::pair{4032, 3024}}) {
    std::string path = dir.file("p.jpg");
    std::ofstream(path, std::ios::binary) << test::make_jpeg(w, h, 1, true);
    constexpr int kRuns = 20;
    double cpu_start = cpu_seconds();
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kRuns; ++i) REQUIRE(exporter::jpeg_thumbnail(path, 480));
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("thumbnail of %dx%d: %.1f ms wall, %.1f ms CPU\n", w, h, s * 1000 / kRuns,
                (cpu_seconds() - cpu_start) * 1000 / kRuns);
  }
}
