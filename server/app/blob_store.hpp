// BlobStore: the server's content-addressed files for blobs (photos, attachments), under
// <data>/blobs/. Who may touch which blob is the handler's business (blob_handler.cpp, with
// BlobHoldings saying which dossier holds which bytes); this class only keeps bytes safe.
//
// Layout: a complete blob is blobs/<first 2 hex>/<sha>, stored once however many dossiers
// hold it; an upload in progress belongs to one dossier (bucket) and is
// blobs/partial/<sha>.<bucket key>.part, the bucket key being the first 32 hex digits of the
// bucket name's SHA-256. So one dossier's upload can never disturb another's (a garbage
// upload under someone else's hash only ever ruins the uploader's own partial file).
// Invariants:
// - every path is built from a validated hash (64 lowercase hex digits) and a bucket key
//   (hex), so no request can name another file; every public call refuses any other string;
// - a complete file's bytes hash to its name (checked before it got there) and never change;
//   it appears atomically (rename, then the directory is fsync'ed), so reading needs no lock;
// - a partial file holds the first bytes of its blob contiguously: bytes are only ever
//   written at its end and fsync'ed before append() returns, so what it reports as received
//   survives a crash.
// Thread- and process-safety: every member may be called concurrently, also by several
// server processes sharing the folder. Calls that look at or change the same hash's files are
// serialised by that hash's stripe of BlobLocks (blob_locks.hpp: a mutex and an flock).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "blob_locks.hpp"
#include "werkex/error.hpp"

namespace werkex::server {

// Whether `s` is 64 lowercase hex digits: the only strings that name a blob.
bool is_valid_sha256(std::string_view s);

struct AppendOutcome {
  uint64_t received = 0;  // bytes held after the call
  uint64_t written = 0;   // new bytes this call added
  bool complete = false;  // the blob is (now or already) complete and verified
  bool gap = false;       // the chunk starts beyond `received`: nothing was written
};

class BlobStore {
 public:
  // Creates <root> and <root>/partial if needed.
  static Result<std::unique_ptr<BlobStore>> open(const std::string& root);

  // Bytes of `bucket`'s upload of `sha` so far (0 when there is none).
  Result<uint64_t> partial_size(const std::string& bucket, const std::string& sha);
  // Whether the complete file of `sha` exists (held by some dossier: not for clients' eyes).
  Result<bool> has(const std::string& sha);

  // Stores, into `bucket`'s upload, the part of a chunk of a blob of `total` bytes starting
  // at byte `offset` that lies beyond what is held: a repeated or overlapping chunk only
  // adds its new tail (so a retried request is harmless). A chunk starting beyond what is
  // held writes nothing (gap). When the partial file then holds `total` bytes, it is hashed
  // (SHA-256, streamed): if it matches `sha` it becomes the complete file (or, when that
  // exists already, is deleted: the bytes are the same); if not, it is deleted and the
  // answer is corrupt, naming both hashes. A partial file longer than `total` cannot be a
  // prefix of this blob and is discarded first. Never looks at the complete file to answer
  // "complete": whether `bucket` holds the blob is BlobHoldings' business.
  // `on_complete`, when given, runs once the blob is complete, still under the hash's lock
  // (BlobLocks: every thread and process): what makes a bucket's holding complete happens
  // atomically with the file, against remove_unheld() in any process. Its error is returned.
  // Errors: invalid_argument (bad hash, chunk past `total`), corrupt, io.
  Result<AppendOutcome> append(const std::string& bucket, const std::string& sha, uint64_t offset,
                               std::string_view bytes, uint64_t total,
                               const std::function<Status()>& on_complete = {});

  // Deletes `bucket`'s upload of `sha` (nothing if there is none).
  Status discard_partial(const std::string& bucket, const std::string& sha);
  // Deletes the complete file of `sha` (once no dossier holds it).
  Status remove(const std::string& sha);
  // Under the hash's lock: runs `release` (a bucket gives up its holding of `sha`; it answers
  // whether nobody holds or uploads it any more), then deletes the complete file if so.
  // Returns whether it did. So no append finishing in another process can complete a
  // holding in between and find its file gone.
  Result<bool> remove_unheld(const std::string& sha, const std::function<Result<bool>()>& release);
  // Deletes every partial file (a server from before per-dossier uploads); returns how many.
  Result<size_t> discard_all_partials();

  // Up to `length` bytes of the complete blob from `offset`; not_found if it is not complete.
  Result<std::string> read(const std::string& sha, uint64_t offset, uint64_t length);

 private:
  BlobStore(std::string root, std::unique_ptr<BlobLocks> locks)
      : root_(std::move(root)), locks_(std::move(locks)) {}
  std::string complete_path(const std::string& sha) const;
  std::string partial_path(const std::string& bucket, const std::string& sha) const;
  Status finish_locked(const std::string& path, const std::string& sha);

  const std::string root_;
  std::unique_ptr<BlobLocks> locks_;
};

}  // namespace werkex::server
