// SqliteAuthStore: the AuthStore (auth_store.hpp) on one SQLite file, server.db, beside the
// dossiers (WAL, synchronous=FULL). Its methods are split by role: tokens, invites and the
// access log (auth_store.cpp, auth_store_reads.cpp, auth_store_wipe.cpp), sign-off codes,
// the audit log and key revocations (auth_store_signoff.cpp), the outbox
// (auth_store_notify.cpp), staff sessions (auth_store_staff.cpp), admin tokens, retention and
// the epoch (auth_store_admin.cpp). Thread-safe: one internal mutex. werkex-admin opens the
// same file while the server runs (SQLite's locking keeps the two apart).
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "access_log_buffer.hpp"
#include "auth_store.hpp"
#include "werkex/sqlite.hpp"

namespace werkex::server {

class SqliteAuthStore final : public AuthStore {
 public:
  // Opens or creates server.db at `path`, upgrading an older file's tables in place.
  static Result<std::unique_ptr<SqliteAuthStore>> open(const std::string& path);
  // Rows of the access log still buffered are written to stderr (log_read), never dropped.
  ~SqliteAuthStore() override;

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
  Status pin_succeeded(const std::string& placement) override;  // clears the failure count
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
  explicit SqliteAuthStore(sql::Db db) : db_(std::move(db)) {}
  // Tokens of server.db files from before replica ids were unique: a replica id bound to
  // several people keeps only its first person's tokens; the later ones are revoked.
  static Status revoke_duplicate_devices(sql::Db& db, uint64_t now_ms);
  static Status create_staff_tables(sql::Db& db);  // auth_store_staff.cpp
  Result<StaffSessionTokens> insert_staff_session_locked(const std::string& person,
                                                         uint64_t now_ms);
  // AccessLogBuffer's write: `rows` into access_log in one transaction.
  Status write_reads_locked(const std::deque<AccessRead>& rows);
  AccessLogBuffer::Write reads_writer() {
    return [this](const std::deque<AccessRead>& rows) { return write_reads_locked(rows); };
  }
  std::mutex mu_;
  sql::Db db_;  // GUARDED_BY(mu_), with its kept statements (the queries every sync makes)
  AccessLogBuffer unwritten_{"server.db"};  // GUARDED_BY(mu_)
};

}  // namespace werkex::server
