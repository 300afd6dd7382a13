// BlobHoldings: which dossier (bucket) holds which blob bytes, and how much each device
// uploaded today, in server.db (tables blob_holdings, blob_upload_usage). BlobStore keeps
// the bytes; this table decides whose they are (issue 10 item 7, quotas of item 8).
//
// A blob's bytes are served through a bucket only if that bucket holds them: a row
// (bucket, sha) with complete = 1, written once an upload INTO that bucket finished and its
// bytes hashed to `sha` (proof of possession). Naming a hash in a blob entity gives no access
// to bytes uploaded into another bucket. A row with complete = 0 is an upload in progress: it
// reserves its declared `size` against the bucket's quota until it completes, is discarded
// (wrong bytes), goes stale (swept after an age) or its entity is deleted.
//
// Invariants: at most one row per (bucket, sha); `size` is the size declared by the
// bucket's blob entity; usage rows are per device and UTC day (YYYY-MM-DD).
// Thread-safety: one internal mutex; its own SQLite connection to server.db (WAL).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "werkex/error.hpp"
#include "werkex/sqlite.hpp"

namespace werkex::server {

struct Holding {
  std::string bucket, sha;
  uint64_t size = 0;
  bool complete = false;
  uint64_t updated_ms = 0;
};

class BlobHoldings {
 public:
  static Result<std::unique_ptr<BlobHoldings>> open(const std::string& path);

  Result<std::optional<Holding>> get(const std::string& bucket, const std::string& sha);
  // Whether the blobs on disk still have to be given holdings (a server from before them):
  // true until migrated() is called once, by the server (werkex-admin never migrates).
  Result<bool> needs_migration();
  Status migrated(uint64_t now_ms);

  // The bytes `bucket` holds or has reserved (complete and in-progress rows).
  Result<uint64_t> bucket_bytes(const std::string& bucket);
  // Creates an in-progress row if there is none; refreshes updated_ms of one in progress.
  Status touch(const std::string& bucket, const std::string& sha, uint64_t size, uint64_t now_ms);
  Status complete(const std::string& bucket, const std::string& sha, uint64_t now_ms);
  // Removes the row. Returns how many rows (other buckets) still name `sha`.
  Result<size_t> drop(const std::string& bucket, const std::string& sha);
  // What `bucket` holds (complete) and is uploading, for werkex-admin.
  struct Usage {
    uint64_t held_bytes = 0, held = 0, uploading_bytes = 0, uploading = 0;
  };
  Result<Usage> usage(const std::string& bucket);
  // In-progress rows not written to since before `cutoff_ms`.
  Result<std::vector<Holding>> stale(uint64_t cutoff_ms);
  // The hashes `bucket` holds or is uploading.
  Result<std::vector<std::string>> hashes(const std::string& bucket);
  // Every row naming `sha` (complete or not).
  Result<size_t> count(const std::string& sha);

  // Bytes stored from `device` on `day`; add() counts more.
  Result<uint64_t> device_bytes(const std::string& device, const std::string& day);
  Status add_device_bytes(const std::string& device, const std::string& day, uint64_t bytes);

 private:
  explicit BlobHoldings(sql::Db db) : db_(std::move(db)) {}
  std::mutex mu_;
  sql::Db db_;
};

}  // namespace werkex::server
