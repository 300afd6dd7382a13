// PgAuthStore: the AuthStore (auth_store.hpp) on PostgreSQL, for several server processes on
// one database (docs/design.md §1, §6). Each process opens its own; they share nothing but the
// database. The tables are SqliteAuthStore's, translated (migration 2, pg_schema.cpp): times
// are bigint milliseconds, hashes hex text as in server.db, and the rowids SQLite orders by
// are bigserial ids (access_log, audit_log, notifications).
//
// Invariants, as for every AuthStore: tokens and codes are random (libsodium) and stored only
// as SHA-256 hashes, sign-off codes as HMAC-SHA256 under the per-placement secret; a code is
// burned, a failure counted and a token issued in one statement or one transaction, and that
// holds across processes too:
//   - redeem_invite / redeem_staff_invite burn the code with `UPDATE … WHERE used_ms IS NULL
//     … RETURNING`: of two processes redeeming one code at once, the second waits for the
//     first's row lock and then finds the code used. A refused enrolment (WX_CONFLICT) rolls
//     the burn back, so the code stays usable.
//   - the replica-id check of an enrolment, and the revoke-then-insert of a new admin token,
//     run under a transaction advisory lock on the replica id (the label), so two processes
//     cannot bind one replica id to two people, nor leave two live tokens for one label;
//   - pin_failed is one `UPDATE … SET failed = failed + 1 … RETURNING`: failures through any
//     mix of processes lock the placement at exactly `max_failures`;
//   - attempt_seen, queue_notification, queue_key_revocation are `INSERT … ON CONFLICT DO
//     NOTHING`, the epoch is made with one and read back, so every process sees one epoch.
// Thread-safe: one connection, under one internal mutex (libpq connections are not
// thread-safe); password hashing runs outside it. A connection found broken is reset before
// the next call.
//
// What differs from SQLite: nothing a caller can observe through the interface (the contract
// tests, tests/pg/auth_store_contract_test.cpp, run every case on both). Below it: the ids
// of notifications come from a sequence, so a concurrent insert may leave a gap; log lines
// about buffered access-log rows say "the database" instead of "server.db"; the upgrade steps
// for old server.db files (revoking duplicate replica ids) have no counterpart, as a
// PostgreSQL database starts at the current schema.
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "access_log_buffer.hpp"
#include "auth_store.hpp"
#include "pg_conn.hpp"

namespace werkex::server {

class PgAuthStore final : public AuthStore {
 public:
  // Connects; the schema must be migrated (pg_schema.hpp): WX_CONFLICT naming the versions
  // otherwise. WX_UNAVAILABLE if the database cannot be reached.
  static Result<std::unique_ptr<PgAuthStore>> open(const std::string& conninfo);
  // Rows of the access log still buffered are written, or else to stderr (log_read).
  ~PgAuthStore() override;

  // The connection's health, for /healthz: reconnects once if it was lost.
  Status check_connection();

