// Atomic file writes (atomic_file.hpp): POSIX calls, so every failure has its errno.
#include "atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>

namespace werkex::exporter {

namespace {

Error io_error(const std::string& what, const std::string& path) {
  return make_error(WX_IO, what + " " + path + ": " + std::strerror(errno));
}

std::string temp_name(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  std::filesystem::path p(path);
  std::string name = "." + p.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                     std::to_string(counter++);
  return (p.parent_path() / name).string();
}

Status write_all(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("writing", path);
    bytes.remove_prefix(size_t(n));
  }
  return Status::ok();
}

Status sync_folder(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("opening folder", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return io_error("syncing folder", dir);
  return Status::ok();
}

// Creates the temporary file, lets `fill` write it, renames it over `path`. The caller
// removes the temporary on failure.
Status write_and_rename(const std::string& tmp, const std::string& path, bool durable,
                        const std::function<Status(int fd)>& fill) {
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("creating", tmp);
  Status written = fill(fd);
  if (written && durable && ::fsync(fd) != 0) written = io_error("syncing", tmp);
  if (::close(fd) != 0 && written) written = io_error("closing", tmp);
  WX_RETURN_IF_ERROR(written);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return io_error("renaming to", path);
  return durable ? sync_folder(path) : Status::ok();
}

Status write_atomically(const std::string& path, bool durable,
                        const std::function<Status(int fd)>& fill) {
  const std::string tmp = temp_name(path);
  Status s = write_and_rename(tmp, path, durable, fill);
  if (!s) ::unlink(tmp.c_str());
  return s;
}

// Streams `from` (open) into `fd`: a blob may be up to 100 MiB, so it is never held whole.
Status copy_stream(int from, const std::string& from_path, int fd, const std::string& to) {
  char buf[1 << 16];
  while (true) {
    ssize_t n = ::read(from, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("reading", from_path);
    if (n == 0) return Status::ok();
    WX_RETURN_IF_ERROR(write_all(fd, std::string_view(buf, size_t(n)), to));
  }
}

}  // namespace

Status write_file_atomically(const std::string& path, std::string_view bytes, bool durable) {
  return write_atomically(path, durable, [&](int fd) { return write_all(fd, bytes, path); });
}

Result<bool> copy_file_once(const std::string& from, const std::string& to, bool durable) {
  struct stat src {
  }, dst{};
  int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0)
    return errno == ENOENT ? make_error(WX_NOT_FOUND, "no file " + from)
                           : io_error("opening", from);
  if (::fstat(in, &src) != 0) {
    Error e = io_error("reading", from);
    ::close(in);
    return e;
  }
  if (::stat(to.c_str(), &dst) == 0 && dst.st_size == src.st_size) {
    ::close(in);
    return false;
  }
  Status s = write_atomically(to, durable, [&](int fd) { return copy_stream(in, from, fd, to); });
  ::close(in);
  WX_RETURN_IF_ERROR(s);
  return true;
}

}  // namespace werkex::exporter
