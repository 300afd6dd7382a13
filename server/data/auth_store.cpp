#include "auth_codes.hpp"
#include "auth_store_sqlite.hpp"

#include <sodium.h>

#include <chrono>
#include <cstdio>

#include "werkex/blob_store.hpp"  // sha256_hex
#include "werkex/ids.hpp"

namespace werkex::server {

namespace {

// Item 9 of issue 10: a replica id names one device of one person. Refuses (WX_CONFLICT)
// an id already bound to another person, by any token, live or revoked, so the access log
// never names one id for two people; the same person's earlier tokens for it are revoked,
// so one live token holds it. Runs inside the enrolment's transaction.
Status bind_replica(sql::Db& db, const std::string& device_id, const std::string& person,
                    uint64_t now_ms) {
  WX_ASSIGN_OR_RETURN(auto other, sql::Stmt::prepare(db,
                                                     "SELECT 1 FROM devices WHERE device_id = ?1 "
                                                     "AND person <> ?2 LIMIT 1"));
  other.bind(1, device_id).bind(2, person);
  WX_ASSIGN_OR_RETURN(bool taken, other.step());
  other.reset();
  if (taken)
    return make_error(WX_CONFLICT, "replica id " + device_id +
                                       " is already enrolled for another person; a new device "
                                       "picks a fresh replica id (the code was not used up)");
  WX_ASSIGN_OR_RETURN(auto replace,
                      sql::Stmt::prepare(db,
                                         "UPDATE devices SET revoked_ms = ?2 WHERE device_id = ?1 "
                                         "AND revoked_ms IS NULL"));
  return replace.bind(1, device_id).bind(2, static_cast<int64_t>(now_ms)).run();
}

// Upgrades a server.db made by an older version: the column, empty, if the table lacks it.
Status add_column_if_missing(sql::Db& db, const std::string& table, const std::string& column,
                             const std::string& type) {
  WX_ASSIGN_OR_RETURN(auto has, sql::Stmt::prepare(db, "SELECT count(*) FROM pragma_table_info('" +
                                                           table + "') WHERE name = ?1"));
  has.bind(1, column);
  WX_ASSIGN_OR_RETURN(bool row, has.step());
  const bool missing = row && has.int64(0) == 0;
  has.reset();
  if (!missing) return Status::ok();
  return db.exec("ALTER TABLE " + table + " ADD COLUMN " + column + " " + type);
}

}  // namespace

std::string normalise_code(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == ' ' || c == '-') continue;
    out += static_cast<char>((c >= 'a' && c <= 'z') ? c - 32 : c);
  }
  return out;
}

std::string random_token(const char* prefix) {
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  return std::string(prefix) + hex;
}

Result<std::unique_ptr<SqliteAuthStore>> SqliteAuthStore::open(const std::string& path) {
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
    CREATE INDEX IF NOT EXISTS devices_by_replica ON devices(device_id, person);
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
    CREATE TABLE IF NOT EXISTS server_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)
      WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS admin_tokens(
      token_hash TEXT PRIMARY KEY, label TEXT NOT NULL, created_ms INTEGER NOT NULL,
      revoked_ms INTEGER) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS key_revocations(
      key_id TEXT PRIMARY KEY, reason TEXT NOT NULL, requested_ms INTEGER NOT NULL,
      applied_ms INTEGER) WITHOUT ROWID;
  )sql"));
  // server.db files from before blob downloads were logged lack the column, and from before
  // remote wipes the devices' wipe order.
  WX_RETURN_IF_ERROR(add_column_if_missing(db, "access_log", "blob", "TEXT"));
  WX_RETURN_IF_ERROR(add_column_if_missing(db, "devices", "wipe_ms", "INTEGER"));
  WX_RETURN_IF_ERROR(create_staff_tables(db));
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  WX_RETURN_IF_ERROR(revoke_duplicate_devices(
      db,
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count())));
  // Nor the origin of invites (codes minted by --demo are revoked at the next start).
  WX_RETURN_IF_ERROR(add_column_if_missing(db, "invites", "origin", "TEXT"));
  // Nor the school an admin token acts for (schools as tenants): "" is the deployment's.
  WX_RETURN_IF_ERROR(
      add_column_if_missing(db, "admin_tokens", "school", "TEXT NOT NULL DEFAULT ''"));
  return std::unique_ptr<SqliteAuthStore>(new SqliteAuthStore(std::move(db)));
}