  Result<std::string> create_invite(const std::string& person, int valid_hours, uint64_t now_ms,
                                    const std::string& origin = "") override;
  Result<std::vector<std::string>> create_invites(const std::vector<std::string>& persons,
                                                  int valid_hours, uint64_t now_ms,
                                                  const std::string& origin = "") override;
  Result<size_t> revoke_invites(const std::string& origin, uint64_t now_ms) override;
  Result<std::pair<std::string, std::string>> redeem_invite(
      const std::string& code, const std::string& device_id,
      uint64_t now_ms) override;  // (token, person)
  Result<Device> authenticate(const std::string& token, uint64_t now_ms,
                              uint64_t idle_expiry_ms) override;
  Status revoke_person_devices(const std::string& person, uint64_t now_ms) override;
  Status order_wipe(const std::string& person, uint64_t now_ms) override;
  Result<bool> wipe_ordered(const std::string& token) override;
  Status revoke_token(const std::string& token, uint64_t now_ms) override;
  Status log_read(uint64_t now_ms, const std::string& person, const std::string& device,
                  const std::string& bucket, size_t changes, const std::string& blob = "") override;
  void set_max_buffered_reads(size_t rows) override;
  size_t buffered_reads() override;
  Result<size_t> count_reads(const std::string& bucket) override;
  Result<std::vector<AccessRead>> reads(const std::string& bucket, size_t limit = 0) override;
  Result<size_t> prune_access_log(uint64_t before_ms) override;
  Result<size_t> prune_audit_log(uint64_t before_ms) override;
  Result<std::vector<std::string>> persons_of_device(const std::string& device_id) override;
  Result<std::vector<std::string>> issue_pin_codes(const std::string& placement, int count,
                                                   uint64_t now_ms) override;
  Result<std::optional<PinRecord>> pin(const std::string& placement) override;
  Result<CodeUse> use_pin_code(const std::string& placement, const std::string& code,
                               const std::string& used_for, uint64_t now_ms) override;
  Result<bool> attempt_seen(const std::string& attempt_hash, const std::string& placement,
                            uint64_t now_ms) override;
  Result<PinRecord> pin_failed(const std::string& placement, int max_failures,
                               uint64_t now_ms) override;
  Status pin_succeeded(const std::string& placement) override;
  Status queue_notification(const Notification& n) override;
  Result<std::vector<Notification>> notifications_for(const std::string& person) override;
  Result<std::vector<Notification>> due_notifications(uint64_t now_ms, size_t limit) override;
  Status notification_sent(int64_t id, uint64_t now_ms) override;
  Status notification_failed(int64_t id, const std::string& error, uint64_t retry_at_ms) override;
  Status notification_disputed(const std::string& signoff, uint64_t now_ms) override;
  Status audit(uint64_t now_ms, const std::string& actor, const std::string& action,
               const std::string& target, const std::string& detail = "") override;
  Result<std::vector<AuditEntry>> audit_entries(const std::string& target) override;
  Result<std::string> create_admin_token(const std::string& label, const std::string& school,
                                         uint64_t now_ms) override;
  Result<AdminPrincipal> authenticate_admin(const std::string& token) override;
  Status revoke_admin_tokens(const std::string& label, uint64_t now_ms) override;
  Result<std::string> epoch() override;
  Status renew_epoch() override;
  Result<bool> claim_run(const std::string& job, const std::string& day) override;
  Result<std::string> invite_person(const std::string& code, uint64_t now_ms) override;
  Result<StaffSessionTokens> redeem_staff_invite(const std::string& code, uint64_t now_ms) override;
  Result<StaffSessionTokens> create_staff_session(const std::string& person,
                                                  uint64_t now_ms) override;
  Result<StaffSession> staff_session(const std::string& token, uint64_t now_ms, uint64_t idle_ms,
                                     uint64_t max_age_ms) override;
  Status end_staff_session(const std::string& token) override;
  Status end_person_staff_sessions(const std::string& person) override;
  Result<size_t> prune_staff_sessions(uint64_t created_before_ms) override;
  Status set_staff_password(const std::string& person, const std::string& password,
                            uint64_t now_ms) override;
  Result<bool> check_staff_password(const std::string& person,
                                    const std::string& password) override;
  Status queue_key_revocation(const std::string& key_id, const std::string& reason,
                              uint64_t now_ms) override;
  Result<std::vector<KeyRevocation>> pending_key_revocations() override;
  Status key_revocation_applied(const std::string& key_id, uint64_t now_ms) override;

 private:
  explicit PgAuthStore(pg::Conn conn) : conn_(std::move(conn)) {}
  // The connection, reset first if libpq found it broken (a restarted server, a dropped
  // link); a reset that fails leaves it broken, and the statement then reports why.
  pg::Conn& conn_locked();
  // One statement under the lock.
  Result<pg::Rows> exec(std::string_view sql, std::initializer_list<pg::Param> params = {});
  // Burns the enrolment code `code` inside the caller's transaction: its person, or
  // refused_enrolment_code(). A second process redeeming the same code waits for that
  // transaction, then finds it used (or, if it rolled back, unused).
  Result<std::string> burn_invite_locked(const std::string& code, uint64_t now_ms);
  Result<StaffSessionTokens> insert_staff_session_locked(const std::string& person,
                                                         uint64_t now_ms);
  // AccessLogBuffer's write: `rows` into access_log in one transaction.
  Status write_reads_locked(const std::deque<AccessRead>& rows);
  AccessLogBuffer::Write reads_writer() {
    return [this](const std::deque<AccessRead>& rows) { return write_reads_locked(rows); };
  }
  std::mutex mu_;
  pg::Conn conn_;                              // GUARDED_BY(mu_)
  AccessLogBuffer unwritten_{"the database"};  // GUARDED_BY(mu_)
};

}  // namespace werkex::server
