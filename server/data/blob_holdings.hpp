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
// Every engine is thread-safe and sees what other processes on the same store wrote.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "werkex/error.hpp"

namespace werkex::server {

struct Holding {
  std::string bucket, sha;
  uint64_t size = 0;
  bool complete = false;
  uint64_t updated_ms = 0;
};

class BlobHoldings {
 public:
  virtual ~BlobHoldings() = default;
  // The SQLite engine's, in server.db at `path` (blob_holdings_sqlite.hpp); PostgreSQL's is
  // PgBlobHoldings (server/pg/blob_holdings_pg.hpp).
  static Result<std::unique_ptr<BlobHoldings>> open(const std::string& path);

  virtual Result<std::optional<Holding>> get(const std::string& bucket, const std::string& sha) = 0;
  // Whether the blobs on disk still have to be given holdings (a server from before them):
  // true until migrated() is called once, by the server (werkex-admin never migrates).
  virtual Result<bool> needs_migration() = 0;
  virtual Status migrated(uint64_t now_ms) = 0;

  // The bytes `bucket` holds or has reserved (complete and in-progress rows).
  virtual Result<uint64_t> bucket_bytes(const std::string& bucket) = 0;
  // Creates an in-progress row if there is none; refreshes updated_ms of one in progress.
  virtual Status touch(const std::string& bucket, const std::string& sha, uint64_t size,
                       uint64_t now_ms) = 0;
  // WX_INTERNAL if `bucket` has no row of `sha` to complete.
  virtual Status complete(const std::string& bucket, const std::string& sha, uint64_t now_ms) = 0;
  // Removes the row. Returns how many rows (other buckets) still name `sha`.
  virtual Result<size_t> drop(const std::string& bucket, const std::string& sha) = 0;
  // What `bucket` holds (complete) and is uploading, for werkex-admin.
  struct Usage {
    uint64_t held_bytes = 0, held = 0, uploading_bytes = 0, uploading = 0;
  };
  virtual Result<Usage> usage(const std::string& bucket) = 0;
  // In-progress rows not written to since before `cutoff_ms`.
  virtual Result<std::vector<Holding>> stale(uint64_t cutoff_ms) = 0;
  // The hashes `bucket` holds or is uploading.
  virtual Result<std::vector<std::string>> hashes(const std::string& bucket) = 0;
  // Every row naming `sha` (complete or not).
  virtual Result<size_t> count(const std::string& sha) = 0;

  // Bytes stored from `device` on `day`; add() counts more (and forgets earlier days).
  virtual Result<uint64_t> device_bytes(const std::string& device, const std::string& day) = 0;
  virtual Status add_device_bytes(const std::string& device, const std::string& day,
                                  uint64_t bytes) = 0;
};

}  // namespace werkex::server
