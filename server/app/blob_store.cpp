#include "blob_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "werkex/photo_metadata.hpp"
#include "werkex/posix_file.hpp"

#include "werkex/blob_store.hpp"  // sha256_hex

namespace werkex::server {

namespace {

// Files are posix_file.hpp's: its Fd, reads and writes, directory fsync and errno mapping
// (ENOENT is WX_NOT_FOUND, the rest WX_IO); errors read "<what> <path>: <reason>".
using posix::Fd;
using posix::fsync_dir;
using posix::sys_error;

Result<Fd> open_file(const std::string& path, int flags, mode_t mode = 0640) {
  const int fd = posix::open_retry(path, flags, mode);
  if (fd < 0) {
    if (errno == ENOENT) return make_error(WX_NOT_FOUND, "no file " + path);
    return sys_error("cannot open", path, errno);
  }
  return Fd(fd);
}

Result<uint64_t> file_size(const Fd& f, const std::string& path) {
  struct stat st;
  if (::fstat(f.get(), &st) != 0) return sys_error("cannot stat", path, errno);
  return static_cast<uint64_t>(st.st_size);
}

Status make_dir(const std::string& path, bool* created = nullptr) {
  if (::mkdir(path.c_str(), 0750) == 0) {
    if (created) *created = true;
    return Status::ok();
  }
  if (errno == EEXIST) return Status::ok();
  return sys_error("cannot create directory", path, errno);
}

Result<std::string> sha256_of_file(const Fd& f, const std::string& path) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::string buf(256 * 1024, '\0');
  uint64_t at = 0;
  while (true) {
    WX_ASSIGN_OR_RETURN(
        size_t n, posix::read_full_at(f.get(), buf.data(), buf.size(), at, "cannot read", path));
    if (n == 0) break;
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(buf.data()), n);
    at += n;
  }
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state, digest);
  char hex[2 * crypto_hash_sha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex);
}

// Fills `buf` from offset `at`, less only at the end of the file; returns how much was read.
Result<size_t> read_at(const Fd& f, std::string& buf, uint64_t at, const std::string& path) {
  return posix::read_full_at(f.get(), buf.data(), buf.size(), at, "cannot read", path);
}

// The apps strip a photo's EXIF, GPS and XMP before they hash it (werkex/photo_metadata.hpp);
// bytes that still carry them come from a modified app and are not kept, so no position
// reaches the server's disk, the exports or another device.
Status refuse_photo_metadata(const std::string& path) {
  std::string bytes;
  {
    WX_ASSIGN_OR_RETURN(Fd f, open_file(path, O_RDONLY));
    std::string head(16, '\0');
    WX_ASSIGN_OR_RETURN(size_t n, read_at(f, head, 0, path));
    head.resize(n);
    if (sniff_photo_format(head) == PhotoFormat::other) return Status::ok();
    struct stat st;
    if (::fstat(f.get(), &st) != 0) return sys_error("cannot stat", path, errno);
    bytes.resize(static_cast<size_t>(st.st_size));
    WX_ASSIGN_OR_RETURN(n, read_at(f, bytes, 0, path));
    bytes.resize(n);
  }
  auto stripped = strip_photo_metadata(std::move(bytes), "the uploaded photo");
  if (stripped && stripped->removed_blocks == 0) return Status::ok();
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return sys_error("cannot delete", path, errno);
  if (!stripped) return stripped.error();
  return make_error(WX_INVALID_ARGUMENT,
                    "the uploaded photo still carries metadata (EXIF, GPS position, XMP or "
                    "comments), which werkex apps remove before upload; it was not stored");
}

Status check_sha(const std::string& sha) {
  if (!is_valid_sha256(sha))
    return make_error(WX_INVALID_ARGUMENT, "a blob is named by 64 lowercase hex digits");
  return Status::ok();
}

}  // namespace

