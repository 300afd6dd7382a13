// werkex-bench: the pieces shared by main.cpp (flags, phases, output), util.cpp (temp dir,
// clocks, memory, sample data, child processes) and workloads.cpp (what is measured).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

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

struct ApplyFigures {
  size_t changes = 0;
  size_t entities = 0;
  size_t bundle_bytes = 0;
  double raw_value_bytes = 0;  // all values' JSON text, summed
  double export_changes_per_s = 0;
  double apply_changes_per_s = 0;       // parse + apply, median over rounds
  double apply_only_changes_per_s = 0;  // apply alone, median over rounds
  double parse_s = 0, apply_s = 0;      // medians
};
// Exports everything of `source` as JSON text, then parses and applies it on fresh targets.
ApplyFigures bench_apply(const std::string& source, const TempDir& dir, int rounds);

}  // namespace bench
