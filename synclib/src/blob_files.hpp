// File helpers of the blob store (private to synclib): POSIX descriptors owned by RAII,
// complete writes and reads that survive EINTR, directory fsync, streaming SHA-256.
#pragma once

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "werkex/error.hpp"

namespace werkex::blobfs {

inline constexpr size_t kIoBuffer = 256 * 1024;
// The states of the `blobs` table (BlobState::remote_only is derived, never stored).
inline constexpr const char* kBlobPending = "local_pending_upload";
inline constexpr const char* kBlobUploaded = "uploaded";
inline constexpr const char* kBlobFailed = "failed";

inline Error io_error(const std::string& what, int err) {
  return make_error(err == ENOENT ? WX_NOT_FOUND : WX_IO, what + ": " + std::strerror(err));
}

// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  // Closes now, reporting the error close() may carry for a written file.
  Status close(const std::string& what) {
    int fd = std::exchange(fd_, -1);
    if (fd >= 0 && ::close(fd) != 0) return io_error("cannot close " + what, errno);
    return Status::ok();
  }

 private:
  int fd_;
};

inline Status write_all(int fd, std::string_view bytes, uint64_t offset, const std::string& what) {
  while (!bytes.empty()) {
    ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("cannot write " + what, errno);
    bytes.remove_prefix(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  return Status::ok();
}

// read() that retries on EINTR; 0 at the end of the file.
inline Result<size_t> read_some(int fd, char* buf, size_t len, const std::string& what) {
  for (;;) {
    ssize_t n = ::read(fd, buf, len);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) return io_error("cannot read " + what, errno);
  }
}

// A rename is durable only once the directory holding the new name is flushed.
inline Status fsync_dir(const std::string& dir) {
  Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.get() < 0) return io_error("cannot open directory '" + dir + "'", errno);
  if (::fsync(d.get()) != 0) return io_error("cannot flush directory '" + dir + "'", errno);
  return Status::ok();
}

struct Hashed {
  std::string sha;
  uint64_t size = 0;
};

inline std::string hex_of(crypto_hash_sha256_state& st) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, digest);
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

inline Result<Hashed> hash_file(const std::string& path) {
  Fd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return io_error("cannot open '" + path + "'", errno);
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  std::string buf(kIoBuffer, '\0');
  Hashed out;
  for (;;) {
    WX_ASSIGN_OR_RETURN(size_t n, read_some(in.get(), buf.data(), buf.size(), "'" + path + "'"));
    if (n == 0) break;
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(buf.data()), n);
    out.size += n;
  }
  out.sha = hex_of(st);
  return out;
}

}  // namespace werkex::blobfs