Status SqliteAuthStore::revoke_duplicate_devices(sql::Db& db, uint64_t now_ms) {
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db, R"sql(
    UPDATE devices SET revoked_ms = ?1 WHERE revoked_ms IS NULL AND person <> (
      SELECT f.person FROM devices f WHERE f.device_id = devices.device_id
      ORDER BY f.created_ms, f.token_hash LIMIT 1)
  )sql"));
  return st.bind(1, static_cast<int64_t>(now_ms)).run();
}

Result<std::string> SqliteAuthStore::create_invite(const std::string& person, int valid_hours,
                                                   uint64_t now_ms, const std::string& origin) {
  WX_ASSIGN_OR_RETURN(auto codes, create_invites({person}, valid_hours, now_ms, origin));
  return codes.front();
}

Result<std::vector<std::string>> SqliteAuthStore::create_invites(
    const std::vector<std::string>& persons, int valid_hours, uint64_t now_ms,
    const std::string& origin) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto tx, sql::Transaction::begin(db_));
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "INSERT INTO invites(code_hash, person, "
                                                  "expires_ms, origin) VALUES(?1, ?2, ?3, "
                                                  "nullif(?4, ''))"));
  std::vector<std::string> out;
  for (const std::string& person : persons) {
    std::string code = random_enrolment_code(10);
    WX_RETURN_IF_ERROR(
        st.bind(1, sha256_hex(code))
            .bind(2, person)
            .bind(3, static_cast<int64_t>(now_ms + uint64_t(valid_hours) * 3600 * 1000))
            .bind(4, origin)
            .run());
    out.push_back(code.substr(0, 5) + "-" + code.substr(5));
  }
  WX_RETURN_IF_ERROR(tx.commit());
  return out;
}

Result<size_t> SqliteAuthStore::revoke_invites(const std::string& origin, uint64_t now_ms) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "UPDATE invites SET expires_ms = ?2 WHERE "
                                                  "origin = ?1 AND used_ms IS NULL AND "
                                                  "expires_ms > ?2"));
  WX_RETURN_IF_ERROR(st.bind(1, origin).bind(2, static_cast<int64_t>(now_ms)).run());
  return static_cast<size_t>(db_.changes());
}

Result<std::pair<std::string, std::string>> SqliteAuthStore::redeem_invite(
    const std::string& code, const std::string& device_id, uint64_t now_ms) {
  std::lock_guard lock(mu_);
  const Error refused = refused_enrolment_code();
  WX_ASSIGN_OR_RETURN(auto tx, sql::Transaction::begin(db_));
  WX_ASSIGN_OR_RETURN(auto find, sql::Stmt::prepare(db_,
                                                    "SELECT person FROM invites WHERE code_hash = "
                                                    "?1 AND used_ms IS NULL AND expires_ms > ?2"));
  find.bind(1, sha256_hex(normalise_code(code))).bind(2, static_cast<int64_t>(now_ms));
  WX_ASSIGN_OR_RETURN(bool row, find.step());
  if (!row) return refused;
  std::string person(find.text(0));
  find.reset();
  WX_RETURN_IF_ERROR(bind_replica(db_, device_id, person, now_ms));
  WX_ASSIGN_OR_RETURN(
      auto use, sql::Stmt::prepare(db_, "UPDATE invites SET used_ms = ?2 WHERE code_hash = ?1"));
  WX_RETURN_IF_ERROR(
      use.bind(1, sha256_hex(normalise_code(code))).bind(2, static_cast<int64_t>(now_ms)).run());
  std::string token = random_token("wx_");
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

Result<Device> SqliteAuthStore::authenticate(const std::string& token, uint64_t now_ms,
                                             uint64_t idle_expiry_ms) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto found, db_.cached("SELECT device_id, person, revoked_ms, "
                                             "coalesce(last_seen_ms, created_ms) "
                                             "FROM devices WHERE token_hash = ?1"));
  sql::Stmt& st = *found;
  const std::string token_hash = sha256_hex(token);
  st.bind(1, token_hash);
  Result<bool> row = st.step();
  if (!row || !*row || !st.is_null(2)) {
    st.reset();
    if (!row) return row.error();
    if (!*row)
      return make_error(WX_UNAUTHENTICATED, "unknown device token: enrol this device again");
    return make_error(WX_UNAUTHENTICATED, "this device's token was revoked: enrol again");
  }
  Device d;
  d.device_id = std::string(st.text(0));
  d.replica = replica_from_hex(d.device_id).value_or(0);
  d.person = std::string(st.text(1));
  d.token_key = token_hash.substr(0, 16);
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
  // Best effort: on a full disk the device is still who it is, and reads must go on.
  (void)seen.bind(1, token_hash).bind(2, static_cast<int64_t>(now_ms)).run();
  return d;
}

