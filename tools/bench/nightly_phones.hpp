// werkex-bench's phones for the nightly figures: pupils' devices that keep syncing while the
// nightly run works. Each is a real durable synclib Replica, enrolled with the pupil's code
// from the roster import and caught up with a first sync; in its loop it plans one new
// activity (the pupil's own dossier changes) and runs a SyncSession over libcurl against the
// in-process server, paced: one sync per phone every `interval` (at once if the last one took
// longer), the phones' phases spread over the interval. One thread per phone.
//
// The latency of a sync (SyncSession::run, client side) is kept when sampling was on at its
// start. Thread-safety: the member functions are for the thread that made the object.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench.hpp"
#include "bench_server.hpp"

namespace bench {

class SyncingPhones {
 public:
  // Enrols the first `count` pupils of `people` (the import's new_people, with codes).
  SyncingPhones(BenchServer& server, const werkex::json& people, const TempDir& dir, size_t count);
  ~SyncingPhones();  // stops the loops (a failure then is dropped: call stop() to see it)
  SyncingPhones(const SyncingPhones&) = delete;
  SyncingPhones& operator=(const SyncingPhones&) = delete;

  size_t size() const { return phones_.size(); }
  const std::vector<std::string>& pupils() const { return pupils_; }

  void start(std::chrono::milliseconds interval);
  void sample(bool on) { sampling_ = on; }
  // Blocks until every phone has finished `n` syncs whose new activity was planned after
  // this call; throws if a loop failed meanwhile.
  void wait_for_fresh_syncs(size_t n);
  // Stops and joins the loops; throws the first failure of a loop.
  void stop();
  // The latencies (ms) sampled since the last call, in no particular order, every phone's.
  std::vector<double> take_samples();
  size_t syncs() const;

 private:
  struct Phone;
  void loop(Phone& p, std::chrono::steady_clock::time_point first,
            std::chrono::milliseconds interval);
  void fail(const std::string& why);

  std::vector<std::unique_ptr<Phone>> phones_;
  std::vector<std::string> pupils_;
  std::vector<std::thread> threads_;
  std::atomic<bool> sampling_{false};
  mutable std::mutex mu_;
  std::condition_variable cv_;   // wakes sleeping loops on stop, waiters on progress
  bool done_ = false;            // GUARDED_BY(mu_)
  std::string failed_;           // GUARDED_BY(mu_): the first failure of a loop
  std::vector<double> samples_;  // GUARDED_BY(mu_)
};

}  // namespace bench
