// Atomic file writes (atomic_file.hpp), on posix_file.hpp's write-then-rename.
#include "atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>

#include "werkex/posix_file.hpp"

namespace werkex::exporter {

namespace {

// The export is read by the school's staff and systems: its files are 0644 (less the umask).
posix::AtomicWrite how(bool durable) {
  return posix::AtomicWrite{durable, 0644};
}

// Streams `from` (open) into `fd`: a blob may be up to 100 MiB, so it is never held whole.
Status copy_stream(int from, const std::string& from_path, int fd, const std::string& to) {
  std::string buf(1 << 16, '\0');
  while (true) {
    WX_ASSIGN_OR_RETURN(size_t n,
                        posix::read_some(from, buf.data(), buf.size(), "reading", from_path));
    if (n == 0) return Status::ok();
    WX_RETURN_IF_ERROR(posix::write_all(fd, std::string_view(buf.data(), n), "writing", to));
  }
}

}  // namespace

Status write_file_atomically(const std::string& path, std::string_view bytes, bool durable) {
  return posix::write_file_atomically(
      path,
      [&](int fd, const std::string&) { return posix::write_all(fd, bytes, "writing", path); },
      how(durable));
}

Result<bool> copy_file_once(const std::string& from, const std::string& to, bool durable) {
  posix::Fd in(posix::open_retry(from, O_RDONLY));
  if (!in.valid())
    return errno == ENOENT ? make_error(WX_NOT_FOUND, "no file " + from)
                           : posix::sys_error("opening", from, errno);
  struct stat src {
  }, dst{};
  if (::fstat(in.get(), &src) != 0) return posix::sys_error("reading", from, errno);
  if (::stat(to.c_str(), &dst) == 0 && dst.st_size == src.st_size) return false;
  Status s = posix::write_file_atomically(
      to, [&](int fd, const std::string&) { return copy_stream(in.get(), from, fd, to); },
      how(durable));
  // WX_NOT_FOUND means a missing `from` (the caller skips that photo); a folder of the
  // export that is gone is a failure of the export.
  if (!s && s.code() == WX_NOT_FOUND) return make_error(WX_IO, s.error().message);
  WX_RETURN_IF_ERROR(s);
  return true;
}

}  // namespace werkex::exporter
