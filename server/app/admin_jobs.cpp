// The admin API's job board (admin_jobs.hpp).
#include "admin_jobs.hpp"

#include <cmath>
#include <cstdio>
#include <exception>

#include "auth_store.hpp"  // random_token
#include "http/http_types.hpp"
#include "werkex/clock.hpp"

namespace werkex::server {

void JobProgress::step(const std::string& name, size_t total) {
  std::lock_guard lock(mu_);
  step_ = name;
  done_ = 0;
  total_ = total;
  step_started_ms_ = clock_();
}

void JobProgress::advance(size_t done, size_t total) {
  std::lock_guard lock(mu_);
  done_ = done;
  total_ = total;
}

json JobProgress::to_json() const {
  std::lock_guard lock(mu_);
  const double seconds = double(clock_() - step_started_ms_) / 1000.0;
  json out = {{"step", step_}, {"done", done_}, {"total", total_}, {"seconds", seconds}};
  if (done_ > 0 && seconds > 0) {
    const double rate = double(done_) / seconds;
    out["rate_per_s"] = std::round(rate * 10) / 10;
    if (total_ >= done_) out["eta_s"] = std::round(double(total_ - done_) / rate);
  }
  return out;
}

struct AdminJobs::Job {
  Job(std::string id, std::string kind, std::string school, uint64_t started_ms,
      std::function<uint64_t()> clock)
      : id(std::move(id)),
        kind(std::move(kind)),
        school(std::move(school)),
        started_ms(started_ms),
        progress(clock) {}
  bool seen_by(const std::string& viewer) const { return viewer.empty() || viewer == school; }
  const std::string id, kind, school;
  const uint64_t started_ms;
  JobProgress progress;
  std::optional<AdminAnswer> answer;  // GUARDED_BY(AdminJobs::mu_): set once, when done
  uint64_t ended_ms = 0;              // GUARDED_BY(AdminJobs::mu_)
};

AdminJobs::~AdminJobs() {
  if (thread_.joinable()) thread_.join();
}

Result<std::shared_ptr<AdminJobs::Job>> AdminJobs::claim(const std::string& kind,
                                                         const std::string& school) {
  std::lock_guard lock(mu_);
  if (busy_) {
    const Job& running = *recent_.front();
    // Another school's job is named by its kind only: its URL is not this caller's to poll.
    return make_error(
        WX_CONFLICT,
        "another admin job is running (" + running.kind +
            (running.seen_by(school) ? ", GET /v1/admin/jobs/" + running.id : std::string()) +
            "); try again when it has ended");
  }
  // Then the other processes' jobs: the lock is taken under mu_, so no job of this process
  // starts in between.
  if (locks_) WX_RETURN_IF_ERROR(locks_->try_lock(school));
  busy_ = true;
  auto job =
      std::make_shared<Job>(random_token("job-").substr(0, 20), kind, school, clock_(), clock_);
  recent_.push_front(job);
  if (recent_.size() > kRecentJobs) recent_.pop_back();
  return job;
}

void AdminJobs::finish(Job& job, AdminAnswer answer) {
  std::lock_guard lock(mu_);
  job.answer = std::move(answer);
  job.ended_ms = clock_();
  if (locks_) {
    // The answer stands; a lock that cannot be given back now is given back with the
    // session (the process's end), and said here.
    if (Status released = locks_->unlock(job.school); !released) {
      std::fprintf(stdout, "%s\n",
                   json{{"event", "admin_job_lock_not_released"},
                        {"job", job.id},
                        {"reason", released.error().message}}
                       .dump()
                       .c_str());
      std::fflush(stdout);
    }
  }
  busy_ = false;
}

namespace {

// The work's answer; an exception (a bug: services return errors) becomes a 500 answer
// instead of a job that never ends or a server that terminates on the job thread.
AdminAnswer answer_of(const AdminJobs::Work& work, JobProgress& progress) {
  try {
    return work(progress);
  } catch (const std::exception& e) {
    return {500, http::error_body(make_error(WX_INTERNAL, e.what()))};
  }
}

}  // namespace

Result<AdminAnswer> AdminJobs::run(const std::string& kind, const Work& work,
                                   const std::string& school) {
  WX_ASSIGN_OR_RETURN(auto job, claim(kind, school));
  AdminAnswer answer = answer_of(work, job->progress);
  finish(*job, answer);
  return answer;
}

Result<std::string> AdminJobs::start(const std::string& kind, Work work,
                                     const std::string& school) {
  WX_ASSIGN_OR_RETURN(auto job, claim(kind, school));
  // The previous job's thread has ended its work (busy_ was false); only its exit is left.
  if (thread_.joinable()) thread_.join();
  thread_ = std::thread(
      [this, job, work = std::move(work)] { finish(*job, answer_of(work, job->progress)); });
  return job->id;
}

namespace {

json summary(const std::string& id, const std::string& kind, uint64_t started_ms, uint64_t ended_ms,
             bool done) {
  json out = {{"id", id},
              {"kind", kind},
              {"url", "/v1/admin/jobs/" + id},
              {"started_at", rfc3339_utc(started_ms)},
              {"state", done ? "done" : "running"}};
  if (done) out["ended_at"] = rfc3339_utc(ended_ms);
  return out;
}

}  // namespace

std::optional<json> AdminJobs::status(const std::string& id, const std::string& viewer) const {
  std::lock_guard lock(mu_);
  for (const auto& job : recent_) {
    if (job->id != id || !job->seen_by(viewer)) continue;
    json out = summary(job->id, job->kind, job->started_ms, job->ended_ms, job->answer.has_value());
    out["progress"] = job->progress.to_json();
    if (job->answer) {
      out["status"] = job->answer->status;
      out["result"] = job->answer->body;
    }
    return out;
  }
  return std::nullopt;
}

json AdminJobs::list(const std::string& viewer) const {
  std::lock_guard lock(mu_);
  json out = json::array();
  for (const auto& job : recent_) {
    if (!job->seen_by(viewer)) continue;
    json j = summary(job->id, job->kind, job->started_ms, job->ended_ms, job->answer.has_value());
    if (job->answer) j["status"] = job->answer->status;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace werkex::server
