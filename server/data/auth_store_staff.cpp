// SqliteAuthStore's staff side: browser sessions and passwords for the staff dashboard
// (server/staff/). Session tokens are kept only as SHA-256 hashes, passwords only as
// libsodium Argon2id strings; enrolment codes used to sign in are burned as for devices.
#include <sodium.h>

#include <algorithm>

#include "auth_codes.hpp"
#include "auth_store_sqlite.hpp"
#include "werkex/blob_store.hpp"  // sha256_hex

namespace werkex::server {

namespace {
// last_seen is written at most this often per session (and at least four times per idle
// period): a page with many requests costs one write, and idle expiry stays exact to within it.
constexpr uint64_t kTouchEveryMs = 5000;

}  // namespace

Status SqliteAuthStore::create_staff_tables(sql::Db& db) {
  return db.exec(R"sql(
    CREATE TABLE IF NOT EXISTS staff_sessions(
      token_hash TEXT PRIMARY KEY, person TEXT NOT NULL, csrf TEXT NOT NULL,
      created_ms INTEGER NOT NULL, last_seen_ms INTEGER NOT NULL) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS staff_sessions_by_person ON staff_sessions(person);
    CREATE TABLE IF NOT EXISTS staff_passwords(
      person TEXT PRIMARY KEY, hash TEXT NOT NULL, set_ms INTEGER NOT NULL) WITHOUT ROWID;
  )sql");
}

Result<std::string> SqliteAuthStore::invite_person(const std::string& code, uint64_t now_ms) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto find, sql::Stmt::prepare(db_,
                                                    "SELECT person FROM invites WHERE code_hash = "
                                                    "?1 AND used_ms IS NULL AND expires_ms > ?2"));
  find.bind(1, sha256_hex(normalise_code(code))).bind(2, now_ms);
  WX_ASSIGN_OR_RETURN(auto persons, find.column_texts());
  if (persons.empty()) return refused_enrolment_code();
  return persons.front();
}

Result<StaffSessionTokens> SqliteAuthStore::insert_staff_session_locked(const std::string& person,
                                                                        uint64_t now_ms) {
  StaffSessionTokens out{random_token("wxs_"), random_token("")};
  WX_ASSIGN_OR_RETURN(auto add, sql::Stmt::prepare(db_,
                                                   "INSERT INTO staff_sessions(token_hash, person, "
                                                   "csrf, created_ms, last_seen_ms) "
                                                   "VALUES(?1, ?2, ?3, ?4, ?4)"));
  WX_RETURN_IF_ERROR(
      add.bind(1, sha256_hex(out.token)).bind(2, person).bind(3, out.csrf).bind(4, now_ms).run());
  return out;
}

Result<StaffSessionTokens> SqliteAuthStore::redeem_staff_invite(const std::string& code,
                                                                uint64_t now_ms) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto tx, sql::Transaction::begin(db_));
  const std::string hash = sha256_hex(normalise_code(code));
  WX_ASSIGN_OR_RETURN(auto find, sql::Stmt::prepare(db_,
                                                    "SELECT person FROM invites WHERE code_hash = "
                                                    "?1 AND used_ms IS NULL AND expires_ms > ?2"));
  find.bind(1, hash).bind(2, now_ms);
  WX_ASSIGN_OR_RETURN(auto persons, find.column_texts());
  if (persons.empty()) return refused_enrolment_code();
  WX_ASSIGN_OR_RETURN(
      auto use, sql::Stmt::prepare(db_, "UPDATE invites SET used_ms = ?2 WHERE code_hash = ?1"));
  WX_RETURN_IF_ERROR(use.bind(1, hash).bind(2, now_ms).run());
  WX_ASSIGN_OR_RETURN(StaffSessionTokens out, insert_staff_session_locked(persons.front(), now_ms));
  WX_RETURN_IF_ERROR(tx.commit());
  return out;
}