bool is_valid_sha256(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

Result<std::unique_ptr<BlobStore>> BlobStore::open(const std::string& root) {
  if (sodium_init() < 0) return make_error(WX_INTERNAL, "libsodium failed to initialise");
  WX_RETURN_IF_ERROR(make_dir(root));
  WX_RETURN_IF_ERROR(make_dir(root + "/partial"));
  WX_ASSIGN_OR_RETURN(auto locks, BlobLocks::open(root + "/locks"));
  return std::unique_ptr<BlobStore>(new BlobStore(root, std::move(locks)));
}

std::string BlobStore::complete_path(const std::string& sha) const {
  return root_ + "/" + sha.substr(0, 2) + "/" + sha;
}

std::string BlobStore::partial_path(const std::string& bucket, const std::string& sha) const {
  return root_ + "/partial/" + sha + "." + sha256_hex(bucket).substr(0, 32) + ".part";
}

Result<uint64_t> BlobStore::partial_size(const std::string& bucket, const std::string& sha) {
  WX_RETURN_IF_ERROR(check_sha(sha));
  WX_ASSIGN_OR_RETURN(BlobLocks::Guard lock, locks_->lock(sha));
  struct stat st;
  const std::string path = partial_path(bucket, sha);
  if (::stat(path.c_str(), &st) == 0) return static_cast<uint64_t>(st.st_size);
  if (errno != ENOENT) return sys_error("cannot stat", path, errno);
  return uint64_t{0};
}

Result<bool> BlobStore::has(const std::string& sha) {
  WX_RETURN_IF_ERROR(check_sha(sha));
  struct stat st;
  if (::stat(complete_path(sha).c_str(), &st) == 0) return true;
  if (errno != ENOENT) return sys_error("cannot stat", complete_path(sha), errno);
  return false;
}

Result<AppendOutcome> BlobStore::append(const std::string& bucket, const std::string& sha,
                                        uint64_t offset, std::string_view bytes, uint64_t total,
                                        const std::function<Status()>& on_complete) {
  WX_RETURN_IF_ERROR(check_sha(sha));
  if (offset > total || bytes.size() > total - offset)
    return make_error(WX_INVALID_ARGUMENT, "the chunk reaches past the blob's size");
  WX_ASSIGN_OR_RETURN(BlobLocks::Guard lock, locks_->lock(sha));
  AppendOutcome out;
  const std::string path = partial_path(bucket, sha);
  auto existing = open_file(path, O_RDWR);
  if (!existing && existing.error().code != WX_NOT_FOUND) return existing.error();
  Fd f;
  if (existing) {
    f = std::move(existing).value();
  } else if (offset > 0) {
    out.gap = true;  // nothing held (or just completed by another request): no empty file
    return out;
  } else {
    WX_ASSIGN_OR_RETURN(f, open_file(path, O_RDWR | O_CREAT));
    WX_RETURN_IF_ERROR(fsync_dir(root_ + "/partial"));
  }
  WX_ASSIGN_OR_RETURN(out.received, file_size(f, path));
  if (out.received > total) {
    // Left by an upload that declared another size for this hash: not a prefix of this blob.
    if (::ftruncate(f.get(), 0) != 0) return sys_error("cannot truncate", path, errno);
    out.received = 0;
  }
  if (offset > out.received) {
    out.gap = true;
    return out;
  }
  const uint64_t skip = out.received - offset;
  if (skip < bytes.size()) {
    std::string_view fresh = bytes.substr(static_cast<size_t>(skip));
    Status written = posix::write_all_at(f.get(), fresh, out.received, "cannot write", path);
    if (written && ::fsync(f.get()) != 0) written = sys_error("cannot fsync", path, errno);
    if (!written) {
      // Keep the invariant: the file holds only acknowledged bytes.
      if (::ftruncate(f.get(), static_cast<off_t>(out.received)) == 0) (void)::fsync(f.get());
      return written.error();
    }
    out.received += fresh.size();
    out.written = fresh.size();
  }
  f.reset();
  // Also when nothing was written: the answer to the last chunk may have been lost before
  // finishing (a crash), and the retry must finish it.
  if (out.received == total) {
    WX_RETURN_IF_ERROR(finish_locked(path, sha));
    out.complete = true;
    if (on_complete) WX_RETURN_IF_ERROR(on_complete());
  }
  return out;
}

Status BlobStore::finish_locked(const std::string& path, const std::string& sha) {
  std::string actual;
  {
    WX_ASSIGN_OR_RETURN(Fd f, open_file(path, O_RDONLY));
    WX_ASSIGN_OR_RETURN(actual, sha256_of_file(f, path));
  }
  if (actual != sha) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
      return sys_error("cannot delete", path, errno);
    return make_error(WX_CORRUPT, "the uploaded bytes hash to " + actual + ", not to " + sha +
                                      "; the upload was discarded: send the blob again from 0");
  }
  WX_RETURN_IF_ERROR(refuse_photo_metadata(path));
  const std::string target = complete_path(sha);
  struct stat st;
  if (::stat(target.c_str(), &st) == 0) {
    // Another dossier uploaded the same bytes: they are stored once.
    if (::unlink(path.c_str()) != 0) return sys_error("cannot delete", path, errno);
    return fsync_dir(root_ + "/partial");
  }
  const std::string dir = root_ + "/" + sha.substr(0, 2);
  bool created = false;
  WX_RETURN_IF_ERROR(make_dir(dir, &created));
  if (created) {
    WX_RETURN_IF_ERROR(fsync_dir(root_));
  }
  if (::rename(path.c_str(), target.c_str()) != 0) return sys_error("cannot move", path, errno);
  WX_RETURN_IF_ERROR(fsync_dir(dir));
  return fsync_dir(root_ + "/partial");
}

