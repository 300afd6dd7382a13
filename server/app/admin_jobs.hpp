// The admin API's long steps as jobs (issue 11: "progress lines on stderr for every long step
// (n of N, rate, time left)"). An export of 1,200 portfolios takes minutes: a client that asks
// with `Prefer: respond-async` gets 202 and the job's URL at once, and polls
// GET /v1/admin/jobs/{id} for the step, n of N, rate and time left, then the step's answer.
// A client that does not ask waits for the answer as before (the job runs on its thread).
//
// Invariants:
// - One admin job at a time, whoever starts it (the admin API, cron's `werkex-admin nightly`,
//   the in-server schedule): two exports into one folder, or an import beside a restore-
//   worthy backup, would race. A second one is refused with WX_CONFLICT (409), never queued.
// - A job's answer is kept (the last kRecentJobs jobs) so a client that lost its connection
//   can still read how it ended; ids are random, so one job's URL does not name another's.
// - The destructor waits for a running job: the server stops only after it ended.
// - A job belongs to the school whose admin token started it ("" for the deployment's): a
//   school's token sees only its school's jobs (their answers hold enrolment codes), the
//   deployment's sees all (docs/design.md §8).
// - With JobLocks (several processes on one database) a job also holds its lock there for as
//   long as it runs: a job another process runs that excludes it (job_locks.hpp) is refused
//   with WX_CONFLICT as one in this process is.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "job_locks.hpp"
#include "werkex/merge.hpp"  // json

namespace werkex::server {

// How far a job is: the service running it reports the step and n of N; readers see a
// consistent copy with the rate and the time left. Safe from any thread.
class JobProgress {
 public:
  explicit JobProgress(std::function<uint64_t()> clock) : clock_(std::move(clock)) {}
  // A new step starts (`total` 0: not counted, e.g. one transaction).
  void step(const std::string& name, size_t total = 0);
  void advance(size_t done, size_t total);
  // {"step","done","total","seconds","rate_per_s","eta_s"} (rate and eta once known).
  json to_json() const;

 private:
  std::function<uint64_t()> clock_;
  mutable std::mutex mu_;
  std::string step_;
  size_t done_ = 0, total_ = 0;
  uint64_t step_started_ms_ = 0;
};

// What a step answers: the HTTP status and JSON body of its synchronous request.
struct AdminAnswer {
  unsigned status = 200;
  json body;
};

class AdminJobs {
 public:
  using Work = std::function<AdminAnswer(JobProgress&)>;
  static constexpr size_t kRecentJobs = 32;

  explicit AdminJobs(std::function<uint64_t()> clock) : clock_(std::move(clock)) {}
  ~AdminJobs();
  AdminJobs(const AdminJobs&) = delete;
  AdminJobs& operator=(const AdminJobs&) = delete;

  // The locks the jobs of every process share (not owned; outlives this); none: this process's
  // jobs are all there are. Set before the first job.
  void share(JobLocks* locks) { locks_ = locks; }
  // Runs `work` now on the calling thread for `school` ("" the deployment); WX_CONFLICT
  // while another job runs.
  Result<AdminAnswer> run(const std::string& kind, const Work& work,
                          const std::string& school = "");
  // Starts `work` on the job thread; its id, or WX_CONFLICT while another job runs.
  Result<std::string> start(const std::string& kind, Work work, const std::string& school = "");
  // The job's state: {"id","kind","started_at","state":"running"|"done","progress":{...}}
  // and, once done, {"status", "result"}; nullopt for an unknown id or one `viewer` (a
  // school; "" the deployment, who sees all) may not see.
  std::optional<json> status(const std::string& id, const std::string& viewer) const;
  // The recent jobs `viewer` may see, newest first (without their results).
  json list(const std::string& viewer) const;

 private:
  struct Job;
  Result<std::shared_ptr<Job>> claim(const std::string& kind, const std::string& school);
  void finish(Job& job, AdminAnswer answer);

  std::function<uint64_t()> clock_;
  JobLocks* locks_ = nullptr;
  mutable std::mutex mu_;
  std::deque<std::shared_ptr<Job>> recent_;  // GUARDED_BY(mu_), newest first
  bool busy_ = false;                        // GUARDED_BY(mu_)
  std::thread thread_;                       // the last started job's thread
};

}  // namespace werkex::server
