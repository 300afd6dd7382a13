// Remote wipe orders of lost devices (auth_store.hpp: order_wipe, wipe_ordered).
#include "auth_store_sqlite.hpp"
#include "werkex/blob_store.hpp"

namespace werkex::server {

Status SqliteAuthStore::order_wipe(const std::string& person, uint64_t now_ms) {
  std::lock_guard lock(mu_);
  // Devices of the person not yet wiped: the live ones, and ones revoked before (a phone
  // revoked on Monday and reported stolen on Tuesday still has the dossier on it).
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "UPDATE devices SET wipe_ms = ?2, "
                                                  "revoked_ms = coalesce(revoked_ms, ?2) "
                                                  "WHERE person = ?1 AND wipe_ms IS NULL"));
  return st.bind(1, person).bind(2, static_cast<int64_t>(now_ms)).run();
}

Result<bool> SqliteAuthStore::wipe_ordered(const std::string& token) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "SELECT wipe_ms IS NOT NULL FROM devices "
                                                  "WHERE token_hash = ?1"));
  st.bind(1, sha256_hex(token));
  WX_ASSIGN_OR_RETURN(bool row, st.step());
  return row && st.int64(0) != 0;
}

}  // namespace werkex::server
