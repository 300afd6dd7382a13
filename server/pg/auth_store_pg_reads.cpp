// PgAuthStore's access log (auth_store.hpp: log_read, reads): who read which bucket when. A
// row the database refuses (disk full, connection lost) is buffered in memory and written
// before any later row, as SqliteAuthStore does; only a full buffer fails the read.
#include <cstdio>

#include "auth_store_pg.hpp"
#include "auth_store_pg_rows.hpp"
#include "werkex/merge.hpp"  // json

namespace werkex::server {

Status PgAuthStore::log_read(uint64_t now_ms, const std::string& person, const std::string& device,
                             const std::string& bucket, size_t changes, const std::string& blob) {
  std::lock_guard lock(mu_);
  const bool was_buffering = !unwritten_.empty();
  unwritten_.push_back({now_ms, person, device, bucket, changes, blob});
  Status written = write_reads_locked();
  if (written) {
    if (was_buffering)
      std::fprintf(stderr,
                   "{\"event\":\"access_log_recovered\",\"message\":\"the buffered access-log "
                   "rows are written to the database\"}\n");
    return Status::ok();
  }
  if (unwritten_.size() > max_buffered_reads_) {
    unwritten_.pop_back();
    return make_error(WX_UNAVAILABLE, "the server cannot record this read in its access log (" +
                                          written.error().message +
                                          "), so it does not serve it; retry later");
  }
  if (!was_buffering)
    std::fprintf(stderr,
                 "{\"event\":\"access_log_unwritable\",\"message\":\"ACCESS LOG CANNOT BE "
                 "WRITTEN (%s): reads are recorded in memory until it can; free disk space "
                 "now\"}\n",
                 written.error().message.c_str());
  return Status::ok();
}

// Every buffered row, oldest first, in one transaction: all are written or none.
Status PgAuthStore::write_reads_locked() {
  std::vector<pg::Param> values;
  values.reserve(unwritten_.size() * 6);
  for (const Read& r : unwritten_)
    values.insert(values.end(), {r.at_ms, r.person, r.device, r.bucket, uint64_t{r.changes},
                                 pg_auth::null_if_empty(r.blob)});
  pg::Conn& c = conn_locked();
  WX_ASSIGN_OR_RETURN(auto tx, pg::Transaction::begin(c));
  WX_RETURN_IF_ERROR(pg_auth::insert_rows(
      c, "INSERT INTO access_log(at_ms, person, device, bucket, changes, blob)", 6, values));
  WX_RETURN_IF_ERROR(tx.commit());
  unwritten_.clear();
  return Status::ok();
}

void PgAuthStore::set_max_buffered_reads(size_t rows) {
  std::lock_guard lock(mu_);
  max_buffered_reads_ = rows;
}

size_t PgAuthStore::buffered_reads() {
  std::lock_guard lock(mu_);
  return unwritten_.size();
}

PgAuthStore::~PgAuthStore() {
  std::lock_guard lock(mu_);
  if (unwritten_.empty() || write_reads_locked()) return;
  for (const Read& r : unwritten_)
    std::fprintf(stderr, "%s\n",
                 json({{"event", "access_log_unwritten"},
                       {"at_ms", r.at_ms},
                       {"person", r.person},
                       {"device", r.device},
                       {"bucket", r.bucket},
                       {"changes", r.changes},
                       {"blob", r.blob}})
                     .dump()
                     .c_str());
}

Result<size_t> PgAuthStore::count_reads(const std::string& bucket) {
  std::lock_guard lock(mu_);
  if (!unwritten_.empty()) WX_RETURN_IF_ERROR(write_reads_locked());
  WX_ASSIGN_OR_RETURN(
      auto rows, conn_locked().exec("SELECT count(*) FROM access_log WHERE bucket = $1", {bucket}));
  WX_ASSIGN_OR_RETURN(uint64_t n, pg_auth::u64(rows, 0, 0));
  return static_cast<size_t>(n);
}

Result<std::vector<AccessRead>> PgAuthStore::reads(const std::string& bucket, size_t limit) {
  std::lock_guard lock(mu_);
  if (!unwritten_.empty()) WX_RETURN_IF_ERROR(write_reads_locked());
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
