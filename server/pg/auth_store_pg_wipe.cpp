// PgAuthStore's remote wipe orders of lost devices (auth_store.hpp: order_wipe, wipe_ordered),
// as SqliteAuthStore's (auth_store_wipe.cpp).
#include "auth_store_pg.hpp"
#include "werkex/blob_store.hpp"  // sha256_hex

namespace werkex::server {

Status PgAuthStore::order_wipe(const std::string& person, uint64_t now_ms) {
  // Devices of the person not yet wiped: the live ones, and ones revoked before (a phone
  // revoked on Monday and reported stolen on Tuesday still has the dossier on it).
  return exec(
             "UPDATE devices SET wipe_ms = $2, revoked_ms = coalesce(revoked_ms, $2) "
             "WHERE person = $1 AND wipe_ms IS NULL",
             {person, now_ms})
      .status();
}

Result<bool> PgAuthStore::wipe_ordered(const std::string& token) {
  WX_ASSIGN_OR_RETURN(auto rows, exec("SELECT wipe_ms IS NOT NULL FROM devices "
                                      "WHERE token_hash = $1",
                                      {sha256_hex(token)}));
  return !rows.empty() && rows.text(0, 0) == "t";
}

}  // namespace werkex::server
