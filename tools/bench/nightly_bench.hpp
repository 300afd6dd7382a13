// werkex-bench's nightly figures (issue 11): the roster import of a generated school
// (nightly_roster.hpp) through the server app's own service, a rerun, the peak memory, and
// the latency of real syncs (SyncSession over libcurl against the in-process server) from
// devices syncing in a loop while a second school's import runs.
#pragma once

#include <cstddef>

#include "bench.hpp"

namespace bench {

struct NightlyFigures {
  size_t pupils = 0, people = 0;
  double import_s = 0;       // parse + apply + enrolment codes, first import
  double rerun_s = 0;        // the same files again
  size_t rerun_changes = 0;  // must be 0
  double peak_rss_mb = 0;    // VmHWM of a fresh process that ran the imports
  size_t sync_devices = 0, syncs_during = 0;
  double import_under_load_s = 0;
  double sync_p50_ms_during = 0, sync_p99_ms_during = 0;
};

NightlyFigures bench_nightly(const TempDir& dir, bool quick);

}  // namespace bench
