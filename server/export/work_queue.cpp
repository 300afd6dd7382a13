// The export's worker pool (work_queue.hpp). One condition variable for every change: the
// pool is small (a few threads, a few jobs), so waking all waiters costs nothing worth a
// second one.
#include "work_queue.hpp"

#include <algorithm>
#include <cerrno>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace werkex::exporter {

namespace {

// Makes the calling thread `nice` steps nicer. Best effort by design (work_queue.hpp): a
// refusal only means the pool competes at normal priority, as it did without this.
void lower_own_priority(int nice) {
#ifdef __linux__
  if (nice <= 0) return;
  const id_t tid = static_cast<id_t>(::syscall(SYS_gettid));
  errno = 0;
  const int now = ::getpriority(PRIO_PROCESS, tid);
  if (errno == 0) ::setpriority(PRIO_PROCESS, tid, std::min(now + nice, 19));
#else
  (void)nice;
#endif
}

}  // namespace

WorkQueue::WorkQueue(size_t threads, size_t capacity, int nice)
    : capacity_(std::max<size_t>(capacity, 1)) {
  threads = std::max<size_t>(threads, 1);
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this, nice] { work(nice); });
}

WorkQueue::~WorkQueue() {
  wait();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void WorkQueue::submit(std::function<void()> job) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return jobs_.size() < capacity_; });
  jobs_.push_back(std::move(job));
  lock.unlock();
  changed_.notify_all();
}

void WorkQueue::wait() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return jobs_.empty() && running_ == 0; });
}

void WorkQueue::work(int nice) {
  lower_own_priority(nice);
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) return;  // stopping, and nothing left
    std::function<void()> job = std::move(jobs_.front());
    jobs_.pop_front();
    ++running_;
    lock.unlock();
    changed_.notify_all();  // room in the queue
    job();
    lock.lock();
    --running_;
    changed_.notify_all();  // maybe idle now
  }
}

}  // namespace werkex::exporter
