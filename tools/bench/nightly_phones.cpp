// werkex-bench's syncing phones (nightly_phones.hpp).
#include "nightly_phones.hpp"

#include <utility>

#include "werkex/curl_transport.hpp"
#include "werkex/sync_session.hpp"

namespace bench {

struct SyncingPhones::Phone {
  std::unique_ptr<werkex::Replica> replica;
  werkex::CurlTransport transport{werkex::CurlOptions{}};
  size_t planned = 0, finished = 0;  // GUARDED_BY(mu_): syncs begun (activity planned), ended
};

SyncingPhones::SyncingPhones(BenchServer& server, const werkex::json& people, const TempDir& dir,
                             size_t count) {
  for (const werkex::json& p : people) {
    if (phones_.size() == count) break;
    if (p["role"] != "pupil") continue;
    auto phone = std::make_unique<Phone>();
    phone->replica =
        check(werkex::Replica::open(dir.file("phone" + std::to_string(phones_.size()) + ".db")),
              "open a phone");
    check(phone->replica->set_setting("server", server.url()), "server url");
    check(werkex::SyncSession(*phone->replica, phone->transport).enroll(p["code"]), "enrol");
    check(werkex::SyncSession(*phone->replica, phone->transport).run().status(), "first sync");
    pupils_.push_back(p["id"]);
    phones_.push_back(std::move(phone));
  }
}

SyncingPhones::~SyncingPhones() {
  try {
    stop();
  } catch (const std::exception&) {  // reported by an explicit stop() only
  }
}

void SyncingPhones::start(std::chrono::milliseconds interval) {
  const auto now = std::chrono::steady_clock::now();
  for (size_t i = 0; i < phones_.size(); ++i) {
    const auto phase = interval * long(i) / long(phones_.size());
    threads_.emplace_back([this, p = phones_[i].get(), first = now + phase, interval] {
      try {
        loop(*p, first, interval);
      } catch (const std::exception& e) {
        fail(e.what());
      }
    });
  }
}

void SyncingPhones::loop(Phone& p, std::chrono::steady_clock::time_point next,
                         std::chrono::milliseconds interval) {
  for (size_t i = 0;; ++i) {
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_until(lock, next, [&] { return done_; })) return;
      ++p.planned;
    }
    next += interval;
    werkex::ActivityPlan plan;
    plan.kind = "snuffelstage";
    plan.title = "Activiteit " + std::to_string(i);
    check(werkex::Dossier(*p.replica).plan_activity(plan).status(), "plan");
    const bool sampled = sampling_;
    auto t0 = Clock::now();
    check(werkex::SyncSession(*p.replica, p.transport).run().status(), "sync");
    const double ms = seconds_since(t0) * 1000;
    std::lock_guard lock(mu_);
    ++p.finished;
    if (sampled) samples_.push_back(ms);
    cv_.notify_all();
    if (Clock::now() > next) next = Clock::now();  // late: the next sync at once
  }
}

void SyncingPhones::fail(const std::string& why) {
  std::lock_guard lock(mu_);
  if (failed_.empty()) failed_ = why.empty() ? "unknown failure" : why;
  done_ = true;
  cv_.notify_all();
}

void SyncingPhones::wait_for_fresh_syncs(size_t n) {
  std::unique_lock lock(mu_);
  std::vector<size_t> goal;
  for (auto& p : phones_) goal.push_back(p->planned + n);
  cv_.wait(lock, [&] {
    if (done_) return true;
    for (size_t i = 0; i < phones_.size(); ++i)
      if (phones_[i]->finished < goal[i]) return false;
    return true;
  });
  if (!failed_.empty()) throw Failure("a phone's sync loop: " + failed_);
}

void SyncingPhones::stop() {
  {
    std::lock_guard lock(mu_);
    done_ = true;
    cv_.notify_all();
  }
  for (auto& t : threads_) t.join();
  threads_.clear();
  std::lock_guard lock(mu_);
  if (!failed_.empty()) throw Failure("a phone's sync loop: " + failed_);
}

std::vector<double> SyncingPhones::take_samples() {
  std::lock_guard lock(mu_);
  return std::exchange(samples_, {});
}

size_t SyncingPhones::syncs() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (auto& p : phones_) n += p->finished;
  return n;
}

}  // namespace bench