Status SqliteAuthStore::revoke_person_devices(const std::string& person, uint64_t now_ms) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(
      auto st,
      sql::Stmt::prepare(
          db_, "UPDATE devices SET revoked_ms = ?2 WHERE person = ?1 AND revoked_ms IS NULL"));
  return st.bind(1, person).bind(2, static_cast<int64_t>(now_ms)).run();
}

Status SqliteAuthStore::revoke_token(const std::string& token, uint64_t now_ms) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(
      auto st,
      sql::Stmt::prepare(
          db_, "UPDATE devices SET revoked_ms = ?2 WHERE token_hash = ?1 AND revoked_ms IS NULL"));
  return st.bind(1, sha256_hex(token)).bind(2, static_cast<int64_t>(now_ms)).run();
}

Status SqliteAuthStore::log_read(uint64_t now_ms, const std::string& person,
                                 const std::string& device, const std::string& bucket,
                                 size_t changes, const std::string& blob) {
  std::lock_guard lock(mu_);
  return unwritten_.add({now_ms, person, device, bucket, changes, blob}, reads_writer());
}

Status SqliteAuthStore::write_reads_locked(const std::deque<AccessRead>& rows) {
  WX_ASSIGN_OR_RETURN(auto tx, sql::Transaction::begin(db_));
  WX_ASSIGN_OR_RETURN(
      auto st, sql::Stmt::prepare(db_,
                                  "INSERT INTO access_log(at_ms, person, device, bucket, changes, "
                                  "blob) VALUES(?1, ?2, ?3, ?4, ?5, nullif(?6, ''))"));
  for (const AccessRead& r : rows) {
    WX_RETURN_IF_ERROR(st.bind(1, static_cast<int64_t>(r.at_ms))
                           .bind(2, r.person)
                           .bind(3, r.device)
                           .bind(4, r.bucket)
                           .bind(5, static_cast<int64_t>(r.changes))
                           .bind(6, r.blob)
                           .run());
  }
  return tx.commit();
}

void SqliteAuthStore::set_max_buffered_reads(size_t rows) {
  std::lock_guard lock(mu_);
  unwritten_.set_max(rows);
}

size_t SqliteAuthStore::buffered_reads() {
  std::lock_guard lock(mu_);
  return unwritten_.size();
}

SqliteAuthStore::~SqliteAuthStore() {
  std::lock_guard lock(mu_);
  unwritten_.flush_or_print(reads_writer());
}

Result<size_t> SqliteAuthStore::count_reads(const std::string& bucket) {
  std::lock_guard lock(mu_);
  WX_RETURN_IF_ERROR(unwritten_.flush(reads_writer()));
  WX_ASSIGN_OR_RETURN(auto st,
                      sql::Stmt::prepare(db_, "SELECT count(*) FROM access_log WHERE bucket = ?1"));
  st.bind(1, bucket);
  WX_ASSIGN_OR_RETURN(bool row, st.step());
  return row ? static_cast<size_t>(st.int64(0)) : 0;
}

Result<std::vector<std::string>> SqliteAuthStore::persons_of_device(const std::string& device_id) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st,
                      db_.cached("SELECT DISTINCT person FROM devices WHERE device_id = ?1"));
  st->bind(1, device_id);
  return st->column_texts();
}

}  // namespace werkex::server
