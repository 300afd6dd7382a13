// AuthStore's part of supervisor sign-off (issue 4): per-placement PIN keys with their
// failure count and lock, the audit log of security events, and the queue of key
// revocations werkex-admin hands to the server.
//
// Why a queue: the dossiers Replica keeps its sequence counter in memory, so only the server
// process may write dossiers.db while it runs. werkex-admin records the revocation here and
// the server writes it (revoked_at on the signing_key entity) at its next request.
#include "auth_store.hpp"

namespace werkex::server {

Status AuthStore::put_pin(const std::string& placement, const std::string& key_hex,
                          uint64_t now_ms) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(
      auto st, sql::Stmt::prepare(db_,
                                  "INSERT OR REPLACE INTO placement_pins(placement, key_hex, "
                                  "failed, locked_ms, issued_ms) VALUES(?1, ?2, 0, NULL, ?3)"));
  return st.bind(1, placement).bind(2, key_hex).bind(3, now_ms).run();
}

Result<std::optional<PinRecord>> AuthStore::pin(const std::string& placement) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "SELECT key_hex, failed, coalesce(locked_ms, 0), "
                                                  "issued_ms FROM placement_pins WHERE placement "
                                                  "= ?1"));
  st.bind(1, placement);
  WX_ASSIGN_OR_RETURN(bool row, st.step());
  if (!row) return std::optional<PinRecord>();
  PinRecord r{std::string(st.text(0)), static_cast<int>(st.int64(1)), st.uint64(2), st.uint64(3)};
  st.reset();
  return std::optional<PinRecord>(std::move(r));
}

Result<PinRecord> AuthStore::pin_failed(const std::string& placement, int max_failures,
                                        uint64_t now_ms) {
  {
    std::lock_guard lock(mu_);
    WX_ASSIGN_OR_RETURN(
        auto st,
        sql::Stmt::prepare(db_,
                           "UPDATE placement_pins SET failed = failed + 1, locked_ms = CASE WHEN "
                           "locked_ms IS NULL AND failed + 1 >= ?2 THEN ?3 ELSE locked_ms END "
                           "WHERE placement = ?1"));
    WX_RETURN_IF_ERROR(st.bind(1, placement).bind(2, max_failures).bind(3, now_ms).run());
  }
  WX_ASSIGN_OR_RETURN(auto r, pin(placement));
  if (!r) return make_error(WX_NOT_FOUND, "placement " + placement + " has no PIN");
  return *r;
}

Status AuthStore::pin_succeeded(const std::string& placement) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st,
                      sql::Stmt::prepare(db_,
                                         "UPDATE placement_pins SET failed = 0 WHERE placement = "
                                         "?1 AND failed <> 0 AND locked_ms IS NULL"));
  return st.bind(1, placement).run();
}

Result<bool> AuthStore::reset_pin(const std::string& placement) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "UPDATE placement_pins SET failed = 0, "
                                                  "locked_ms = NULL WHERE placement = ?1"));
  WX_RETURN_IF_ERROR(st.bind(1, placement).run());
  return db_.changes() > 0;
}

Status AuthStore::audit(uint64_t now_ms, const std::string& actor, const std::string& action,
                        const std::string& target, const std::string& detail) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st,
                      sql::Stmt::prepare(db_,
                                         "INSERT INTO audit_log(at_ms, actor, action, target, "
                                         "detail) VALUES(?1, ?2, ?3, ?4, ?5)"));
  return st.bind(1, now_ms).bind(2, actor).bind(3, action).bind(4, target).bind(5, detail).run();
}

Result<std::vector<AuditEntry>> AuthStore::audit_entries(const std::string& target) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st,
                      sql::Stmt::prepare(db_,
                                         "SELECT at_ms, actor, action, target, detail FROM "
                                         "audit_log WHERE ?1 = '' OR target = ?1 ORDER BY rowid"));
  st.bind(1, target);
  std::vector<AuditEntry> out;
  while (true) {
    WX_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    out.push_back({st.uint64(0), std::string(st.text(1)), std::string(st.text(2)),
                   std::string(st.text(3)), std::string(st.text(4))});
  }
  st.reset();
  return out;
}

Status AuthStore::queue_key_revocation(const std::string& key_id, const std::string& reason,
                                       uint64_t now_ms) {
  std::lock_guard lock(mu_);
  // A second request for the same key keeps the first time and reason: revocation is
  // written once (revoked_at is immutable).
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "INSERT OR IGNORE INTO key_revocations(key_id, "
                                                  "reason, requested_ms) VALUES(?1, ?2, ?3)"));
  return st.bind(1, key_id).bind(2, reason).bind(3, now_ms).run();
}

Result<std::vector<KeyRevocation>> AuthStore::pending_key_revocations() {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "SELECT key_id, reason, requested_ms FROM "
                                                  "key_revocations WHERE applied_ms IS NULL"));
  std::vector<KeyRevocation> out;
  while (true) {
    WX_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    out.push_back({std::string(st.text(0)), std::string(st.text(1)), st.uint64(2)});
  }
  st.reset();
  return out;
}

Status AuthStore::key_revocation_applied(const std::string& key_id, uint64_t now_ms) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(
      auto st,
      sql::Stmt::prepare(db_, "UPDATE key_revocations SET applied_ms = ?2 WHERE key_id = ?1"));
  return st.bind(1, key_id).bind(2, now_ms).run();
}

}  // namespace werkex::server
