// werkex-bench's nightly figures (issue 11).
//
// 1. In a fresh child: the roster import of a generated school (nightly_roster.hpp) through
//    the server app's own service, the same files again, the child's peak memory.
// 2. In another child, one night and the next on the real server in this process:
//    - setup (not timed as a figure): the school imported, every pupil given a dossier with
//      photos (nightly_dossiers.hpp), phones of 10 pupils enrolled (nightly_phones.hpp);
//    - the night, with the phones syncing in a paced loop throughout: every portfolio
//      exported through App::export_now (what POST /v1/admin/export runs; durable writes,
//      nothing exported before), then the night's roster (the same files: an unchanged
//      school system) imported, in the order of `werkex-admin nightly --export --roster`;
//      every sync that starts in that window is a sample; the process's VmHWM is reset
//      just before the export and read after it;
//    - the next night: once every phone has pushed a new activity after the export, the
//      phones stop and the next export runs; it must write exactly the phones' 10 dossiers
//      (and the first one every pupil's), else the benchmark fails.
#pragma once

#include <cstddef>

#include "bench.hpp"
#include "nightly_dossiers.hpp"

namespace bench {

struct NightlyFigures {
  size_t pupils = 0, people = 0;
  double import_s = 0;       // parse + apply + enrolment codes, first import
  double rerun_s = 0;        // the same files again
  size_t rerun_changes = 0;  // must be 0
  double peak_rss_mb = 0;    // VmHWM of a fresh process that ran the imports
  DossierTotals dossiers;    // what the exports work on
  // The same phones syncing before the night, nothing else running (5 s; quick: 1 s).
  size_t quiet_samples = 0;
  double quiet_p50_ms = 0, quiet_p99_ms = 0;
  // The night, under load.
  size_t sync_devices = 0;
  double sync_interval_ms = 0;  // per phone
  double export_s = 0;          // every portfolio, first run
  size_t export_written = 0, export_photos = 0;
  double export_peak_rss_mb = 0;    // VmHWM of the server process over the export
  double rss_before_export_mb = 0;  // its VmRSS when the export started
  double roster_s = 0;              // the night's roster after the export
  size_t roster_changes = 0;
  size_t sync_samples = 0;  // syncs that started during the export and the roster
  double sync_p50_ms = 0, sync_p99_ms = 0, sync_max_ms = 0;  // SyncSession::run, the phone's view
  double sync_server_p99_ms = 0;  // the server's view of /v1/sync (its access log) meanwhile
  // The next night.
  double incremental_s = 0;
  size_t incremental_written = 0;
};

NightlyFigures bench_nightly(const TempDir& dir, bool quick);

// ---- nightly_report.cpp: the figures as --json keys and as text on stdout -----------------
void add_nightly_json(nlohmann::ordered_json& j, const NightlyFigures& n);
void print_nightly(const NightlyFigures& n);

}  // namespace bench
