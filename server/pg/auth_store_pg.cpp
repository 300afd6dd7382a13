// PgAuthStore (auth_store_pg.hpp): opening, enrolment codes and device tokens. The access log
// is in auth_store_pg_reads.cpp, sign-off codes and the audit log in auth_store_pg_signoff.cpp,
// the outbox in auth_store_pg_notify.cpp, admin tokens and the epoch in auth_store_pg_admin.cpp,
// staff sign-in in auth_store_pg_staff.cpp, wipe orders in auth_store_pg_wipe.cpp and key
// revocations in auth_store_pg_keys.cpp.
#include "auth_store_pg.hpp"
#include "auth_codes.hpp"

#include <sodium.h>

#include "auth_store_pg_rows.hpp"
#include "pg_schema.hpp"
#include "werkex/blob_store.hpp"  // sha256_hex
#include "werkex/ids.hpp"

namespace werkex::server {

using pg_auth::u64;

namespace {

// Last-seen only needs day precision for expiry; rewriting it on every request would cost a
// write per sync (as SqliteAuthStore).
constexpr uint64_t kLastSeenGranularityMs = 60 * 60 * 1000;

// Item 9 of issue 10: a replica id names one device of one person. Refuses (WX_CONFLICT) an id
// already bound to another person, by any token, live or revoked; revokes the same person's
// earlier tokens for it. Runs inside the enrolment's transaction, under the replica id's
// advisory lock, so two processes enrolling one replica id take turns.
Status bind_replica(pg::Conn& c, const std::string& device_id, const std::string& person,
                    uint64_t now_ms) {
  WX_RETURN_IF_ERROR(pg_auth::lock_key(c, pg_auth::LockKind::replica, device_id));
  WX_ASSIGN_OR_RETURN(auto other, c.exec("SELECT 1 FROM devices WHERE device_id = $1 "
                                         "AND person <> $2 LIMIT 1",
                                         {device_id, person}));
  if (!other.empty())
    return make_error(WX_CONFLICT, "replica id " + device_id +
                                       " is already enrolled for another person; a new device "
                                       "picks a fresh replica id (the code was not used up)");
  return c
      .exec("UPDATE devices SET revoked_ms = $2 WHERE device_id = $1 AND revoked_ms IS NULL",
            {device_id, now_ms})
      .status();
}

}  // namespace

Result<std::unique_ptr<PgAuthStore>> PgAuthStore::open(const std::string& conninfo) {
  if (sodium_init() < 0) return make_error(WX_INTERNAL, "libsodium failed to initialise");
  WX_ASSIGN_OR_RETURN(pg::Conn conn, pg::Conn::connect(conninfo));
  WX_RETURN_IF_ERROR(pg::require_latest_schema(conn));
  return std::unique_ptr<PgAuthStore>(new PgAuthStore(std::move(conn)));
}

pg::Conn& PgAuthStore::conn_locked() {
  if (PQstatus(conn_.raw()) != CONNECTION_OK) (void)conn_.check();
  return conn_;
}

Result<pg::Rows> PgAuthStore::exec(std::string_view sql, std::initializer_list<pg::Param> params) {
  std::lock_guard lock(mu_);
  return conn_locked().exec(sql, params);
}

Status PgAuthStore::check_connection() {
  std::lock_guard lock(mu_);
  return conn_.check();
}

Result<std::string> PgAuthStore::create_invite(const std::string& person, int valid_hours,
                                               uint64_t now_ms, const std::string& origin) {
  WX_ASSIGN_OR_RETURN(auto codes, create_invites({person}, valid_hours, now_ms, origin));
  return codes.front();
}

Result<std::vector<std::string>> PgAuthStore::create_invites(
    const std::vector<std::string>& persons, int valid_hours, uint64_t now_ms,
    const std::string& origin) {
  const uint64_t expires = now_ms + uint64_t(valid_hours) * 3600 * 1000;
  std::vector<std::string> out;
  std::vector<pg::Param> values;
  for (const std::string& person : persons) {
    std::string code = random_enrolment_code(10);
    values.insert(values.end(),
                  {sha256_hex(code), person, expires, pg_auth::null_if_empty(origin)});
    out.push_back(code.substr(0, 5) + "-" + code.substr(5));
  }
  std::lock_guard lock(mu_);
  pg::Conn& c = conn_locked();
  WX_ASSIGN_OR_RETURN(auto tx, pg::Transaction::begin(c));
  WX_RETURN_IF_ERROR(pg_auth::insert_rows(
      c, "INSERT INTO invites(code_hash, person, expires_ms, origin)", 4, values));
  WX_RETURN_IF_ERROR(tx.commit());
  return out;
}

Result<size_t> PgAuthStore::revoke_invites(const std::string& origin, uint64_t now_ms) {
  WX_ASSIGN_OR_RETURN(auto done, exec("UPDATE invites SET expires_ms = $2 WHERE origin = $1 "
                                      "AND used_ms IS NULL AND expires_ms > $2",
                                      {origin, now_ms}));
  return static_cast<size_t>(done.affected());
}

Result<std::string> PgAuthStore::burn_invite_locked(const std::string& code, uint64_t now_ms) {
  WX_ASSIGN_OR_RETURN(auto burned,
                      conn_locked().exec("UPDATE invites SET used_ms = $2 WHERE code_hash = $1 "
                                         "AND used_ms IS NULL AND expires_ms > $2 RETURNING person",
                                         {sha256_hex(normalise_code(code)), now_ms}));
  if (burned.empty()) return refused_enrolment_code();
  return std::string(burned.text(0, 0));
}

Result<std::pair<std::string, std::string>> PgAuthStore::redeem_invite(const std::string& code,
                                                                       const std::string& device_id,
                                                                       uint64_t now_ms) {
  std::lock_guard lock(mu_);
  pg::Conn& c = conn_locked();
  WX_ASSIGN_OR_RETURN(auto tx, pg::Transaction::begin(c));
  WX_ASSIGN_OR_RETURN(std::string person, burn_invite_locked(code, now_ms));  // first
  // WX_CONFLICT returns before commit: the transaction rolls back, the code stays unused.
  WX_RETURN_IF_ERROR(bind_replica(c, device_id, person, now_ms));
  std::string token = random_token("wx_");
  WX_RETURN_IF_ERROR(c.exec("INSERT INTO devices(token_hash, device_id, person, created_ms) "
                            "VALUES($1, $2, $3, $4)",
                            {sha256_hex(token), device_id, person, now_ms})
                         .status());
  WX_RETURN_IF_ERROR(tx.commit());
  return std::make_pair(token, person);
}

Result<Device> PgAuthStore::authenticate(const std::string& token, uint64_t now_ms,
                                         uint64_t idle_expiry_ms) {
  const std::string token_hash = sha256_hex(token);
  WX_ASSIGN_OR_RETURN(auto rows, exec("SELECT device_id, person, revoked_ms IS NOT NULL, "
                                      "coalesce(last_seen_ms, created_ms) "
                                      "FROM devices WHERE token_hash = $1",
                                      {token_hash}));
  if (rows.empty())
    return make_error(WX_UNAUTHENTICATED, "unknown device token: enrol this device again");
  if (rows.text(0, 2) == "t")
    return make_error(WX_UNAUTHENTICATED, "this device's token was revoked: enrol again");
  Device d;
  d.device_id = std::string(rows.text(0, 0));
  d.replica = replica_from_hex(d.device_id).value_or(0);
  d.person = std::string(rows.text(0, 1));
  d.token_key = token_hash.substr(0, 16);
  WX_ASSIGN_OR_RETURN(uint64_t last_seen, u64(rows, 0, 3));
  if (now_ms > last_seen + idle_expiry_ms)
    return make_error(WX_UNAUTHENTICATED,
                      "this device's token expired after " +
                          std::to_string(idle_expiry_ms / 86400000) +
                          " days without a sync: enrol again (its changes stay queued)");
  if (now_ms < last_seen + kLastSeenGranularityMs) return d;
  // Best effort: with the database refusing writes the device is still who it is, and reads
  // must go on.
  (void)exec("UPDATE devices SET last_seen_ms = $2 WHERE token_hash = $1", {token_hash, now_ms});
  return d;
}

Status PgAuthStore::revoke_person_devices(const std::string& person, uint64_t now_ms) {
  return exec("UPDATE devices SET revoked_ms = $2 WHERE person = $1 AND revoked_ms IS NULL",
              {person, now_ms})
      .status();
}

Status PgAuthStore::revoke_token(const std::string& token, uint64_t now_ms) {
  return exec("UPDATE devices SET revoked_ms = $2 WHERE token_hash = $1 AND revoked_ms IS NULL",
              {sha256_hex(token), now_ms})
      .status();
}

Result<std::vector<std::string>> PgAuthStore::persons_of_device(const std::string& device_id) {
  // Byte order, as SQLite's index on (device_id, person) gives them.
  WX_ASSIGN_OR_RETURN(auto rows, exec("SELECT person FROM devices WHERE device_id = $1 "
                                      "GROUP BY person ORDER BY person COLLATE \"C\"",
                                      {device_id}));
  return pg_auth::texts(rows);
}

}  // namespace werkex::server
