// POSIX file work shared by synclib, the server and the tools (not installed: the build tree
// only): a descriptor owned by RAII, complete reads and writes that survive EINTR, directory
// fsync, atomic write-then-rename, and the one mapping from errno to a werkex Error.
//
// The mapping: ENOENT is WX_NOT_FOUND ("no such entity, blob or file", error_codes.h), every
// other errno is WX_IO ("the file system or database failed"). In particular EACCES/EPERM
// stay WX_IO, not WX_PERMISSION_DENIED: that code means "the role or bucket may not do this",
// the server answers it with 403 and a device takes a 403 as a final refusal of a blob,
// whereas a file the process may not write is an operator's problem. error_codes.h has no
// "disk full" code, so ENOSPC/EDQUOT are WX_IO too; the message names the errno's text.
//
// Messages are the caller's words: calls take `verb` and `what` ("cannot write", "'a.json'")
// and fail with "<verb> <what>: <strerror>", so each caller keeps the wording its users see.
// Nothing here throws. Every function is safe to call from any thread; an Fd is owned by one.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "werkex/error.hpp"

namespace werkex::posix {

// WX_NOT_FOUND for ENOENT, WX_IO for any other errno.
ErrorCode errno_code(int err);
// {errno_code(err), "<what>: <strerror(err)>"}.
Error sys_error(std::string_view what, int err);
// sys_error("<verb> <what>", err).
Error sys_error(std::string_view verb, std::string_view what, int err);

// Owns a file descriptor (or none: -1) and closes it when it goes out of scope.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept;
  Fd& operator=(Fd&& o) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Gives up ownership: the caller closes what it returns.
  int release();
  // Closes now, ignoring the result (for a file that was only read, or is being abandoned).
  void reset();
  // Closes now, reporting the error close() may carry for a written file:
  // "cannot close <what>: …".
  Status close(std::string_view what);

 private:
  int fd_ = -1;
};

// open() that retries on EINTR, always with O_CLOEXEC. Returns the raw result: -1 with errno
// set on failure, so the caller words the error (and decides what a missing file means).
int open_retry(const std::string& path, int flags, mode_t mode = 0);

// Writes all of `bytes` at `offset` (pwrite). "<verb> <what>: …" on failure.
Status write_all_at(int fd, std::string_view bytes, uint64_t offset, std::string_view verb,
                    std::string_view what);
// Writes all of `bytes` at the file position (write), as a stream or an O_APPEND file.
Status write_all(int fd, std::string_view bytes, std::string_view verb, std::string_view what);
// read() of up to `len` bytes; 0 at the end of the file.
Result<size_t> read_some(int fd, char* buf, size_t len, std::string_view verb,
                         std::string_view what);
// Fills `buf` from `offset` (pread), less only at the end of the file; returns how much.
Result<size_t> read_full_at(int fd, char* buf, size_t len, uint64_t offset, std::string_view verb,
                            std::string_view what);

// Flushes directory `dir` ("" is "."), which makes a rename or a new name in it durable.
// Errors: "cannot open directory '<dir>': …", "cannot flush directory '<dir>': …".
Status fsync_dir(const std::string& dir);

// How write_file_atomically writes.
struct AtomicWrite {
  // fsync the file before the rename and its directory after it, so the new content also
  // survives a power cut, not only a killed process.
  bool durable = true;
  // The permissions of the new file (before the umask).
  mode_t mode = 0600;
};

// Writes a file's content into `fd`, the open temporary file named `tmp`.
using FillFile = std::function<Status(int fd, const std::string& tmp)>;

// Replaces (or creates) `path` so that a reader sees the old file or the whole new one, never
// a part: `fill` writes the content into a new temporary file beside it
// ("<dir>/.<name>.tmp-<12 random hex>", same file system, made with O_EXCL), which is then renamed
// over `path`. The temporary is removed on every failure. `fill`'s own errors are returned as they
// are; the others read "cannot create a temporary file beside '<path>'", "cannot flush '<tmp>'",
// "cannot close '<tmp>'", "cannot rename to '<path>'", and fsync_dir's.
Status write_file_atomically(const std::string& path, const FillFile& fill, AtomicWrite how = {});
// The same with `bytes` as the content ("cannot write '<tmp>'" if writing fails).
Status write_file_atomically(const std::string& path, std::string_view bytes, AtomicWrite how = {});

}  // namespace werkex::posix
