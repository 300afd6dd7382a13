// BlobStore: the device's photos and files, content-addressed by SHA-256, next to its replica.
//
// A blob is two things: a `blob` entity (sha256, size, mime, file_name, attached_to, caption)
// that syncs like any other entity, and the bytes, kept here as one file per hash in a
// directory next to the database ("<db path>.blobs/" unless configured). Invariants:
//   - a file in the store under name H always has SHA-256 H: it gets there only by an atomic
//     rename after its bytes were hashed and fsync'ed (attach copies; fetch downloads into
//     "partial/" and verifies first);
//   - attach() writes the blob entity, the experience's `photos` entry and the upload-queue
//     row in ONE transaction, after the file is safely in the store; on any failure nothing of
//     it remains (neither rows nor a newly copied file);
//   - a queued blob leaves the queue only as `uploaded` (the server confirmed every byte) or
//     `failed` (the server refused it, with its reason kept and shown until retry_failed()
//     or a re-attach queues it again): never silently dropped.
// A blob entity received from another device whose file is not here is `remote_only` until
// fetched (BlobSync::fetch); that state is derived, not stored.
//
// Not thread-safe: use it from the thread that uses its Replica. File I/O is POSIX (Linux,
// Android, iOS, macOS).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "werkex/store.hpp"

namespace werkex {

inline constexpr uint64_t kMaxBlobSize = 100ull * 1024 * 1024;  // 100 MiB, as the schema says

enum class BlobState {
  local_pending_upload,  // here, waiting for its bytes to go to the server
  uploaded,              // here, and the server holds all of it
  remote_only,           // known from a synced entity; the file is not on this device
  failed,                // the server refused the bytes; see BlobInfo::failure
};
const char* blob_state_name(BlobState state);

struct BlobInfo {
  std::string sha256;
  uint64_t size = 0;
  std::string mime;
  BlobState state = BlobState::remote_only;
  std::string failure;  // when failed: the server's code and message
};

struct AttachedBlob {
  std::string blob_id;  // the new `blob` entity
  std::string sha256;
  uint64_t size = 0;
  std::string mime;
};

struct BlobStoreOptions {
  std::string dir;                   // "": "<replica path>.blobs"
  uint64_t max_size = kMaxBlobSize;  // larger files are refused (WX_TOO_LARGE)
};

// The MIME type for a file name's extension (jpg, jpeg, png, heic, pdf, txt; case ignored),
// application/octet-stream for anything else.
std::string guess_mime(std::string_view file_name);

// SHA-256 of bytes in memory, as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

class BlobStore {
 public:
  // Prepares the store of `replica` (which must outlive it). Creates nothing on disk until a
  // blob is written. WX_INVALID_ARGUMENT if no directory is given for an in-memory replica.
  static Result<BlobStore> open(Replica& replica, BlobStoreOptions options = {});

  const std::string& dir() const { return dir_; }
  Replica& replica() const { return *replica_; }

  // Attaches the file at `file_path` to entity `entity_id` (an activity, preparation,
  // experience, reflection, next step or contact of this replica): copies it into the store,
  // then writes the blob entity (and, for an experience, adds the hash to its photos) and
  // queues the upload. `mime` "" guesses from the extension; `caption` "" leaves it out.
  // Errors, each leaving nothing behind: WX_NOT_FOUND (no such entity or file),
  // WX_INVALID_ARGUMENT (a type that takes no attachments, not a regular file),
  // WX_CONFLICT (the entity was deleted), WX_PERMISSION_DENIED (the role may not write
  // blobs), WX_TOO_LARGE, WX_IO.
  Result<AttachedBlob> attach(const std::string& entity_id, const std::string& file_path,
                              const std::string& mime = "", const std::string& caption = "");

  // Where the file of `sha` is, or will be once fetched.
  std::string path(const std::string& sha) const;
  // Whether the file of `sha` is in the store.
  bool has(const std::string& sha) const;

  // The state of one blob; WX_NOT_FOUND if neither an entity nor the queue knows the hash.
  Result<BlobInfo> info(const std::string& sha) const;
  // Blobs waiting for upload, failed ones, and synced blob entities without their file.
  Result<std::vector<BlobInfo>> pending() const;
  Result<std::vector<BlobInfo>> failed() const;
  Result<std::vector<BlobInfo>> remote_only() const;

  // Queue transitions (used by BlobSync). mark_failed keeps `reason` for the user.
  Status mark_uploaded(const std::string& sha);
  Status mark_failed(const std::string& sha, const std::string& reason);
  // Deletes the files (complete and partial) and queue rows of hashes no blob entity of the
  // replica names any more: after a revoked dossier was purged (SyncSession does this when it
  // is given the store), or after blob entities were deleted. Returns how many files went.
  Result<size_t> remove_unreferenced();
  // Puts every failed blob back in the queue; returns how many.
  Result<size_t> retry_failed();
  // Puts one failed blob back in the queue. WX_INVALID_ARGUMENT for a malformed hash,
  // WX_NOT_FOUND if that blob is not in the failed state here (nothing changes).
  Status retry_failed(const std::string& sha);

  // Up to `length` bytes of a stored file from `offset` (fewer only at its end).
  Result<std::string> read(const std::string& sha, uint64_t offset, size_t length) const;

  // A download in progress lives in "partial/<sha>" so that it resumes where it stopped.
  Result<uint64_t> partial_size(const std::string& sha) const;  // 0 when there is none
  // Writes `bytes` at `offset` (cutting anything after it first) and fsyncs. `offset` may
  // not be beyond the partial file's end (WX_INTERNAL).
  Status write_partial(const std::string& sha, uint64_t offset, std::string_view bytes);
  Status discard_partial(const std::string& sha);
  // Hashes the partial file: on a match moves it into the store atomically and records the
  // blob as here and on the server; on a mismatch deletes it and fails with WX_CORRUPT.
  Status install_partial(const std::string& sha, const std::string& mime);

  BlobStore(BlobStore&&) = default;
  BlobStore& operator=(BlobStore&&) = default;

 private:
  BlobStore(Replica& replica, std::string dir, uint64_t max_size)
      : replica_(&replica), dir_(std::move(dir)), max_size_(max_size) {}
  Result<std::vector<BlobInfo>> queue_rows(std::string_view state) const;
  Status ensure_dirs() const;

  Replica* replica_;
  std::string dir_;
  uint64_t max_size_;
};

}  // namespace werkex
