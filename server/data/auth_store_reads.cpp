// SqliteAuthStore::reads (auth_store.hpp): the access log's rows of one bucket.
#include <algorithm>

#include "auth_store_sqlite.hpp"

namespace werkex::server {

Result<std::vector<AccessRead>> SqliteAuthStore::reads(const std::string& bucket, size_t limit) {
  std::lock_guard lock(mu_);
  WX_RETURN_IF_ERROR(unwritten_.flush(reads_writer()));
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "SELECT at_ms, person, device, bucket, changes, "
                                                  "coalesce(blob, '') FROM access_log WHERE "
                                                  "bucket = ?1 ORDER BY at_ms DESC, rowid DESC "
                                                  "LIMIT ?2"));
  st.bind(1, bucket);
  st.bind(2, limit == 0 ? int64_t(-1) : static_cast<int64_t>(limit));
  std::vector<AccessRead> out;
  while (true) {
    WX_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    out.push_back({st.uint64(0), std::string(st.text(1)), std::string(st.text(2)),
                   std::string(st.text(3)), static_cast<size_t>(st.int64(4)),
                   std::string(st.text(5))});
  }
  st.reset();
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace werkex::server
