// SqliteBlobHoldings (blob_holdings_sqlite.hpp).
#include "blob_holdings_sqlite.hpp"

namespace werkex::server {

Result<std::unique_ptr<BlobHoldings>> BlobHoldings::open(const std::string& path) {
  return SqliteBlobHoldings::open(path);
}

Result<std::unique_ptr<BlobHoldings>> SqliteBlobHoldings::open(const std::string& path) {
  WX_ASSIGN_OR_RETURN(sql::Db db, sql::Db::open(path));
  WX_RETURN_IF_ERROR(db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"));
  WX_RETURN_IF_ERROR(db.exec(R"sql(
    CREATE TABLE IF NOT EXISTS blob_holdings(
      bucket TEXT NOT NULL, sha TEXT NOT NULL, size INTEGER NOT NULL,
      complete INTEGER NOT NULL DEFAULT 0, updated_ms INTEGER NOT NULL,
      PRIMARY KEY(bucket, sha)) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS blob_holdings_by_sha ON blob_holdings(sha);
    CREATE TABLE IF NOT EXISTS blob_upload_usage(
      device TEXT NOT NULL, day TEXT NOT NULL, bytes INTEGER NOT NULL,
      PRIMARY KEY(device, day)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS blob_migrations(
      name TEXT PRIMARY KEY, at_ms INTEGER NOT NULL) WITHOUT ROWID;
  )sql"));
  return std::unique_ptr<BlobHoldings>(new SqliteBlobHoldings(std::move(db)));
}

Result<bool> SqliteBlobHoldings::needs_migration() {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(
      auto st,
      sql::Stmt::prepare(db_, "SELECT count(*) FROM blob_migrations WHERE name = 'holdings'"));
  WX_ASSIGN_OR_RETURN(bool row, st.step());
  return row && st.int64(0) == 0;
}

Status SqliteBlobHoldings::migrated(uint64_t now_ms) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "INSERT OR IGNORE INTO blob_migrations(name, "
                                                  "at_ms) VALUES('holdings', ?1)"));
  return st.bind(1, now_ms).run();
}

Result<BlobHoldings::Usage> SqliteBlobHoldings::usage(const std::string& bucket) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "SELECT complete, coalesce(sum(size), 0), "
                                                  "count(*) FROM blob_holdings WHERE bucket = ?1 "
                                                  "GROUP BY complete"));
  st.bind(1, bucket);
  Usage u;
  while (true) {
    WX_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    (st.int64(0) ? u.held_bytes : u.uploading_bytes) = st.uint64(1);
    (st.int64(0) ? u.held : u.uploading) = st.uint64(2);
  }
  return u;
}

Result<std::optional<Holding>> SqliteBlobHoldings::get(const std::string& bucket,
                                                       const std::string& sha) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "SELECT size, complete, updated_ms FROM "
                                                  "blob_holdings WHERE bucket = ?1 AND sha = ?2"));
  st.bind(1, bucket).bind(2, sha);
  WX_ASSIGN_OR_RETURN(bool row, st.step());
  if (!row) return std::optional<Holding>();
  return std::optional<Holding>(Holding{bucket, sha, st.uint64(0), st.int64(1) != 0, st.uint64(2)});
}

Result<uint64_t> SqliteBlobHoldings::bucket_bytes(const std::string& bucket) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "SELECT coalesce(sum(size), 0) FROM "
                                                  "blob_holdings WHERE bucket = ?1"));
  st.bind(1, bucket);
  WX_ASSIGN_OR_RETURN(bool row, st.step());
  return row ? st.uint64(0) : 0;
}

Status SqliteBlobHoldings::touch(const std::string& bucket, const std::string& sha, uint64_t size,
                                 uint64_t now_ms) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(
      auto st, sql::Stmt::prepare(
                   db_,
                   "INSERT INTO blob_holdings(bucket, sha, size, complete, updated_ms) "
                   "VALUES(?1, ?2, ?3, 0, ?4) ON CONFLICT(bucket, sha) DO UPDATE SET "
                   "size = excluded.size, updated_ms = excluded.updated_ms WHERE complete = 0"));
  return st.bind(1, bucket).bind(2, sha).bind(3, size).bind(4, now_ms).run();
}

Status SqliteBlobHoldings::complete(const std::string& bucket, const std::string& sha,
                                    uint64_t now_ms) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st,
                      sql::Stmt::prepare(db_,
                                         "UPDATE blob_holdings SET complete = 1, "
                                         "updated_ms = ?3 WHERE bucket = ?1 AND sha = ?2"));
  WX_RETURN_IF_ERROR(st.bind(1, bucket).bind(2, sha).bind(3, now_ms).run());
  if (db_.changes() == 1) return Status::ok();
  return make_error(WX_INTERNAL, "blob " + sha + " completed without an upload in " + bucket);
}

Result<size_t> SqliteBlobHoldings::drop(const std::string& bucket, const std::string& sha) {
  {
    std::lock_guard lock(mu_);
    WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                    "DELETE FROM blob_holdings WHERE bucket = ?1 "
                                                    "AND sha = ?2"));
    WX_RETURN_IF_ERROR(st.bind(1, bucket).bind(2, sha).run());
  }
  return count(sha);
}

Result<size_t> SqliteBlobHoldings::count(const std::string& sha) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st,
                      sql::Stmt::prepare(db_, "SELECT count(*) FROM blob_holdings WHERE sha = ?1"));
  st.bind(1, sha);
  WX_ASSIGN_OR_RETURN(bool row, st.step());
  return row ? static_cast<size_t>(st.int64(0)) : 0;
}

Result<std::vector<std::string>> SqliteBlobHoldings::hashes(const std::string& bucket) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st,
                      sql::Stmt::prepare(db_, "SELECT sha FROM blob_holdings WHERE bucket = ?1"));
  st.bind(1, bucket);
  return st.column_texts();
}

Result<std::vector<Holding>> SqliteBlobHoldings::stale(uint64_t cutoff_ms) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "SELECT bucket, sha, size, updated_ms FROM "
                                                  "blob_holdings WHERE complete = 0 AND "
                                                  "updated_ms < ?1"));
  st.bind(1, cutoff_ms);
  std::vector<Holding> out;
  while (true) {
    WX_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    out.push_back(
        {std::string(st.text(0)), std::string(st.text(1)), st.uint64(2), false, st.uint64(3)});
  }
  return out;
}

Result<uint64_t> SqliteBlobHoldings::device_bytes(const std::string& device,
                                                  const std::string& day) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "SELECT bytes FROM blob_upload_usage WHERE "
                                                  "device = ?1 AND day = ?2"));
  st.bind(1, device).bind(2, day);
  WX_ASSIGN_OR_RETURN(bool row, st.step());
  return row ? st.uint64(0) : 0;
}

Status SqliteBlobHoldings::add_device_bytes(const std::string& device, const std::string& day,
                                            uint64_t bytes) {
  if (bytes == 0) return Status::ok();
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(
      auto st, sql::Stmt::prepare(db_,
                                  "INSERT INTO blob_upload_usage(device, day, bytes) "
                                  "VALUES(?1, ?2, ?3) ON CONFLICT(device, day) DO UPDATE SET "
                                  "bytes = bytes + excluded.bytes"));
  WX_RETURN_IF_ERROR(st.bind(1, device).bind(2, day).bind(3, bytes).run());
  // Yesterday's counts are no longer needed.
  WX_ASSIGN_OR_RETURN(auto old,
                      sql::Stmt::prepare(db_, "DELETE FROM blob_upload_usage WHERE day < ?1"));
  return old.bind(1, day).run();
}

}  // namespace werkex::server
