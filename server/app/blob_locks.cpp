// The blob stripes' locks (blob_locks.hpp).
#include "blob_locks.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace werkex::server {

Result<std::unique_ptr<BlobLocks>> BlobLocks::open(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return make_error(WX_IO, "cannot create " + dir + ": " + ec.message());
  std::unique_ptr<BlobLocks> locks(new BlobLocks());
  for (size_t i = 0; i < kStripes; ++i) {
    const std::string path = dir + "/" + std::to_string(i);
    locks->fds_[i] = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (locks->fds_[i] < 0)
      return make_error(WX_IO, "cannot open the lock file " + path + ": " + std::strerror(errno));
  }
  return locks;
}

BlobLocks::~BlobLocks() {
  for (int fd : fds_)
    if (fd >= 0) ::close(fd);
}

Result<BlobLocks::Guard> BlobLocks::lock(const std::string& sha) {
  // The hash is uniformly distributed, so its first byte spreads the stripes evenly.
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  const size_t i = static_cast<size_t>(nibble(sha[0]) * 16 + nibble(sha[1])) % kStripes;
  // The mutex first: flock is held per open file, so threads sharing the descriptor would
  // not exclude each other with it alone.
  std::unique_lock<std::mutex> thread_lock(mutexes_[i]);
  while (::flock(fds_[i], LOCK_EX) != 0) {
    if (errno != EINTR)
      return make_error(WX_IO, std::string("cannot lock a blob stripe: ") + std::strerror(errno));
  }
  return Guard(std::move(thread_lock), fds_[i]);
}

BlobLocks::Guard::Guard(Guard&& other) noexcept
    : thread_lock_(std::move(other.thread_lock_)), fd_(other.fd_) {
  other.fd_ = -1;
}

BlobLocks::Guard::~Guard() {
  if (fd_ >= 0) ::flock(fd_, LOCK_UN);  // before the mutex (released after, as a member)
}

}  // namespace werkex::server
