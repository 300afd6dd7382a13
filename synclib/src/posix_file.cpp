// POSIX file work (posix_file.hpp): every failure carries its errno's text.
#include "werkex/posix_file.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

namespace werkex::posix {

ErrorCode errno_code(int err) {
  return err == ENOENT ? WX_NOT_FOUND : WX_IO;
}

Error sys_error(std::string_view what, int err) {
  std::string message(what);
  message += ": ";
  message += std::strerror(err);
  return make_error(errno_code(err), std::move(message));
}

Error sys_error(std::string_view verb, std::string_view what, int err) {
  std::string head(verb);
  head += ' ';
  head += what;
  return sys_error(head, err);
}

Fd::Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}

Fd& Fd::operator=(Fd&& o) noexcept {
  if (this != &o) {
    reset();
    fd_ = std::exchange(o.fd_, -1);
  }
  return *this;
}

int Fd::release() {
  return std::exchange(fd_, -1);
}

void Fd::reset() {
  if (int fd = std::exchange(fd_, -1); fd >= 0) ::close(fd);
}

Status Fd::close(std::string_view what) {
  int fd = std::exchange(fd_, -1);
  if (fd >= 0 && ::close(fd) != 0) return sys_error("cannot close", what, errno);
  return Status::ok();
}

int open_retry(const std::string& path, int flags, mode_t mode) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

Status write_all_at(int fd, std::string_view bytes, uint64_t offset, std::string_view verb,
                    std::string_view what) {
  while (!bytes.empty()) {
    ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    // 0 bytes written for a non-empty buffer would loop forever: report it as EIO.
    if (n <= 0) return sys_error(verb, what, n < 0 ? errno : EIO);
    bytes.remove_prefix(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  return Status::ok();
}

Status write_all(int fd, std::string_view bytes, std::string_view verb, std::string_view what) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return sys_error(verb, what, n < 0 ? errno : EIO);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::ok();
}

Result<size_t> read_some(int fd, char* buf, size_t len, std::string_view verb,
                         std::string_view what) {
  for (;;) {
    ssize_t n = ::read(fd, buf, len);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) return sys_error(verb, what, errno);
  }
}

Result<size_t> read_full_at(int fd, char* buf, size_t len, uint64_t offset, std::string_view verb,
                            std::string_view what) {
  size_t got = 0;
  while (got < len) {
    ssize_t n = ::pread(fd, buf + got, len - got, static_cast<off_t>(offset + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error(verb, what, errno);
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  return got;
}

Status fsync_dir(const std::string& dir) {
  const std::string d = dir.empty() ? "." : dir;
  Fd f(open_retry(d, O_RDONLY | O_DIRECTORY));
  if (!f.valid()) return sys_error("cannot open directory", "'" + d + "'", errno);
  if (::fsync(f.get()) != 0) return sys_error("cannot flush directory", "'" + d + "'", errno);
  return Status::ok();
}

namespace {

// A new file beside `path` under a random name, created exclusively with `mode` (so the
// umask applies, as for any new file); `tmp` receives its name.
Result<Fd> create_temporary(const std::string& path, mode_t mode, std::string& tmp) {
  if (sodium_init() < 0) return make_error(WX_INTERNAL, "libsodium failed to initialise");
  const std::filesystem::path p(path);
  for (int attempt = 0;; ++attempt) {
    unsigned char rnd[6];
    randombytes_buf(rnd, sizeof rnd);
    char hex[sizeof rnd * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
    tmp = (p.parent_path() / ("." + p.filename().string() + ".tmp-" + hex)).string();
    Fd fd(open_retry(tmp, O_WRONLY | O_CREAT | O_EXCL, mode));
    if (fd.valid()) return fd;
    if (errno != EEXIST || attempt == 8)
      return sys_error("cannot create a temporary file beside", "'" + path + "'", errno);
  }
}

// Fills the open temporary, flushes and closes it, and renames it over `path`.
Status fill_and_rename(Fd fd, const std::string& tmp, const std::string& path, const FillFile& fill,
                       AtomicWrite how) {
  WX_RETURN_IF_ERROR(fill(fd.get(), tmp));
  const std::string quoted_tmp = "'" + tmp + "'";
  if (how.durable && ::fsync(fd.get()) != 0) return sys_error("cannot flush", quoted_tmp, errno);
  WX_RETURN_IF_ERROR(fd.close(quoted_tmp));
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    return sys_error("cannot rename to", "'" + path + "'", errno);
  return Status::ok();
}

}  // namespace

Status write_file_atomically(const std::string& path, const FillFile& fill, AtomicWrite how) {
  std::string tmp;
  WX_ASSIGN_OR_RETURN(Fd fd, create_temporary(path, how.mode, tmp));
  Status s = fill_and_rename(std::move(fd), tmp, path, fill, how);
  if (!s) {
    ::unlink(tmp.c_str());
    return s;
  }
  return how.durable ? fsync_dir(std::filesystem::path(path).parent_path().string()) : Status::ok();
}

Status write_file_atomically(const std::string& path, std::string_view bytes, AtomicWrite how) {
  return write_file_atomically(
      path,
      [&](int fd, const std::string& tmp) {
        return write_all(fd, bytes, "cannot write", "'" + tmp + "'");
      },
      how);
}

}  // namespace werkex::posix
