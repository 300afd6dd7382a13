// PgAuthStore's queue of key revocations werkex-admin hands to the server (key_revocations.hpp),
// as SqliteAuthStore's (auth_store_signoff.cpp): recorded here, written into the dossiers by
// the server (apply_key_revocations, app/signing_keys.hpp).
#include "auth_store_pg.hpp"
#include "auth_store_pg_rows.hpp"

namespace werkex::server {

Status PgAuthStore::queue_key_revocation(const std::string& key_id, const std::string& reason,
                                         uint64_t now_ms) {
  // A second request for the same key keeps the first time and reason: revocation is
  // written once (revoked_at is immutable).
  return exec(
             "INSERT INTO key_revocations(key_id, reason, requested_ms) VALUES($1, $2, $3) "
             "ON CONFLICT (key_id) DO NOTHING",
             {key_id, reason, now_ms})
      .status();
}

Result<std::vector<KeyRevocation>> PgAuthStore::pending_key_revocations() {
  // In key order, as SQLite's table keyed by key_id lists them.
  WX_ASSIGN_OR_RETURN(auto rows, exec("SELECT key_id, reason, requested_ms FROM key_revocations "
                                      "WHERE applied_ms IS NULL ORDER BY key_id COLLATE \"C\""));
  std::vector<KeyRevocation> out;
  for (int r = 0; r < rows.size(); ++r) {
    WX_ASSIGN_OR_RETURN(uint64_t requested, pg_auth::u64(rows, r, 2));
    out.push_back({std::string(rows.text(r, 0)), std::string(rows.text(r, 1)), requested});
  }
  return out;
}

Status PgAuthStore::key_revocation_applied(const std::string& key_id, uint64_t now_ms) {
  return exec("UPDATE key_revocations SET applied_ms = $2 WHERE key_id = $1", {key_id, now_ms})
      .status();
}

}  // namespace werkex::server
