// BlobLocks: the locks that serialise everything touching one blob's files (BlobStore), among
// the threads of this process and among server processes sharing the blob folder
// (docs/design.md §7). A hash maps to one of 64 stripes; a stripe is a mutex (threads) and an
// flock(2) on <blobs>/locks/<NN> (processes: another process's append of the same upload
// waits, so its offset check sees these bytes). Locks are released when the guard goes, or
// by the kernel when a process dies holding one, so a killed process never wedges an upload.
// On a network file system flock must reach the server (NFSv4 does); the README says so.
// Thread-safe.
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <string>

#include "werkex/error.hpp"

namespace werkex::server {

class BlobLocks {
 public:
  static constexpr size_t kStripes = 64;

  // Creates <dir> and its lock files if needed; keeps one descriptor open per stripe.
  static Result<std::unique_ptr<BlobLocks>> open(const std::string& dir);
  ~BlobLocks();
  BlobLocks(const BlobLocks&) = delete;
  BlobLocks& operator=(const BlobLocks&) = delete;

  // Held: the stripe of one hash, in this process and in every other.
  class Guard {
   public:
    Guard(Guard&& other) noexcept;
    Guard& operator=(Guard&&) = delete;
    ~Guard();

   private:
    friend class BlobLocks;
    Guard(std::unique_lock<std::mutex> thread_lock, int fd)
        : thread_lock_(std::move(thread_lock)), fd_(fd) {}
    std::unique_lock<std::mutex> thread_lock_;
    int fd_ = -1;  // flock'ed; -1 once moved from
  };

  // Blocks until the stripe of `sha` (a validated hash: 64 lowercase hex) is this caller's.
  Result<Guard> lock(const std::string& sha);

 private:
  BlobLocks() { fds_.fill(-1); }
  std::array<std::mutex, kStripes> mutexes_;
  std::array<int, kStripes> fds_;
};

}  // namespace werkex::server