Result<StaffSessionTokens> SqliteAuthStore::create_staff_session(const std::string& person,
                                                                 uint64_t now_ms) {
  std::lock_guard lock(mu_);
  return insert_staff_session_locked(person, now_ms);
}

Result<StaffSession> SqliteAuthStore::staff_session(const std::string& token, uint64_t now_ms,
                                                    uint64_t idle_ms, uint64_t max_age_ms) {
  std::lock_guard lock(mu_);
  const std::string hash = sha256_hex(token);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "SELECT person, csrf, created_ms, last_seen_ms "
                                                  "FROM staff_sessions WHERE token_hash = ?1"));
  st.bind(1, hash);
  WX_ASSIGN_OR_RETURN(bool row, st.step());
  if (!row) return make_error(WX_UNAUTHENTICATED, "niet ingelogd (of de sessie is beëindigd)");
  StaffSession s{std::string(st.text(0)), std::string(st.text(1)), st.uint64(2), st.uint64(3)};
  st.reset();
  if (now_ms >= s.last_seen_ms + idle_ms || now_ms >= s.created_ms + max_age_ms) {
    WX_ASSIGN_OR_RETURN(
        auto drop, sql::Stmt::prepare(db_, "DELETE FROM staff_sessions WHERE token_hash = ?1"));
    WX_RETURN_IF_ERROR(drop.bind(1, hash).run());
    return make_error(WX_UNAUTHENTICATED, "de sessie is verlopen: log opnieuw in");
  }
  if (now_ms >= s.last_seen_ms + std::min(kTouchEveryMs, idle_ms / 4)) {
    WX_ASSIGN_OR_RETURN(auto touch, sql::Stmt::prepare(db_,
                                                       "UPDATE staff_sessions SET last_seen_ms = "
                                                       "?2 WHERE token_hash = ?1"));
    WX_RETURN_IF_ERROR(touch.bind(1, hash).bind(2, now_ms).run());
    s.last_seen_ms = now_ms;
  }
  return s;
}

Status SqliteAuthStore::end_staff_session(const std::string& token) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto drop,
                      sql::Stmt::prepare(db_, "DELETE FROM staff_sessions WHERE token_hash = ?1"));
  return drop.bind(1, sha256_hex(token)).run();
}

Status SqliteAuthStore::end_person_staff_sessions(const std::string& person) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto drop,
                      sql::Stmt::prepare(db_, "DELETE FROM staff_sessions WHERE person = ?1"));
  return drop.bind(1, person).run();
}

Result<size_t> SqliteAuthStore::prune_staff_sessions(uint64_t created_before_ms) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st,
                      sql::Stmt::prepare(db_, "DELETE FROM staff_sessions WHERE created_ms < ?1"));
  WX_RETURN_IF_ERROR(st.bind(1, static_cast<int64_t>(created_before_ms)).run());
  return static_cast<size_t>(db_.changes());
}

Status SqliteAuthStore::set_staff_password(const std::string& person, const std::string& password,
                                           uint64_t now_ms) {
  WX_ASSIGN_OR_RETURN(std::string hashed, hash_staff_password(password));
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto put, sql::Stmt::prepare(db_,
                                                   "INSERT OR REPLACE INTO staff_passwords(person, "
                                                   "hash, set_ms) VALUES(?1, ?2, ?3)"));
  return put.bind(1, person).bind(2, hashed).bind(3, now_ms).run();
}

Result<bool> SqliteAuthStore::check_staff_password(const std::string& person,
                                                   const std::string& password) {
  std::string stored;
  {
    std::lock_guard lock(mu_);
    WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                    "SELECT hash FROM staff_passwords "
                                                    "WHERE person = ?1"));
    st.bind(1, person);
    WX_ASSIGN_OR_RETURN(auto hashes, st.column_texts());
    if (!hashes.empty()) stored = hashes.front();
  }
  return verify_staff_password(stored, password);
}

}  // namespace werkex::server
