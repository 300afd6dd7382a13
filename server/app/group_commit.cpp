#include "group_commit.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace werkex::server {

int64_t GroupCommit::mark() const {
  return sqlite3_total_changes64(db_.raw());
}

Status GroupCommit::wait_durable(int64_t mark) {
  std::unique_lock lock(mu_);
  while (durable_ < mark) {
    if (syncing_) {
      synced_.wait(lock);
      continue;
    }
    syncing_ = true;
    lock.unlock();
    int64_t target;
    {
      // lock() commits the open batch of syncs (dossier_mutex.hpp), so every change counted
      // in `target` is committed to the WAL (or its batch failed) before the fsync starts.
      std::lock_guard db_lock(db_mutex_);
      target = this->mark();
    }
    Status synced = fsync_wal();
    lock.lock();
    syncing_ = false;
    if (synced) durable_ = std::max(durable_, target);
    synced_.notify_all();
    if (!synced) return synced;
  }
  return Status::ok();
}

Status GroupCommit::fsync_wal() {
  int fd = ::open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    // No WAL file: SQLite checkpointed it away (after its own fsyncs) — nothing to flush.
    if (errno == ENOENT) return Status::ok();
    return make_error(WX_IO, "cannot open " + wal_path_ + ": " + std::strerror(errno));
  }
  ++fsyncs_;
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return make_error(WX_IO, "fsync of " + wal_path_ + " failed: " + std::strerror(err));
  return Status::ok();
}

}  // namespace werkex::server
