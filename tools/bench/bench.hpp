// werkex-bench: the pieces shared by main.cpp (flags, phases, output), util.cpp (temp dir,
// clocks, memory, sample data, child processes), workloads.cpp (what is measured on one
// device) and server_bench.cpp (what is measured against the sync server).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "werkex/dossier.hpp"
#include "werkex/error.hpp"
#include "werkex/store.hpp"

namespace bench {

// A benchmark that cannot go on (a werkex or SQLite call failed): main prints it, exits 1.
struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void check(const werkex::Status& s, const std::string& what);
template <typename T>
T check(werkex::Result<T> r, const std::string& what) {
  if (!r) throw Failure(what + ": " + r.error().to_string());
  return std::move(r).value();
}

// Progress lines on stderr, only when stderr is a terminal (stdout stays the report).
void progress(const std::string& line);

// Output helpers for the report: printf into a string (512 bytes at most), a figure rounded
// to `decimals` for the JSON, "ok"/"MISSED" beside a target.
std::string fmt(const char* format, ...) __attribute__((format(printf, 1, 2)));
double rounded(double v, int decimals);
const char* verdict(bool ok);

// A fresh directory (mkdtemp) under `base`, removed with its contents when the process that
// made it destroys it (forked children leave with _exit and never remove it).
class TempDir {
 public:
  explicit TempDir(const std::string& base);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int owner_pid_;
};

using Clock = std::chrono::steady_clock;
inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}
double median(std::vector<double> v);
// The nearest-rank percentile (p in [0, 1]) of `v`; 0 for none.
double percentile(std::vector<double> v, double p);

// A "VmRSS:"/"VmHWM:" line of /proc/self/status, in MB (MiB); -1 if unreadable.
double proc_status_mb(const char* key);
// getrusage(RUSAGE_SELF).ru_maxrss in MB (MiB).
double peak_rss_mb();

// Runs `fn` in a forked child, waits for it and returns what `fn` returned (sent back through a
// pipe); throws if it failed. The child reports a failure on stderr and leaves with _exit, so
// nothing of the parent (buffers, destructors) runs twice.
std::string run_in_child(const std::string& what, const std::function<std::string()>& fn);

// The content of one recorded experience. The same values go through werkex and through
// plain SQLite, generated before the clock starts.
struct Experience {
  std::string occurred_at, note, emotion, emotion_note, observed_goals, role_model;
  std::vector<std::string> competencies;  // two of the schema's competencies
};
std::vector<Experience> make_experiences(size_t n, uint64_t seed);
werkex::Identity bench_pupil();
// Opens a replica with the bench pupil's identity.
std::unique_ptr<werkex::Replica> open_pupil_replica(const std::string& path, bool durable);
// Plans one activity for experiences to refer to; returns its id.
std::string plan_activity(werkex::Replica& replica, size_t i);
// The experience as the domain API takes it (eight fields, nine field changes).
werkex::ExperienceDraft draft_of(const Experience& e, const std::string& activity);
// The JSON text of a change's value (a set change: its element), the "raw value" that
// wire sizes are compared with.
size_t raw_value_bytes(const werkex::Change& c);

// ---- workloads.cpp ------------------------------------------------------------------------

struct WriteFigures {
  double local_us = 0;   // median over rounds, per action
  double sqlite_us = 0;  // median over rounds, per action
  double ratio = 0;      // median over rounds of local/sqlite within the round
  size_t actions = 0;    // per round and side
  size_t rows_per_action = 0;
};
// One transaction per action on both sides; `durable`: synchronous=FULL, else NORMAL.
WriteFigures bench_writes(const TempDir& dir, const std::vector<Experience>& data, bool durable,
                          int rounds);

// Builds a dossier of `activities` activities and `experiences` experiences (durable=false).
void build_dossier(const std::string& path, size_t activities, size_t experiences);

struct DossierMemory {
  double before_open_mb = 0;  // the child's VmRSS before opening
  double after_open_mb = 0;   // VmRSS with the replica open, before listing
  double after_list_mb = 0;   // VmRSS with the listed documents still held
  double scan_hwm_mb = 0;     // VmHWM after streaming the timeline (Replica::scan)
  double hwm_mb = 0;          // VmHWM after also holding every document parsed (list())
  size_t listed = 0;
};
// In a forked child: open the replica, list every entity of the pupil's dossier.
DossierMemory measure_dossier_in_child(const std::string& path);

// One way of receiving a bundle: medians over rounds, each on a fresh durable replica.
struct ApplyTimes {
  double parse_s = 0, apply_s = 0;
  double changes_per_s = 0;             // parse + apply
  double apply_only_changes_per_s = 0;  // apply alone
};
struct ApplyFigures {
  size_t changes = 0;
  size_t entities = 0;
  size_t bundle_bytes = 0;         // JSON text
  size_t binary_bundle_bytes = 0;  // bundle_to_binary
  double raw_value_bytes = 0;      // all values' JSON text, summed
  double export_changes_per_s = 0;
  ApplyTimes json;    // bundle_from_text + apply
  ApplyTimes binary;  // bundle_from_bytes + apply
};
// Exports everything of `source` as JSON text and as the binary bundle, then parses and
// applies each on fresh targets.
ApplyFigures bench_apply(const std::string& source, const TempDir& dir, int rounds);

// ---- server_bench.cpp ---------------------------------------------------------------------

struct ServerFigures {
  size_t devices = 0, school_entities = 0;
  double seed_s = 0, prepare_s = 0;
  // A pupil's first sync in this school (the catch-up round, on a sample of the devices).
  size_t catch_up_devices = 0;
  double catch_up_p50_ms = 0, catch_up_p99_ms = 0;
  // Every device at once, each sending its next sync as soon as the last was answered.
  size_t rounds = 0, requests = 0, applied = 0;
  double seconds = 0, changes_per_s = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  double server_p50_ms = 0, server_p99_ms = 0;  // the server's own view (its access log)
  double server_cpu_ms_per_request = 0;         // this process's CPU minus the load client's
  double client_cpu_share = 0;                  // the load client's part of this process's CPU
  // Then paced at about half that rate: each device syncs every interval.
  size_t paced_rounds = 0, paced_applied = 0;
  double paced_interval_ms = 0, paced_changes_per_s = 0, paced_p50_ms = 0, paced_p99_ms = 0;
  // Wire, all-at-once run: /v1/sync bytes as the server read and wrote them, headers included.
  double request_bytes = 0, response_bytes = 0;
  double request_body_bytes = 0, response_body_bytes = 0;  // as the load client sent and read
  double push_raw_per_change = 0;  // mean raw value size of the pushed changes
  // First sync of a supervisor's fresh phone (median of `first_sync_runs`).
  int first_sync_runs = 0;
  size_t first_sync_changes = 0, first_sync_entities = 0, first_sync_dossier_entities = 0;
  size_t first_sync_rounds = 0;
  double first_sync_ms = 0;
  double first_sync_request_bytes = 0, first_sync_response_bytes = 0;  // one sync
  double pulled_raw_per_change = 0;  // mean raw value size of what the phone then holds

  double wire_per_change() const { return (request_bytes + response_bytes) / double(applied); }
  double request_per_change() const { return request_bytes / double(applied); }
  double wire_per_pulled_change() const {
    return (first_sync_request_bytes + first_sync_response_bytes) / double(first_sync_changes);
  }
};
// A bench school on an in-process server under `dir`; `quick`: 100 devices, fewer rounds.
ServerFigures bench_server(const TempDir& dir, bool quick);

}  // namespace bench
