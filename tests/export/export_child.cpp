// werkex_export_child <dossiers.db> <blob dir> <out dir>: one export run in its own process,
// for the test that kills a run at random moments (export_run_test.cpp). A separate program
// rather than a fork of the test: libvips' worker threads do not survive a fork.
#include <cstdio>

#include "export_run.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s <dossiers.db> <blob dir> <out dir>\n", argv[0]);
    return 2;
  }
  auto db = werkex::Replica::open(argv[1]);
  if (!db) {
    std::fprintf(stderr, "%s\n", db.error().to_string().c_str());
    return 1;
  }
  werkex::exporter::ExportOptions options;
  options.durable = false;
  auto report = werkex::exporter::export_dossiers(**db, argv[2], argv[3], options);
  if (!report) {
    std::fprintf(stderr, "%s\n", report.error().to_string().c_str());
    return 1;
  }
  std::printf("%s\n", report->to_json().dump().c_str());
  return report->failed.empty() ? 0 : 3;
}
