// PgAuthStore's staff side, as SqliteAuthStore's (auth_store_staff.cpp): browser sessions and
// passwords for the staff dashboard. Session tokens are kept only as SHA-256 hashes, passwords
// only as libsodium Argon2id strings (hashed and checked outside the store's lock); enrolment
// codes used to sign in are burned as for devices.
#include <sodium.h>

#include <algorithm>

#include "auth_codes.hpp"
#include "auth_store_pg.hpp"
#include "auth_store_pg_rows.hpp"
#include "werkex/blob_store.hpp"  // sha256_hex

namespace werkex::server {

namespace {
// last_seen is written at most this often per session (and at least four times per idle
// period): a page with many requests costs one write, and idle expiry stays exact to within it.
constexpr uint64_t kTouchEveryMs = 5000;

Result<StaffSession> session_of(const pg::Rows& rows) {
  StaffSession s{std::string(rows.text(0, 0)), std::string(rows.text(0, 1)), 0, 0};
  WX_ASSIGN_OR_RETURN(s.created_ms, pg_auth::u64(rows, 0, 2));
  WX_ASSIGN_OR_RETURN(s.last_seen_ms, pg_auth::u64(rows, 0, 3));
  return s;
}
}  // namespace

Result<std::string> PgAuthStore::invite_person(const std::string& code, uint64_t now_ms) {
  WX_ASSIGN_OR_RETURN(auto rows, exec("SELECT person FROM invites WHERE code_hash = $1 AND "
                                      "used_ms IS NULL AND expires_ms > $2",
                                      {sha256_hex(normalise_code(code)), now_ms}));
  if (rows.empty()) return refused_enrolment_code();
  return std::string(rows.text(0, 0));
}

Result<StaffSessionTokens> PgAuthStore::insert_staff_session_locked(const std::string& person,
                                                                    uint64_t now_ms) {
  StaffSessionTokens out{random_token("wxs_"), random_token("")};
  WX_RETURN_IF_ERROR(conn_locked()
                         .exec("INSERT INTO staff_sessions(token_hash, person, csrf, created_ms, "
                               "last_seen_ms) VALUES($1, $2, $3, $4, $4)",
                               {sha256_hex(out.token), person, out.csrf, now_ms})
                         .status());
  return out;
}

Result<StaffSessionTokens> PgAuthStore::redeem_staff_invite(const std::string& code,
                                                            uint64_t now_ms) {
  std::lock_guard lock(mu_);
  pg::Conn& c = conn_locked();
  WX_ASSIGN_OR_RETURN(auto tx, pg::Transaction::begin(c));
  WX_ASSIGN_OR_RETURN(std::string person, burn_invite_locked(code, now_ms));
  WX_ASSIGN_OR_RETURN(StaffSessionTokens out, insert_staff_session_locked(person, now_ms));
  WX_RETURN_IF_ERROR(tx.commit());
  return out;
}

Result<StaffSessionTokens> PgAuthStore::create_staff_session(const std::string& person,
                                                             uint64_t now_ms) {
  std::lock_guard lock(mu_);
  return insert_staff_session_locked(person, now_ms);
}

Result<StaffSession> PgAuthStore::staff_session(const std::string& token, uint64_t now_ms,
                                                uint64_t idle_ms, uint64_t max_age_ms) {
  const std::string hash = sha256_hex(token);
  WX_ASSIGN_OR_RETURN(auto rows, exec("SELECT person, csrf, created_ms, last_seen_ms FROM "
                                      "staff_sessions WHERE token_hash = $1",
                                      {hash}));
  if (rows.empty())
    return make_error(WX_UNAUTHENTICATED, "niet ingelogd (of de sessie is beëindigd)");
  WX_ASSIGN_OR_RETURN(StaffSession s, session_of(rows));
  if (now_ms >= s.last_seen_ms + idle_ms || now_ms >= s.created_ms + max_age_ms) {
    WX_RETURN_IF_ERROR(exec("DELETE FROM staff_sessions WHERE token_hash = $1", {hash}).status());
    return make_error(WX_UNAUTHENTICATED, "de sessie is verlopen: log opnieuw in");
  }
  if (now_ms >= s.last_seen_ms + std::min(kTouchEveryMs, idle_ms / 4)) {
    // Never backwards: another process may have touched it later meanwhile.
    WX_RETURN_IF_ERROR(exec("UPDATE staff_sessions SET last_seen_ms = greatest(last_seen_ms, $2) "
                            "WHERE token_hash = $1",
                            {hash, now_ms})
                           .status());
    s.last_seen_ms = now_ms;
  }
  return s;
}

Status PgAuthStore::end_staff_session(const std::string& token) {
  return exec("DELETE FROM staff_sessions WHERE token_hash = $1", {sha256_hex(token)}).status();
}

Status PgAuthStore::end_person_staff_sessions(const std::string& person) {
  return exec("DELETE FROM staff_sessions WHERE person = $1", {person}).status();
}

Result<size_t> PgAuthStore::prune_staff_sessions(uint64_t created_before_ms) {
  WX_ASSIGN_OR_RETURN(
      auto done, exec("DELETE FROM staff_sessions WHERE created_ms < $1", {created_before_ms}));
  return static_cast<size_t>(done.affected());
}

Status PgAuthStore::set_staff_password(const std::string& person, const std::string& password,
                                       uint64_t now_ms) {
  WX_ASSIGN_OR_RETURN(std::string hashed, hash_staff_password(password));
  return exec(
             "INSERT INTO staff_passwords(person, hash, set_ms) VALUES($1, $2, $3) "
             "ON CONFLICT (person) DO UPDATE SET hash = excluded.hash, set_ms = excluded.set_ms",
             {person, hashed, now_ms})
      .status();
}

Result<bool> PgAuthStore::check_staff_password(const std::string& person,
                                               const std::string& password) {
  WX_ASSIGN_OR_RETURN(auto rows,
                      exec("SELECT hash FROM staff_passwords WHERE person = $1", {person}));
  return verify_staff_password(rows.empty() ? "" : std::string(rows.text(0, 0)), password);
}

}  // namespace werkex::server
