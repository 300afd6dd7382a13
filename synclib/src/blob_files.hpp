// File helpers of the blob store (private to synclib): the states of its queue and streaming
// SHA-256 of a file, on posix_file.hpp.
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
#include "werkex/posix_file.hpp"

namespace werkex::blobfs {

inline constexpr size_t kIoBuffer = 256 * 1024;
// The states of the `blobs` table (BlobState::remote_only is derived, never stored).
inline constexpr const char* kBlobPending = "local_pending_upload";
inline constexpr const char* kBlobUploaded = "uploaded";
inline constexpr const char* kBlobFailed = "failed";

// The file work itself is posix_file.hpp's: Fd, complete reads and writes, fsync_dir, and the
// one errno mapping (ENOENT is WX_NOT_FOUND, the rest WX_IO).
using posix::Fd;
using posix::fsync_dir;
using posix::sys_error;

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
  if (in.get() < 0) return sys_error("cannot open '" + path + "'", errno);
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  std::string buf(kIoBuffer, '\0');
  Hashed out;
  for (;;) {
    WX_ASSIGN_OR_RETURN(size_t n, posix::read_some(in.get(), buf.data(), buf.size(), "cannot read",
                                                   "'" + path + "'"));
    if (n == 0) break;
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(buf.data()), n);
    out.size += n;
  }
  out.sha = hex_of(st);
  return out;
}

}  // namespace werkex::blobfs
