// werkex-bench's PostgreSQL figures (issue 15; docs/design.md §10): the 1,000-phone closed loop
// of server_bench.cpp against real werkex-server processes on one PostgreSQL database, first
// one process, then two (each phone talking to one of them, as behind a round-robin load
// balancer), with the CPU each server process and the database spent per sync.
//
// The cluster is a throwaway one (tests/pg/cluster.sh) on loopback, fsync on; the school and
// the phones' tokens are made in this process by an App on the same database, which is closed
// before the server processes start. On a machine whose 2 cores also run the load client and
// PostgreSQL, two processes cannot double the throughput: the CPU per sync is the figure to
// size a deployment from.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "bench.hpp"

namespace bench {

struct PgRun {
  size_t processes = 0;
  size_t requests = 0, applied = 0;
  double seconds = 0, changes_per_s = 0, p50_ms = 0, p99_ms = 0;
  std::vector<double> server_cpu_ms_per_sync;  // per process: its CPU / the syncs it answered
  double database_cpu_ms_per_sync = 0;         // every PostgreSQL process / all syncs
};

struct PgFigures {
  size_t devices = 0, rounds = 0;
  PgRun one, two;
};

PgFigures bench_pg(const TempDir& dir, bool quick);
void add_pg_json(nlohmann::ordered_json& j, const PgFigures& f);
void print_pg(const PgFigures& f);

}  // namespace bench
