// The export's worker pool (work_queue.hpp). One condition variable for every change: the
// pool is small (a few threads, a few jobs), so waking all waiters costs nothing worth a
// second one.
#include "work_queue.hpp"

#include <algorithm>

namespace werkex::exporter {

WorkQueue::WorkQueue(size_t threads, size_t capacity) : capacity_(std::max<size_t>(capacity, 1)) {
  threads = std::max<size_t>(threads, 1);
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
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

void WorkQueue::work() {
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