Status BlobStore::discard_partial(const std::string& bucket, const std::string& sha) {
  WX_RETURN_IF_ERROR(check_sha(sha));
  WX_ASSIGN_OR_RETURN(BlobLocks::Guard lock, locks_->lock(sha));
  const std::string path = partial_path(bucket, sha);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return sys_error("cannot delete", path, errno);
  return Status::ok();
}

Status BlobStore::remove(const std::string& sha) {
  WX_RETURN_IF_ERROR(check_sha(sha));
  WX_ASSIGN_OR_RETURN(BlobLocks::Guard lock, locks_->lock(sha));
  const std::string path = complete_path(sha);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return sys_error("cannot delete", path, errno);
  return Status::ok();
}

Result<bool> BlobStore::remove_unheld(const std::string& sha,
                                      const std::function<Result<bool>()>& release) {
  WX_RETURN_IF_ERROR(check_sha(sha));
  WX_ASSIGN_OR_RETURN(BlobLocks::Guard lock, locks_->lock(sha));
  WX_ASSIGN_OR_RETURN(bool unheld, release());
  if (!unheld) return false;
  const std::string path = complete_path(sha);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return sys_error("cannot delete", path, errno);
  return true;
}

Result<size_t> BlobStore::discard_all_partials() {
  const std::string dir = root_ + "/partial";
  DIR* d = ::opendir(dir.c_str());
  if (!d) return sys_error("cannot list", dir, errno);
  size_t n = 0;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".part") == 0 &&
        ::unlink((dir + "/" + name).c_str()) == 0)
      ++n;
  }
  ::closedir(d);
  return n;
}

Result<std::string> BlobStore::read(const std::string& sha, uint64_t offset, uint64_t length) {
  WX_RETURN_IF_ERROR(check_sha(sha));
  const std::string path = complete_path(sha);
  WX_ASSIGN_OR_RETURN(Fd f, open_file(path, O_RDONLY));
  WX_ASSIGN_OR_RETURN(uint64_t size, file_size(f, path));
  if (offset >= size) return std::string();
  length = std::min(length, size - offset);
  std::string out(static_cast<size_t>(length), '\0');
  WX_ASSIGN_OR_RETURN(size_t got, read_at(f, out, offset, path));
  out.resize(got);
  return out;
}

}  // namespace werkex::server
