#include "blob_copy.hpp"

#include "blob_files.hpp"
#include "werkex/photo_metadata.hpp"

namespace werkex::blobfs {

namespace {

// A copy being made under a random name in "<dir>/tmp/", hashed as it is written; removed
// unless install() moved it to its hash's name.
class TmpCopy {
 public:
  static Result<TmpCopy> create(const std::string& dir) {
    unsigned char rnd[12];
    randombytes_buf(rnd, sizeof rnd);
    char rnd_hex[sizeof rnd * 2 + 1];
    sodium_bin2hex(rnd_hex, sizeof rnd_hex, rnd, sizeof rnd);
    const std::string path = dir + "/tmp/" + rnd_hex;
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return sys_error("cannot create '" + path + "'", errno);
    return TmpCopy(dir, path, fd);
  }
  TmpCopy(TmpCopy&& o) noexcept
      : dir_(o.dir_),
        path_(std::exchange(o.path_, "")),
        fd_(o.fd_.release()),
        hs_(o.hs_),
        size_(o.size_) {}
  ~TmpCopy() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  uint64_t size() const { return size_; }

  Status append(std::string_view bytes) {
    crypto_hash_sha256_update(&hs_, reinterpret_cast<const unsigned char*>(bytes.data()),
                              bytes.size());
    WX_RETURN_IF_ERROR(posix::write_all_at(fd_.get(), bytes, size_, "cannot write", path_));
    size_ += bytes.size();
    return Status::ok();
  }

  // Flushes the copy and renames it to "<dir>/<sha>" (durably).
  Result<StoredCopy> install() {
    if (::fsync(fd_.get()) != 0) return sys_error("cannot flush '" + path_ + "'", errno);
    WX_RETURN_IF_ERROR(fd_.close(path_));
    StoredCopy out{hex_of(hs_), size_, false};
    const std::string final_path = dir_ + "/" + out.sha;
    struct stat st;
    out.fresh = ::stat(final_path.c_str(), &st) != 0;
    if (::rename(path_.c_str(), final_path.c_str()) != 0)
      return sys_error("cannot move the copy to '" + final_path + "'", errno);
    path_.clear();
    WX_RETURN_IF_ERROR(fsync_dir(dir_));
    return out;
  }

 private:
  TmpCopy(std::string dir, std::string path, int fd)
      : dir_(std::move(dir)), path_(std::move(path)), fd_(fd) {
    crypto_hash_sha256_init(&hs_);
  }
  std::string dir_, path_;
  Fd fd_;
  crypto_hash_sha256_state hs_{};
  uint64_t size_ = 0;
};

// Appends the rest of `fd` to `bytes`, stopping once it holds more than `limit` bytes.
Status read_rest(int fd, const std::string& file_path, uint64_t limit, std::string& bytes) {
  std::string buf(kIoBuffer, '\0');
  while (bytes.size() <= limit) {
    WX_ASSIGN_OR_RETURN(size_t n,
                        posix::read_some(fd, buf.data(), buf.size(), "cannot read", file_path));
    if (n == 0) break;
    bytes.append(buf.data(), n);
  }
  return Status::ok();
}

// Copies what is left of `fd` as it comes: a file that is not a photo.
Status stream_rest(int fd, const std::string& file_path, uint64_t limit, const Error& too_large,
                   TmpCopy& copy) {
  std::string buf(kIoBuffer, '\0');
  for (;;) {
    WX_ASSIGN_OR_RETURN(size_t n,
                        posix::read_some(fd, buf.data(), buf.size(), "cannot read", file_path));
    if (n == 0) return Status::ok();
    if (copy.size() + n > limit) return too_large;  // it grew
    WX_RETURN_IF_ERROR(copy.append(std::string_view(buf.data(), n)));
  }
}

}  // namespace

Result<StoredCopy> copy_into_store(const std::string& dir, const std::string& file_path,
                                   uint64_t max_size) {
  Fd in(::open(file_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) {
    if (errno == ENOENT) return make_error(WX_NOT_FOUND, "no file '" + file_path + "'");
    return sys_error("cannot open '" + file_path + "'", errno);
  }
  struct stat st;
  if (::fstat(in.get(), &st) != 0) return sys_error("cannot stat '" + file_path + "'", errno);
  if (!S_ISREG(st.st_mode))
    return make_error(WX_INVALID_ARGUMENT, "'" + file_path + "' is not a regular file");
  const Error too_large =
      make_error(WX_TOO_LARGE, "'" + file_path + "' is larger than the " +
                                   std::to_string(max_size) + " bytes a blob may have");
  if (static_cast<uint64_t>(st.st_size) > max_size) return too_large;
  std::string bytes;
  WX_RETURN_IF_ERROR(read_rest(in.get(), file_path, 15, bytes));  // enough to sniff
  WX_ASSIGN_OR_RETURN(TmpCopy copy, TmpCopy::create(dir));
  if (sniff_photo_format(bytes) == PhotoFormat::other) {
    WX_RETURN_IF_ERROR(copy.append(bytes));
    WX_RETURN_IF_ERROR(stream_rest(in.get(), file_path, max_size, too_large, copy));
    return copy.install();
  }
  // A photo is read whole (a few MB): its metadata may sit anywhere in PNG and HEIF, and
  // after the image in JPEG. The size is checked on what was read, as the file may grow.
  WX_RETURN_IF_ERROR(read_rest(in.get(), file_path, max_size, bytes));
  if (bytes.size() > max_size) return too_large;
  WX_ASSIGN_OR_RETURN(StrippedPhoto photo, strip_photo_metadata(std::move(bytes), file_path));
  WX_RETURN_IF_ERROR(copy.append(photo.bytes));
  return copy.install();
}

}  // namespace werkex::blobfs
