// The database file shared with other processes: created private, and every write taken
// under SQLite's write lock after catching up with what other processes committed.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "replica_impl.hpp"

namespace werkex {

// The database holds the device token and a minor's dossier: only its owner may read it.
// Creates the file 0600 before SQLite does (SQLite gives -wal and -shm the database file's
// mode) and takes group and other access away from a file (and its -wal, -shm) made by an
// older version.
Status restrict_to_owner(const std::string& path) {
  if (path.empty() || path == ":memory:" || path.starts_with("file:")) return Status::ok();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return make_error(WX_IO, "cannot open database '" + path + "': " + std::strerror(errno));
  struct stat st;
  bool ok = ::fstat(fd, &st) == 0 && ((st.st_mode & 077) == 0 || ::fchmod(fd, 0600) == 0);
  ::close(fd);
  if (!ok) return make_error(WX_IO, "cannot make '" + path + "' private: " + std::strerror(errno));
  for (const char* suffix : {"-wal", "-shm"}) {
    std::string side = path + suffix;
    if (::stat(side.c_str(), &st) == 0 && (st.st_mode & 077) != 0 &&
        ::chmod(side.c_str(), 0600) != 0)
      return make_error(WX_IO, "cannot make '" + side + "' private: " + std::strerror(errno));
  }
  return Status::ok();
}

Result<sql::Transaction> Replica::Impl::begin_write() {
  const bool outermost = sqlite3_get_autocommit(db.raw()) != 0;
  WX_ASSIGN_OR_RETURN(auto tx, sql::Transaction::begin(db));
  if (outermost) WX_RETURN_IF_ERROR(catch_up());
  return tx;
}

Status Replica::Impl::catch_up() {
  // A range scan of the rows other writers added: nothing in the usual single-process case.
  get_newer_changes.bind(1, seq);
  WX_ASSIGN_OR_RETURN(bool row, get_newer_changes.step());
  if (row) {
    seq = std::max(seq, get_newer_changes.uint64(0));
    clock.restore_last(Hlc{get_newer_changes.uint64(1)});
  }
  get_newer_changes.reset();
  return Status::ok();
}

}  // namespace werkex
