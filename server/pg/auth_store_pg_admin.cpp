// PgAuthStore's admin side, as SqliteAuthStore's (auth_store_admin.cpp): bearer tokens for the
// admin API, made offline by werkex-admin, never by a request; and the epoch, one for the
// whole database, so every server process on it names the same history.
#include "auth_store_pg.hpp"
#include "auth_store_pg_rows.hpp"
#include "werkex/blob_store.hpp"  // sha256_hex

namespace werkex::server {

Result<std::string> PgAuthStore::create_admin_token(const std::string& label,
                                                    const std::string& school, uint64_t now_ms) {
  if (label.empty() || label.size() > 64)
    return make_error(WX_INVALID_ARGUMENT, "an admin token needs a label of 1 to 64 characters");
  std::string token = random_token("wxa_");
  std::lock_guard lock(mu_);
  pg::Conn& c = conn_locked();
  WX_ASSIGN_OR_RETURN(auto tx, pg::Transaction::begin(c));
  // Two processes making a token for one label take turns: one live token per label.
  WX_RETURN_IF_ERROR(pg_auth::lock_key(c, pg_auth::LockKind::admin_label, label));
  WX_RETURN_IF_ERROR(c.exec("UPDATE admin_tokens SET revoked_ms = $2 WHERE label = $1 AND "
                            "revoked_ms IS NULL",
                            {label, now_ms})
                         .status());
  WX_RETURN_IF_ERROR(c.exec("INSERT INTO admin_tokens(token_hash, label, created_ms, school) "
                            "VALUES($1, $2, $3, $4)",
                            {sha256_hex(token), label, now_ms, school})
                         .status());
  WX_RETURN_IF_ERROR(tx.commit());
  return token;
}

Result<AdminPrincipal> PgAuthStore::authenticate_admin(const std::string& token) {
  WX_ASSIGN_OR_RETURN(auto rows, exec("SELECT label, school FROM admin_tokens WHERE "
                                      "token_hash = $1 AND revoked_ms IS NULL",
                                      {sha256_hex(token)}));
  if (rows.empty()) return make_error(WX_UNAUTHENTICATED, "not a valid admin token");
  return AdminPrincipal{std::string(rows.text(0, 0)), std::string(rows.text(0, 1))};
}

Status PgAuthStore::revoke_admin_tokens(const std::string& label, uint64_t now_ms) {
  WX_ASSIGN_OR_RETURN(auto done, exec("UPDATE admin_tokens SET revoked_ms = $2 WHERE label = $1 "
                                      "AND revoked_ms IS NULL",
                                      {label, now_ms}));
  if (done.affected() == 0) return make_error(WX_NOT_FOUND, "no live admin token '" + label + "'");
  return Status::ok();
}

Result<std::string> PgAuthStore::epoch() {
  std::lock_guard lock(mu_);
  pg::Conn& c = conn_locked();
  constexpr const char* kRead = "SELECT value FROM server_meta WHERE key = 'epoch'";
  WX_ASSIGN_OR_RETURN(auto found, c.exec(kRead));
  if (!found.empty()) return std::string(found.text(0, 0));
  // Two processes making it at once: one insert wins, both read the winner back (a statement
  // of its own, so its snapshot sees the other's commit).
  WX_RETURN_IF_ERROR(c.exec("INSERT INTO server_meta(key, value) VALUES('epoch', $1) "
                            "ON CONFLICT (key) DO NOTHING",
                            {random_token("").substr(0, 16)})
                         .status());
  WX_ASSIGN_OR_RETURN(auto made, c.exec(kRead));
  if (made.empty()) return make_error(WX_INTERNAL, "the epoch vanished as it was made");
  return std::string(made.text(0, 0));
}

Status PgAuthStore::renew_epoch() {
  return exec(
             "INSERT INTO server_meta(key, value) VALUES('epoch', $1) "
             "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
             {random_token("").substr(0, 16)})
      .status();
}

// The same row as on SQLite; PostgreSQL's row lock on the conflicting key makes the second
// of two processes claiming at once wait, then see the first's day and update nothing.
Result<bool> PgAuthStore::claim_run(const std::string& job, const std::string& day) {
  WX_ASSIGN_OR_RETURN(auto rows, exec("INSERT INTO server_meta(key, value) VALUES($1, $2) "
                                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value "
                                      "WHERE server_meta.value < excluded.value",
                                      {"run:" + job, day}));
  return rows.affected() == 1;
}

}  // namespace werkex::server
