// SqliteAuthStore's part of supervisor sign-off (issues 4 and 10): per-placement one-time codes
// (kept as HMACs under a per-placement secret, burned at first use) with their failure count
// and lock, the audit log of security events, and the queue of key revocations werkex-admin
// hands to the server.
//
// Why a queue: the dossiers Replica keeps its sequence in memory, so only the server process may
// write dossiers.db while it runs. werkex-admin records the revocation here and the server
// writes it (revoked_at on the signing_key entity) at its next request.
#include <sodium.h>

#include <set>

#include "auth_codes.hpp"
#include "auth_store_sqlite.hpp"

namespace werkex::server {

namespace {}  // namespace

Result<std::vector<std::string>> SqliteAuthStore::issue_pin_codes(const std::string& placement,
                                                                  int count, uint64_t now_ms) {
  std::lock_guard lock(mu_);
  const std::string secret = random_code_secret();
  std::set<std::string> codes;
  while (static_cast<int>(codes.size()) < count) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%08u", randombytes_uniform(100000000));
    codes.insert(buf);
  }
  WX_ASSIGN_OR_RETURN(auto tx, sql::Transaction::begin(db_));
  WX_ASSIGN_OR_RETURN(
      auto pin, sql::Stmt::prepare(db_,
                                   "INSERT OR REPLACE INTO placement_pins(placement, key_hex, "
                                   "failed, locked_ms, issued_ms) VALUES(?1, ?2, 0, NULL, ?3)"));
  WX_RETURN_IF_ERROR(pin.bind(1, placement).bind(2, secret).bind(3, now_ms).run());
  // Earlier codes, used or not, go: under the new secret none of them could match anyway.
  WX_ASSIGN_OR_RETURN(auto drop,
                      sql::Stmt::prepare(db_, "DELETE FROM pin_codes WHERE placement = ?1"));
  WX_RETURN_IF_ERROR(drop.bind(1, placement).run());
  WX_ASSIGN_OR_RETURN(auto add, sql::Stmt::prepare(db_,
                                                   "INSERT INTO pin_codes(placement, code_hash, "
                                                   "issued_ms) VALUES(?1, ?2, ?3)"));
  for (const std::string& code : codes) {
    WX_RETURN_IF_ERROR(
        add.bind(1, placement).bind(2, signoff_code_hmac(secret, code)).bind(3, now_ms).run());
  }
  WX_RETURN_IF_ERROR(tx.commit());
  // Shuffled order would tell nothing either; sorted is easier to cross off on paper.
  return std::vector<std::string>(codes.begin(), codes.end());
}

Result<std::optional<PinRecord>> SqliteAuthStore::pin(const std::string& placement) {
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

Result<CodeUse> SqliteAuthStore::use_pin_code(const std::string& placement, const std::string& code,
                                              const std::string& used_for, uint64_t now_ms) {
  WX_ASSIGN_OR_RETURN(auto record, pin(placement));
  if (!record) return CodeUse::unknown;
  const std::string hash = signoff_code_hmac(record->secret_hex, code);
  if (hash.empty())
    return make_error(WX_CORRUPT, "the code secret of " + placement + " is damaged");
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto burn, sql::Stmt::prepare(db_,
                                                    "UPDATE pin_codes SET used_ms = ?3, used_for = "
                                                    "?4 WHERE placement = ?1 AND code_hash = ?2 "
                                                    "AND used_ms IS NULL"));
  WX_RETURN_IF_ERROR(burn.bind(1, placement).bind(2, hash).bind(3, now_ms).bind(4, used_for).run());
  if (db_.changes() > 0) return CodeUse::fresh;
  WX_ASSIGN_OR_RETURN(auto find, sql::Stmt::prepare(db_,
                                                    "SELECT used_for FROM pin_codes WHERE "
                                                    "placement = ?1 AND code_hash = ?2"));
  find.bind(1, placement).bind(2, hash);
  WX_ASSIGN_OR_RETURN(bool row, find.step());
  if (!row) return CodeUse::unknown;
  CodeUse out = find.text(0) == used_for ? CodeUse::used_by_this : CodeUse::used_by_other;
  find.reset();
  return out;
}

Result<bool> SqliteAuthStore::attempt_seen(const std::string& attempt_hash,
                                           const std::string& placement, uint64_t now_ms) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st,
                      sql::Stmt::prepare(db_,
                                         "INSERT OR IGNORE INTO pin_attempts(attempt_hash, "
                                         "placement, at_ms) VALUES(?1, ?2, ?3)"));
  WX_RETURN_IF_ERROR(st.bind(1, attempt_hash).bind(2, placement).bind(3, now_ms).run());
  return db_.changes() == 0;
}

Result<PinRecord> SqliteAuthStore::pin_failed(const std::string& placement, int max_failures,
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

Status SqliteAuthStore::pin_succeeded(const std::string& placement) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st,
                      sql::Stmt::prepare(db_,
                                         "UPDATE placement_pins SET failed = 0 WHERE placement = "
                                         "?1 AND failed <> 0 AND locked_ms IS NULL"));
  return st.bind(1, placement).run();
}

Status SqliteAuthStore::audit(uint64_t now_ms, const std::string& actor, const std::string& action,
                              const std::string& target, const std::string& detail) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st,
                      sql::Stmt::prepare(db_,
                                         "INSERT INTO audit_log(at_ms, actor, action, target, "
                                         "detail) VALUES(?1, ?2, ?3, ?4, ?5)"));
  return st.bind(1, now_ms).bind(2, actor).bind(3, action).bind(4, target).bind(5, detail).run();
}

Result<std::vector<AuditEntry>> SqliteAuthStore::audit_entries(const std::string& target) {
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

Status SqliteAuthStore::queue_key_revocation(const std::string& key_id, const std::string& reason,
                                             uint64_t now_ms) {
  std::lock_guard lock(mu_);
  // A second request for the same key keeps the first time and reason: revocation is
  // written once (revoked_at is immutable).
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "INSERT OR IGNORE INTO key_revocations(key_id, "
                                                  "reason, requested_ms) VALUES(?1, ?2, ?3)"));
  return st.bind(1, key_id).bind(2, reason).bind(3, now_ms).run();
}

Result<std::vector<KeyRevocation>> SqliteAuthStore::pending_key_revocations() {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto pending, db_.cached("SELECT key_id, reason, requested_ms FROM "
                                               "key_revocations WHERE applied_ms IS NULL"));
  sql::Stmt& st = *pending;
  std::vector<KeyRevocation> out;
  while (true) {
    Result<bool> row = st.step();
    if (!row || !*row) {
      if (!row) return row.error();
      break;
    }
    out.push_back({std::string(st.text(0)), std::string(st.text(1)), st.uint64(2)});
  }
  return out;
}

Status SqliteAuthStore::key_revocation_applied(const std::string& key_id, uint64_t now_ms) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(
      auto st,
      sql::Stmt::prepare(db_, "UPDATE key_revocations SET applied_ms = ?2 WHERE key_id = ?1"));
  return st.bind(1, key_id).bind(2, now_ms).run();
}

}  // namespace werkex::server
