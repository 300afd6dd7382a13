// SqliteBlobHoldings: BlobHoldings (blob_holdings.hpp) in server.db, tables blob_holdings,
// blob_upload_usage and blob_migrations, on a connection of its own (WAL). The embedded
// engine's: its processes share one machine's disk. Thread-safe: one internal mutex.
#pragma once

#include <mutex>

#include "blob_holdings.hpp"
#include "werkex/sqlite.hpp"

namespace werkex::server {

class SqliteBlobHoldings final : public BlobHoldings {
 public:
  static Result<std::unique_ptr<BlobHoldings>> open(const std::string& path);

  Result<std::optional<Holding>> get(const std::string& bucket, const std::string& sha) override;
  Result<bool> needs_migration() override;
  Status migrated(uint64_t now_ms) override;
  Result<uint64_t> bucket_bytes(const std::string& bucket) override;
  Status touch(const std::string& bucket, const std::string& sha, uint64_t size,
               uint64_t now_ms) override;
  Status complete(const std::string& bucket, const std::string& sha, uint64_t now_ms) override;
  Result<size_t> drop(const std::string& bucket, const std::string& sha) override;
  Result<Usage> usage(const std::string& bucket) override;
  Result<std::vector<Holding>> stale(uint64_t cutoff_ms) override;
  Result<std::vector<std::string>> hashes(const std::string& bucket) override;
  Result<size_t> count(const std::string& sha) override;
  Result<uint64_t> device_bytes(const std::string& device, const std::string& day) override;
  Status add_device_bytes(const std::string& device, const std::string& day,
                          uint64_t bytes) override;

 private:
  explicit SqliteBlobHoldings(sql::Db db) : db_(std::move(db)) {}
  std::mutex mu_;
  sql::Db db_;
};

}  // namespace werkex::server
