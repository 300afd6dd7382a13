// PgBlobHoldings: BlobHoldings (blob_holdings.hpp) in the PostgreSQL database every server
// process uses (tables blob_holdings and blob_upload_usage, migration 5), so the processes
// share only the blob folder, on whichever machines they run (docs/design.md §7).
//
// A deployment that ran on PostgreSQL before this table kept its holdings in the data
// folder's server.db: needs_migration() is true until adopt_sqlite() copied them (rows already
// here win) and migrated() recorded it in server_meta. Several processes doing it at once
// copy the same rows once. Thread-safe: one connection under an internal mutex.
#pragma once

#include <mutex>

#include "blob_holdings.hpp"
#include "pg_conn.hpp"

namespace werkex::server {

class PgBlobHoldings final : public BlobHoldings {
 public:
  static Result<std::unique_ptr<PgBlobHoldings>> open(const std::string& conninfo);

  // Copies the holdings and today's usage of the SQLite server.db at `path`, if it has any.
  // Returns how many holdings it copied.
  Result<size_t> adopt_sqlite(const std::string& path);

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
  explicit PgBlobHoldings(pg::Conn conn) : conn_(std::move(conn)) {}
  // One statement under the mutex, reconnecting once if the connection was lost.
  Result<pg::Rows> exec(std::string_view sql, std::initializer_list<pg::Param> params = {});
  // The first column of the first row as a number (0 without a row).
  Result<uint64_t> number(std::string_view sql, std::initializer_list<pg::Param> params);

  std::mutex mu_;
  pg::Conn conn_;
};

}  // namespace werkex::server
