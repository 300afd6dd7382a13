// SqliteAuthStore's admin side: bearer tokens for the admin API (the nightly school sync), made
// offline by werkex-admin on the server's machine, never by a request; and the epoch.
#include "auth_store_sqlite.hpp"
#include "werkex/blob_store.hpp"  // sha256_hex

namespace werkex::server {

Result<std::string> SqliteAuthStore::create_admin_token(const std::string& label,
                                                        const std::string& school,
                                                        uint64_t now_ms) {
  if (label.empty() || label.size() > 64)
    return make_error(WX_INVALID_ARGUMENT, "an admin token needs a label of 1 to 64 characters");
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto tx, sql::Transaction::begin(db_));
  WX_ASSIGN_OR_RETURN(auto revoke, sql::Stmt::prepare(db_,
                                                      "UPDATE admin_tokens SET revoked_ms = ?2 "
                                                      "WHERE label = ?1 AND revoked_ms IS NULL"));
  WX_RETURN_IF_ERROR(revoke.bind(1, label).bind(2, static_cast<int64_t>(now_ms)).run());
  std::string token = random_token("wxa_");
  WX_ASSIGN_OR_RETURN(auto add, sql::Stmt::prepare(db_,
                                                   "INSERT INTO admin_tokens(token_hash, label, "
                                                   "created_ms, school) VALUES(?1, ?2, ?3, ?4)"));
  WX_RETURN_IF_ERROR(add.bind(1, sha256_hex(token))
                         .bind(2, label)
                         .bind(3, static_cast<int64_t>(now_ms))
                         .bind(4, school)
                         .run());
  WX_RETURN_IF_ERROR(tx.commit());
  return token;
}

Result<AdminPrincipal> SqliteAuthStore::authenticate_admin(const std::string& token) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "SELECT label, school FROM admin_tokens WHERE "
                                                  "token_hash = ?1 AND revoked_ms IS NULL"));
  st.bind(1, sha256_hex(token));
  WX_ASSIGN_OR_RETURN(bool found, st.step());
  if (!found) return make_error(WX_UNAUTHENTICATED, "not a valid admin token");
  AdminPrincipal who{std::string(st.text(0)), std::string(st.text(1))};
  st.reset();
  return who;
}

Status SqliteAuthStore::revoke_admin_tokens(const std::string& label, uint64_t now_ms) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "UPDATE admin_tokens SET revoked_ms = ?2 "
                                                  "WHERE label = ?1 AND revoked_ms IS NULL"));
  WX_RETURN_IF_ERROR(st.bind(1, label).bind(2, static_cast<int64_t>(now_ms)).run());
  if (db_.changes() == 0) return make_error(WX_NOT_FOUND, "no live admin token '" + label + "'");
  return Status::ok();
}

Result<size_t> SqliteAuthStore::prune_access_log(uint64_t before_ms) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_, "DELETE FROM access_log WHERE at_ms < ?1"));
  WX_RETURN_IF_ERROR(st.bind(1, static_cast<int64_t>(before_ms)).run());
  return static_cast<size_t>(db_.changes());
}

Result<size_t> SqliteAuthStore::prune_audit_log(uint64_t before_ms) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_, "DELETE FROM audit_log WHERE at_ms < ?1"));
  WX_RETURN_IF_ERROR(st.bind(1, static_cast<int64_t>(before_ms)).run());
  return static_cast<size_t>(db_.changes());
}

Result<std::string> SqliteAuthStore::epoch() {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "SELECT value FROM server_meta WHERE "
                                                  "key = 'epoch'"));
  WX_ASSIGN_OR_RETURN(auto found, st.column_texts());
  if (!found.empty()) return found.front();
  std::string made = random_token("").substr(0, 16);
  WX_ASSIGN_OR_RETURN(auto put, sql::Stmt::prepare(db_,
                                                   "INSERT INTO server_meta(key, value) "
                                                   "VALUES('epoch', ?1)"));
  WX_RETURN_IF_ERROR(put.bind(1, made).run());
  return made;
}

Status SqliteAuthStore::renew_epoch() {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto put, sql::Stmt::prepare(db_,
                                                   "INSERT OR REPLACE INTO server_meta(key, value) "
                                                   "VALUES('epoch', ?1)"));
  return put.bind(1, random_token("").substr(0, 16)).run();
}

// One row per job in server_meta ("run:<job>" -> the last day claimed): the write only
// happens when the day is later, under SQLite's one write lock.
Result<bool> SqliteAuthStore::claim_run(const std::string& job, const std::string& day) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "INSERT INTO server_meta(key, value) "
                                                  "VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE "
                                                  "SET value = excluded.value "
                                                  "WHERE value < excluded.value"));
  const std::string key = "run:" + job;
  WX_RETURN_IF_ERROR(st.bind(1, key).bind(2, day).run());
  return db_.changes() == 1;
}

}  // namespace werkex::server
