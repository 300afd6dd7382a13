// PgAuthStore's access log (auth_store.hpp: log_read, reads): who read which bucket when. A
// row the database refuses (disk full, connection lost) waits in AccessLogBuffer, as
// SqliteAuthStore's do.
#include "auth_store_pg.hpp"
#include "auth_store_pg_rows.hpp"

namespace werkex::server {

Status PgAuthStore::log_read(uint64_t now_ms, const std::string& person, const std::string& device,
                             const std::string& bucket, size_t changes, const std::string& blob) {
  std::lock_guard lock(mu_);
  return unwritten_.add({now_ms, person, device, bucket, changes, blob}, reads_writer());
}

// Every buffered row, oldest first, in one transaction: all are written or none.
Status PgAuthStore::write_reads_locked(const std::deque<AccessRead>& rows) {
  std::vector<pg::Param> values;
  values.reserve(rows.size() * 6);
  for (const AccessRead& r : rows)
    values.insert(values.end(), {r.at_ms, r.person, r.device, r.bucket, uint64_t{r.changes},
                                 pg_auth::null_if_empty(r.blob)});
  pg::Conn& c = conn_locked();
  WX_ASSIGN_OR_RETURN(auto tx, pg::Transaction::begin(c));
  WX_RETURN_IF_ERROR(pg_auth::insert_rows(
      c, "INSERT INTO access_log(at_ms, person, device, bucket, changes, blob)", 6, values));
  return tx.commit();
}

void PgAuthStore::set_max_buffered_reads(size_t rows) {
  std::lock_guard lock(mu_);
  unwritten_.set_max(rows);
}

size_t PgAuthStore::buffered_reads() {
  std::lock_guard lock(mu_);
  return unwritten_.size();
}

PgAuthStore::~PgAuthStore() {
  std::lock_guard lock(mu_);
  unwritten_.flush_or_print(reads_writer());
}

Result<size_t> PgAuthStore::count_reads(const std::string& bucket) {
  std::lock_guard lock(mu_);
  WX_RETURN_IF_ERROR(unwritten_.flush(reads_writer()));
  WX_ASSIGN_OR_RETURN(
      auto rows, conn_locked().exec("SELECT count(*) FROM access_log WHERE bucket = $1", {bucket}));
  WX_ASSIGN_OR_RETURN(uint64_t n, pg_auth::u64(rows, 0, 0));
  return static_cast<size_t>(n);
}

Result<std::vector<AccessRead>> PgAuthStore::reads(const std::string& bucket, size_t limit) {
  std::lock_guard lock(mu_);
  WX_RETURN_IF_ERROR(unwritten_.flush(reads_writer()));
  // LIMIT NULL: every row.
  WX_ASSIGN_OR_RETURN(
      auto rows,
      conn_locked().exec("SELECT at_ms, person, device, bucket, changes, coalesce(blob, '') "
                         "FROM access_log WHERE bucket = $1 ORDER BY at_ms DESC, id DESC LIMIT $2",
                         {bucket, limit == 0 ? pg::Param::null() : pg::Param(uint64_t{limit})}));
  std::vector<AccessRead> out;
  for (int r = rows.size() - 1; r >= 0; --r) {
    WX_ASSIGN_OR_RETURN(uint64_t at, pg_auth::u64(rows, r, 0));
    WX_ASSIGN_OR_RETURN(uint64_t changes, pg_auth::u64(rows, r, 4));
    out.push_back({at, std::string(rows.text(r, 1)), std::string(rows.text(r, 2)),
                   std::string(rows.text(r, 3)), static_cast<size_t>(changes),
                   std::string(rows.text(r, 5))});
  }
  return out;
}

Result<size_t> PgAuthStore::prune_access_log(uint64_t before_ms) {
  WX_ASSIGN_OR_RETURN(auto done, exec("DELETE FROM access_log WHERE at_ms < $1", {before_ms}));
  return static_cast<size_t>(done.affected());
}

}  // namespace werkex::server
