// werkex-bench --only peer: the common peer workload of issue 14 and ../shared/peer-bench,
// through synclib's public C++ API, so its figures compare with other sync libraries'.
//
// Workload (generated exactly as peer-bench's node/workload.mjs: mulberry32, seed 42): R
// records (2,000) of F = 8 free-text fields (title, text, kind, date, place, emotion, tags,
// status), each a last-writer-wins register. Replica 0 creates the records (one put() each),
// the others receive that state as one bundle (timed apart: init). Then K = 3 replicas each
// make U = 20,000 single-field updates offline, one put() = one transaction each, replica by
// replica. Then the pairwise exchange (0,1), (0,2), (1,2), repeated until every replica's
// dump() is the same: per pair each side asks how far the other has seen it (peer_seq),
// exports changes_since() as JSON text, the other parses and applies it. The workload runs
// twice, synchronous=FULL (werkex's default) and NORMAL, each in a forked child whose VmHWM
// is the peak RSS of "3 replicas in one process". `--quick`: R = 100, U = 500.
//
// Measured beside it: a plain-SQLite floor doing the same updates (log INSERT + LWW UPSERT,
// one transaction per update, same synchronous setting), taking turns update by update with
// werkex so both meet the same disk; and the time SQLite spends in xSync (a VFS shim that
// times the default VFS), so the fsync-free part of a FULL write is reported.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bench.hpp"
#include "nlohmann/json.hpp"

namespace bench::peer {

// ---- peer_workload.cpp: the workload ------------------------------------------------------

struct Update {
  uint32_t record = 0;
  uint8_t field = 0;
  std::string value;
};

struct Workload {
  int R = 0, F = 8, K = 3, U = 0;
  uint32_t seed = 42;
  std::vector<std::string> fields;             // the F field names
  std::vector<std::vector<std::string>> init;  // R rows of F values
  std::vector<std::vector<Update>> ops;        // K replicas' U updates, in order
};

Workload make_workload(int records, int updates_per_replica, uint32_t seed = 42);
// FNV-1a 32 over peer-bench's TSV form of the workload (workloadTsvLines, as hex): equal to
// what node/workload.mjs generates for the same R, F, K, U and seed.
std::string workload_digest(const Workload& w);

// ---- peer_sync_timer.cpp: time in SQLite's xSync ------------------------------------------

struct SyncTotals {
  uint64_t calls = 0, wal_calls = 0;
  double seconds = 0;
};
// Registers (once per process) a VFS that forwards to the default one and times every xSync;
// databases opened afterwards use it. Call it in the child that measures.
void install_sync_timer();
SyncTotals sync_totals();

// ---- peer_floor.cpp: plain SQLite doing the same updates ----------------------------------

class Floor {
 public:
  // A fresh database with the workload's initial cells (not timed).
  Floor(const std::string& path, bool durable, const Workload& w);
  ~Floor();
  Floor(const Floor&) = delete;
  Floor& operator=(const Floor&) = delete;
  // One transaction: INSERT into the log, UPSERT into state(record, field) if (ts, replica)
  // is newer than what is there.
  void write(const Update& u, int64_t ts, int replica);

 private:
  void exec(const char* sql);
  [[noreturn]] void fail(const std::string& what);
  sqlite3* db_ = nullptr;
  sqlite3_stmt* log_ = nullptr;
  sqlite3_stmt* upsert_ = nullptr;
  const Workload& w_;
};

// ---- peer_bench.cpp / peer_merge.cpp: the run ---------------------------------------------

struct Figures {
  std::string sync;  // "FULL" or "NORMAL"
  double init_ms = 0;
  size_t init_bytes = 0;
  size_t writes = 0, noop_writes = 0;
  double write_us = 0, floor_us = 0;  // per update, werkex and the plain-SQLite floor
  double write_sync_us = 0;           // of write_us: SQLite's xSync (fsync) time
  double floor_sync_us = 0;           // of floor_us
  double write_syncs_per_op = 0;      // xSync calls per werkex write
  double merge_ms = 0, merge_peer_seq_ms = 0, merge_changes_since_ms = 0, merge_export_ms = 0;
  double merge_parse_ms = 0, merge_apply_ms = 0, merge_sync_ms = 0;
  int rounds = 0;
  bool converged = false;
  // merge_bytes: the binary bundles moved; merge_bytes_json: the same bundles as JSON text.
  size_t merge_bytes = 0, merge_bytes_json = 0, messages = 0, changes_sent = 0, applied = 0,
         unchanged = 0;
  size_t redundant = 0;  // sent to a replica that had seen every write in it already
  size_t identical = 0;  // of those, the receiver's state of the field was exactly it
  size_t rejected = 0;
  nlohmann::json pairs = nlohmann::json::array();  // per round and pair: changes, bytes
  double rss_start_mb = 0, hwm_after_writes_mb = 0, peak_rss_mb = 0;
};

struct Report {
  Workload shape;  // R, F, K, U, seed (no values)
  std::string digest;
  Figures full, normal;
};

// Generates the workload and runs it FULL then NORMAL, each in a forked child under `dir`.
Report bench_peer(const TempDir& dir, bool quick);
// Runs the workload once in this process (the child's part).
Figures run_once(const Workload& w, const std::string& dir, bool durable);

// The K replicas of one run, all with the same pupil's identity (one pupil's devices).
struct Replicas {
  std::vector<std::unique_ptr<werkex::Replica>> reps;
};
// The pairwise exchange until every dump() is equal (at most 5 rounds), into `f`.
void merge(Replicas& r, Figures& f);

void add_json(nlohmann::ordered_json& j, const Report& r);
void print(const Report& r);

}  // namespace bench::peer
