// The nightly school sync inside the server (issue 11), for schools without cron: the config's
// "nightly" entry names a local time and the steps, and each day at that time the server runs
// what `werkex-admin nightly` drives through the admin API, in-process: the dossiers that
// changed are exported, the roster folder is imported (letters for new people), who just left
// is exported once more, retention runs, a backup is made. POST /v1/admin/nightly runs it at
// once (school IT's "run it now"). Each run's report goes to <data>/nightly/<date>.json and
// one JSON line on stdout.
//
// Invariants: one run at a time, and not beside any other admin job (admin_jobs.hpp): a time
// that comes while one runs is skipped with a log line;
// a failing step is recorded in the report and the steps after it still run, except that a
// roster with problems applies nothing (as everywhere).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "admin_jobs.hpp"
#include "werkex/merge.hpp"  // json

namespace werkex::server {

class App;

struct NightlySchedule {
  std::string at;           // "HH:MM" in the server's local time zone; "" = no timer
  std::string roster_dir;   // a OneRoster folder; "" = no roster step
  std::string letters_dir;  // "" = <data>/letters
  bool export_dossiers = false, retention = false, backup = false;
  bool enabled() const {
    return !at.empty() || !roster_dir.empty() || export_dossiers || retention || backup;
  }
};

// Parses the config's "nightly" object; WX_INVALID_ARGUMENT naming what is wrong.
Result<NightlySchedule> parse_nightly_schedule(const json& config);

// The first moment strictly after `now_ms` whose local wall-clock time is `at` ("HH:MM").
uint64_t next_run_ms(uint64_t now_ms, const std::string& at);
// The local calendar date (YYYY-MM-DD) of `ms`: the day a scheduled run belongs to.
std::string local_date(uint64_t ms);

class NightlyRunner {
 public:
  using Log = std::function<void(const std::string& json_line)>;
  NightlyRunner(App& app, NightlySchedule schedule, Log log);
  ~NightlyRunner();  // stops the timer and waits for a run in progress
  NightlyRunner(const NightlyRunner&) = delete;
  NightlyRunner& operator=(const NightlyRunner&) = delete;

  // Starts the timer thread if the schedule names a time.
  void start();
  // Runs every configured step now, as the admin job the caller holds (AdminJobs), each step
  // reporting to `progress`; returns the report (also written and logged).
  json run(JobProgress& progress);

 private:
  json run_steps(JobProgress& progress);
  void timer_loop();
  // The timer's run of `day`: claimed in the store first (AuthStore::claim_run), so it
  // happens once across processes; waits while another admin job runs.
  void run_once(const std::string& day);
  static constexpr std::chrono::seconds kBusyRetry{5};

  App& app_;
  NightlySchedule schedule_;
  Log log_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace werkex::server
