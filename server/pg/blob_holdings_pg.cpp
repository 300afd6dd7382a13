// PgBlobHoldings (blob_holdings_pg.hpp): the same statements as the SQLite engine's, each one
// atomic on its own, so two processes touching, completing or dropping rows of one hash see
// each other's rows (the file itself is guarded by the hash's flock, BlobStore).
#include "blob_holdings_pg.hpp"

#include <filesystem>

#include "pg_schema.hpp"
#include "werkex/sqlite.hpp"

namespace werkex::server {

Result<std::unique_ptr<PgBlobHoldings>> PgBlobHoldings::open(const std::string& conninfo) {
  WX_ASSIGN_OR_RETURN(pg::Conn conn, pg::Conn::connect(conninfo));
  WX_RETURN_IF_ERROR(pg::require_latest_schema(conn));
  return std::unique_ptr<PgBlobHoldings>(new PgBlobHoldings(std::move(conn)));
}

Result<pg::Rows> PgBlobHoldings::exec(std::string_view sql,
                                      std::initializer_list<pg::Param> params) {
  std::lock_guard lock(mu_);
  if (PQstatus(conn_.raw()) != CONNECTION_OK) (void)conn_.check();
  return conn_.exec(sql, params);
}

Result<uint64_t> PgBlobHoldings::number(std::string_view sql,
                                        std::initializer_list<pg::Param> params) {
  WX_ASSIGN_OR_RETURN(auto rows, exec(sql, params));
  if (rows.empty() || rows.is_null(0, 0)) return uint64_t{0};
  WX_ASSIGN_OR_RETURN(int64_t n, rows.int64(0, 0));
  return static_cast<uint64_t>(n);
}

Result<bool> PgBlobHoldings::needs_migration() {
  WX_ASSIGN_OR_RETURN(uint64_t done, number("SELECT count(*) FROM server_meta WHERE key = "
                                            "'blob_holdings_adopted'",
                                            {}));
  return done == 0;
}

Status PgBlobHoldings::migrated(uint64_t now_ms) {
  return exec(
             "INSERT INTO server_meta(key, value) VALUES('blob_holdings_adopted', $1) ON "
             "CONFLICT (key) DO NOTHING",
             {now_ms})
      .status();
}

Result<size_t> PgBlobHoldings::adopt_sqlite(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return size_t{0};  // nothing was ever held there
  WX_ASSIGN_OR_RETURN(sql::Db db, sql::Db::open(path));
  auto st =
      sql::Stmt::prepare(db, "SELECT bucket, sha, size, complete, updated_ms FROM blob_holdings");
  if (!st) return size_t{0};  // a server.db from before holdings
  size_t copied = 0;
  while (true) {
    WX_ASSIGN_OR_RETURN(bool row, st->step());
    if (!row) break;
    WX_ASSIGN_OR_RETURN(
        auto put,
        exec("INSERT INTO blob_holdings(bucket, sha, size, complete, updated_ms) "
             "VALUES($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
             {st->text(0), st->text(1), st->uint64(2), st->int64(3) != 0, st->uint64(4)}));
    copied += static_cast<size_t>(put.affected());
  }
  return copied;
}

Result<std::optional<Holding>> PgBlobHoldings::get(const std::string& bucket,
                                                   const std::string& sha) {
  WX_ASSIGN_OR_RETURN(auto rows, exec("SELECT size, complete, updated_ms FROM blob_holdings "
                                      "WHERE bucket = $1 AND sha = $2",
                                      {bucket, sha}));
  if (rows.empty()) return std::optional<Holding>();
  WX_ASSIGN_OR_RETURN(int64_t size, rows.int64(0, 0));
  WX_ASSIGN_OR_RETURN(int64_t at, rows.int64(0, 2));
  return std::optional<Holding>(Holding{bucket, sha, static_cast<uint64_t>(size),
                                        rows.text(0, 1) == "t", static_cast<uint64_t>(at)});
}

Result<uint64_t> PgBlobHoldings::bucket_bytes(const std::string& bucket) {
  return number("SELECT coalesce(sum(size), 0) FROM blob_holdings WHERE bucket = $1", {bucket});
}

Status PgBlobHoldings::touch(const std::string& bucket, const std::string& sha, uint64_t size,
                             uint64_t now_ms) {
  return exec(
             "INSERT INTO blob_holdings(bucket, sha, size, complete, updated_ms) "
             "VALUES($1, $2, $3, false, $4) ON CONFLICT (bucket, sha) DO UPDATE SET "
             "size = excluded.size, updated_ms = excluded.updated_ms "
             "WHERE NOT blob_holdings.complete",
             {bucket, sha, size, now_ms})
      .status();
}

Status PgBlobHoldings::complete(const std::string& bucket, const std::string& sha,
                                uint64_t now_ms) {
  WX_ASSIGN_OR_RETURN(auto rows, exec("UPDATE blob_holdings SET complete = true, updated_ms = $3 "
                                      "WHERE bucket = $1 AND sha = $2",
                                      {bucket, sha, now_ms}));
  if (rows.affected() == 1) return Status::ok();
  return make_error(WX_INTERNAL, "blob " + sha + " completed without an upload in " + bucket);
}

Result<size_t> PgBlobHoldings::drop(const std::string& bucket, const std::string& sha) {
  WX_RETURN_IF_ERROR(
      exec("DELETE FROM blob_holdings WHERE bucket = $1 AND sha = $2", {bucket, sha}).status());
  return count(sha);
}

Result<size_t> PgBlobHoldings::count(const std::string& sha) {
  WX_ASSIGN_OR_RETURN(uint64_t n,
                      number("SELECT count(*) FROM blob_holdings WHERE sha = $1", {sha}));
  return static_cast<size_t>(n);
}

Result<BlobHoldings::Usage> PgBlobHoldings::usage(const std::string& bucket) {
  WX_ASSIGN_OR_RETURN(auto rows, exec("SELECT complete, coalesce(sum(size), 0), count(*) FROM "
                                      "blob_holdings WHERE bucket = $1 GROUP BY complete",
                                      {bucket}));
  Usage u;
  for (int r = 0; r < rows.size(); ++r) {
    const bool held = rows.text(r, 0) == "t";
    WX_ASSIGN_OR_RETURN(int64_t bytes, rows.int64(r, 1));
    WX_ASSIGN_OR_RETURN(int64_t n, rows.int64(r, 2));
    (held ? u.held_bytes : u.uploading_bytes) = static_cast<uint64_t>(bytes);
    (held ? u.held : u.uploading) = static_cast<uint64_t>(n);
  }
  return u;
}

Result<std::vector<Holding>> PgBlobHoldings::stale(uint64_t cutoff_ms) {
  WX_ASSIGN_OR_RETURN(auto rows, exec("SELECT bucket, sha, size, updated_ms FROM blob_holdings "
                                      "WHERE NOT complete AND updated_ms < $1",
                                      {cutoff_ms}));
  std::vector<Holding> out;
  for (int r = 0; r < rows.size(); ++r) {
    WX_ASSIGN_OR_RETURN(int64_t size, rows.int64(r, 2));
    WX_ASSIGN_OR_RETURN(int64_t at, rows.int64(r, 3));
    out.push_back({std::string(rows.text(r, 0)), std::string(rows.text(r, 1)),
                   static_cast<uint64_t>(size), false, static_cast<uint64_t>(at)});
  }
  return out;
}

Result<std::vector<std::string>> PgBlobHoldings::hashes(const std::string& bucket) {
  WX_ASSIGN_OR_RETURN(auto rows, exec("SELECT sha FROM blob_holdings WHERE bucket = $1", {bucket}));
  std::vector<std::string> out;
  for (int r = 0; r < rows.size(); ++r) out.emplace_back(rows.text(r, 0));
  return out;
}

Result<uint64_t> PgBlobHoldings::device_bytes(const std::string& device, const std::string& day) {
  return number("SELECT bytes FROM blob_upload_usage WHERE device = $1 AND day = $2",
                {device, day});
}

Status PgBlobHoldings::add_device_bytes(const std::string& device, const std::string& day,
                                        uint64_t bytes) {
  if (bytes == 0) return Status::ok();
  WX_RETURN_IF_ERROR(exec("INSERT INTO blob_upload_usage(device, day, bytes) VALUES($1, $2, $3) "
                          "ON CONFLICT (device, day) DO UPDATE SET "
                          "bytes = blob_upload_usage.bytes + excluded.bytes",
                          {device, day, bytes})
                         .status());
  // Yesterday's counts are no longer needed.
  return exec("DELETE FROM blob_upload_usage WHERE day < $1", {day}).status();
}

}  // namespace werkex::server
