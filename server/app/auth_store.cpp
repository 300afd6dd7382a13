#include "auth_store.hpp"

#include "werkex/blob_store.hpp"  // sha256_hex

#include <sodium.h>

namespace werkex::server {

namespace {

// Unambiguous when read aloud or typed from paper: no 0/O, 1/I/L.
constexpr char kCodeAlphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

std::string random_code(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i)
    out += kCodeAlphabet[randombytes_uniform(sizeof kCodeAlphabet - 1)];
  return out;
}

std::string random_token() {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  return std::string("wx_") + hex;
}

// Codes are typed by people: ignore case, spaces and dashes.
std::string normalise_code(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == ' ' || c == '-') continue;
    out += static_cast<char>((c >= 'a' && c <= 'z') ? c - 32 : c);
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<AuthStore>> AuthStore::open(const std::string& path) {
  if (sodium_init() < 0) return make_error(WX_INTERNAL, "libsodium failed to initialise");
  WX_ASSIGN_OR_RETURN(sql::Db db, sql::Db::open(path));
  WX_RETURN_IF_ERROR(db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"));
  WX_RETURN_IF_ERROR(db.exec(R"sql(
    CREATE TABLE IF NOT EXISTS invites(
      code_hash TEXT PRIMARY KEY, person TEXT NOT NULL, expires_ms INTEGER NOT NULL,
      used_ms INTEGER) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS devices(
      token_hash TEXT PRIMARY KEY, device_id TEXT NOT NULL, person TEXT NOT NULL,
      created_ms INTEGER NOT NULL, revoked_ms INTEGER, last_seen_ms INTEGER) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS devices_by_person ON devices(person);
    CREATE TABLE IF NOT EXISTS access_log(
      at_ms INTEGER NOT NULL, person TEXT NOT NULL, device TEXT NOT NULL, bucket TEXT NOT NULL,
      changes INTEGER NOT NULL, blob TEXT);
    CREATE INDEX IF NOT EXISTS access_log_by_bucket ON access_log(bucket, at_ms);
    CREATE TABLE IF NOT EXISTS placement_pins(
      placement TEXT PRIMARY KEY, key_hex TEXT NOT NULL, failed INTEGER NOT NULL DEFAULT 0,
      locked_ms INTEGER, issued_ms INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS audit_log(
      at_ms INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL,
      detail TEXT NOT NULL DEFAULT '');
    CREATE INDEX IF NOT EXISTS audit_log_by_target ON audit_log(target, at_ms);
    CREATE TABLE IF NOT EXISTS pin_codes(
      placement TEXT NOT NULL, code_hash TEXT NOT NULL, issued_ms INTEGER NOT NULL,
      used_ms INTEGER, used_for TEXT, PRIMARY KEY(placement, code_hash)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS pin_attempts(
      attempt_hash TEXT PRIMARY KEY, placement TEXT NOT NULL, at_ms INTEGER NOT NULL)
      WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS notifications(
      id INTEGER PRIMARY KEY, person TEXT NOT NULL, signoff TEXT NOT NULL UNIQUE,
      placement TEXT NOT NULL, email TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,
      created_ms INTEGER NOT NULL, sent_ms INTEGER, attempts INTEGER NOT NULL DEFAULT 0,
      next_ms INTEGER NOT NULL, last_error TEXT NOT NULL DEFAULT '', disputed_ms INTEGER);
    CREATE INDEX IF NOT EXISTS notifications_by_person ON notifications(person, id);
    CREATE TABLE IF NOT EXISTS key_revocations(
      key_id TEXT PRIMARY KEY, reason TEXT NOT NULL, requested_ms INTEGER NOT NULL,
      applied_ms INTEGER) WITHOUT ROWID;
  )sql"));
  // server.db files from before blob downloads were logged lack the column.
  WX_ASSIGN_OR_RETURN(auto has_blob,
                      sql::Stmt::prepare(db,
                                         "SELECT count(*) FROM pragma_table_info('access_log') "
                                         "WHERE name = 'blob'"));
  WX_ASSIGN_OR_RETURN(bool row, has_blob.step());
  if (row && has_blob.int64(0) == 0) {
    WX_RETURN_IF_ERROR(db.exec("ALTER TABLE access_log ADD COLUMN blob TEXT"));
  }
  return std::unique_ptr<AuthStore>(new AuthStore(std::move(db)));
}

Result<std::string> AuthStore::create_invite(const std::string& person, int valid_hours,
                                             uint64_t now_ms) {
  std::lock_guard lock(mu_);
  std::string code = random_code(10);
  WX_ASSIGN_OR_RETURN(
      auto st, sql::Stmt::prepare(
                   db_, "INSERT INTO invites(code_hash, person, expires_ms) VALUES(?1, ?2, ?3)"));
  WX_RETURN_IF_ERROR(
      st.bind(1, sha256_hex(code))
          .bind(2, person)
          .bind(3, static_cast<int64_t>(now_ms + uint64_t(valid_hours) * 3600 * 1000))
          .run());
  return code.substr(0, 5) + "-" + code.substr(5);
}

Result<std::pair<std::string, std::string>> AuthStore::redeem_invite(const std::string& code,
                                                                     const std::string& device_id,
                                                                     uint64_t now_ms) {
  std::lock_guard lock(mu_);
  const Error refused =
      make_error(WX_UNAUTHENTICATED, "this enrolment code is unknown, used or expired");
  WX_ASSIGN_OR_RETURN(auto tx, sql::Transaction::begin(db_));
  WX_ASSIGN_OR_RETURN(auto find, sql::Stmt::prepare(db_,
                                                    "SELECT person FROM invites WHERE code_hash = "
                                                    "?1 AND used_ms IS NULL AND expires_ms > ?2"));
  find.bind(1, sha256_hex(normalise_code(code))).bind(2, static_cast<int64_t>(now_ms));
  WX_ASSIGN_OR_RETURN(bool row, find.step());
  if (!row) return refused;
  std::string person(find.text(0));
  find.reset();
  WX_ASSIGN_OR_RETURN(
      auto use, sql::Stmt::prepare(db_, "UPDATE invites SET used_ms = ?2 WHERE code_hash = ?1"));
  WX_RETURN_IF_ERROR(
      use.bind(1, sha256_hex(normalise_code(code))).bind(2, static_cast<int64_t>(now_ms)).run());
  std::string token = random_token();
  WX_ASSIGN_OR_RETURN(
      auto add,
      sql::Stmt::prepare(
          db_,
          "INSERT INTO devices(token_hash, device_id, person, created_ms) VALUES(?1, ?2, ?3, ?4)"));
  WX_RETURN_IF_ERROR(add.bind(1, sha256_hex(token))
                         .bind(2, device_id)
                         .bind(3, person)
                         .bind(4, static_cast<int64_t>(now_ms))
                         .run());
  WX_RETURN_IF_ERROR(tx.commit());
  return std::make_pair(token, person);
}

namespace {
constexpr uint64_t kLastSeenGranularityMs = 60 * 60 * 1000;
}  // namespace

Result<Device> AuthStore::authenticate(const std::string& token, uint64_t now_ms,
                                       uint64_t idle_expiry_ms) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "SELECT device_id, person, revoked_ms, "
                                                  "coalesce(last_seen_ms, created_ms) "
                                                  "FROM devices WHERE token_hash = ?1"));
  st.bind(1, sha256_hex(token));
  WX_ASSIGN_OR_RETURN(bool row, st.step());
  if (!row) return make_error(WX_UNAUTHENTICATED, "unknown device token: enrol this device again");
  if (!st.is_null(2))
    return make_error(WX_UNAUTHENTICATED, "this device's token was revoked: enrol again");
  Device d{std::string(st.text(0)), std::string(st.text(1))};
  const uint64_t last_seen = st.uint64(3);
  st.reset();
  if (now_ms > last_seen + idle_expiry_ms)
    return make_error(WX_UNAUTHENTICATED,
                      "this device's token expired after " +
                          std::to_string(idle_expiry_ms / 86400000) +
                          " days without a sync: enrol again (its changes stay queued)");
  // Last-seen only needs day precision for expiry; rewriting it on every request would cost
  // an fsync per sync.
  if (now_ms < last_seen + kLastSeenGranularityMs) return d;
  WX_ASSIGN_OR_RETURN(
      auto seen,
      sql::Stmt::prepare(db_, "UPDATE devices SET last_seen_ms = ?2 WHERE token_hash = ?1"));
  WX_RETURN_IF_ERROR(seen.bind(1, sha256_hex(token)).bind(2, static_cast<int64_t>(now_ms)).run());
  return d;
}

Status AuthStore::revoke_person_devices(const std::string& person, uint64_t now_ms) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(
      auto st,
      sql::Stmt::prepare(
          db_, "UPDATE devices SET revoked_ms = ?2 WHERE person = ?1 AND revoked_ms IS NULL"));
  return st.bind(1, person).bind(2, static_cast<int64_t>(now_ms)).run();
}

Status AuthStore::revoke_token(const std::string& token, uint64_t now_ms) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(
      auto st,
      sql::Stmt::prepare(
          db_, "UPDATE devices SET revoked_ms = ?2 WHERE token_hash = ?1 AND revoked_ms IS NULL"));
  return st.bind(1, sha256_hex(token)).bind(2, static_cast<int64_t>(now_ms)).run();
}

Status AuthStore::log_read(uint64_t now_ms, const std::string& person, const std::string& device,
                           const std::string& bucket, size_t changes, const std::string& blob) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(
      auto st, sql::Stmt::prepare(db_,
                                  "INSERT INTO access_log(at_ms, person, device, bucket, changes, "
                                  "blob) VALUES(?1, ?2, ?3, ?4, ?5, nullif(?6, ''))"));
  return st.bind(1, static_cast<int64_t>(now_ms))
      .bind(2, person)
      .bind(3, device)
      .bind(4, bucket)
      .bind(5, static_cast<int64_t>(changes))
      .bind(6, blob)
      .run();
}

Result<size_t> AuthStore::count_reads(const std::string& bucket) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st,
                      sql::Stmt::prepare(db_, "SELECT count(*) FROM access_log WHERE bucket = ?1"));
  st.bind(1, bucket);
  WX_ASSIGN_OR_RETURN(bool row, st.step());
  return row ? static_cast<size_t>(st.int64(0)) : 0;
}

}  // namespace werkex::server
