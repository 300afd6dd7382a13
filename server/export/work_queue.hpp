// A fixed pool of worker threads with a bounded queue: how the export run spreads the
// expensive part of each dossier (thumbnails, page, files) over the cores while one thread
// reads the database (a Replica is not thread-safe).
//
// Invariants:
// - submit() blocks while `capacity` jobs wait, so a producer faster than the workers never
//   holds more than `capacity` jobs' data in memory;
// - jobs run in submission order per worker, in any order across workers; a job must not
//   throw (the export's jobs report failures in their results, never by exceptions);
// - wait() returns when every job submitted before it has finished; the destructor waits
//   for all jobs and joins the threads.
// - with `nice` > 0 each worker runs that much nicer than the thread that made the pool
//   (Linux schedules threads one by one), so a server's own requests get the cores first and
//   the pool takes what is left; elsewhere, or when the kernel refuses, at normal priority.
// submit() and wait() are for one producer thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace werkex::exporter {

class WorkQueue {
 public:
  // `threads` workers (at least 1); at most `capacity` jobs waiting (at least 1).
  WorkQueue(size_t threads, size_t capacity, int nice = 0);
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void submit(std::function<void()> job);
  void wait();

 private:
  void work(int nice);

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> jobs_;  // GUARDED_BY(mutex_)
  size_t running_ = 0;                      // GUARDED_BY(mutex_)
  bool stopping_ = false;                   // GUARDED_BY(mutex_)
  const size_t capacity_;
  std::vector<std::thread> threads_;
};

}  // namespace werkex::exporter
