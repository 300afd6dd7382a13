// PgAuthStore's part of supervisor sign-off (issues 4 and 10), as SqliteAuthStore's
// (auth_store_signoff.cpp): per-placement one-time codes kept as HMACs under a per-placement
// secret, burned at first use, with their failure count and lock; and the audit log of
// security events. Counting a failure is one statement, so failures through several
// processes lock the placement at exactly the limit.
#include <sodium.h>

#include <cstdio>
#include <set>

#include "auth_codes.hpp"
#include "auth_store_pg.hpp"
#include "auth_store_pg_rows.hpp"

namespace werkex::server {

namespace {

constexpr const char* kPinColumns = "key_hex, failed, coalesce(locked_ms, 0), issued_ms";

Result<PinRecord> pin_of(const pg::Rows& rows) {
  PinRecord r;
  r.secret_hex = std::string(rows.text(0, 0));
  WX_ASSIGN_OR_RETURN(int64_t failed, rows.int64(0, 1));
  r.failed = static_cast<int>(failed);
  WX_ASSIGN_OR_RETURN(r.locked_ms, pg_auth::u64(rows, 0, 2));
  WX_ASSIGN_OR_RETURN(r.issued_ms, pg_auth::u64(rows, 0, 3));
  return r;
}

std::set<std::string> fresh_codes(int count) {
  std::set<std::string> codes;
  while (static_cast<int>(codes.size()) < count) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%08u", randombytes_uniform(100000000));
    codes.insert(buf);
  }
  return codes;
}

}  // namespace

Result<std::vector<std::string>> PgAuthStore::issue_pin_codes(const std::string& placement,
                                                              int count, uint64_t now_ms) {
  const std::string secret = random_code_secret();
  const std::set<std::string> codes = fresh_codes(count);
  std::vector<pg::Param> values;
  for (const std::string& code : codes)
    values.insert(values.end(), {placement, signoff_code_hmac(secret, code), now_ms});
  std::lock_guard lock(mu_);
  pg::Conn& c = conn_locked();
  WX_ASSIGN_OR_RETURN(auto tx, pg::Transaction::begin(c));
  // The row lock this takes orders two processes issuing for one placement: the second one's
  // DELETE then sees the first one's codes, and the last list issued is the one that holds.
  WX_RETURN_IF_ERROR(c.exec("INSERT INTO placement_pins(placement, key_hex, failed, locked_ms, "
                            "issued_ms) VALUES($1, $2, 0, NULL, $3) ON CONFLICT (placement) DO "
                            "UPDATE SET key_hex = excluded.key_hex, failed = 0, locked_ms = NULL, "
                            "issued_ms = excluded.issued_ms",
                            {placement, secret, now_ms})
                         .status());
  // Earlier codes, used or not, go: under the new secret none of them could match anyway.
  WX_RETURN_IF_ERROR(c.exec("DELETE FROM pin_codes WHERE placement = $1", {placement}).status());
  WX_RETURN_IF_ERROR(
      pg_auth::insert_rows(c, "INSERT INTO pin_codes(placement, code_hash, issued_ms)", 3, values));
  WX_RETURN_IF_ERROR(tx.commit());
  // Shuffled order would tell nothing either; sorted is easier to cross off on paper.
  return std::vector<std::string>(codes.begin(), codes.end());
}

Result<std::optional<PinRecord>> PgAuthStore::pin(const std::string& placement) {
  WX_ASSIGN_OR_RETURN(auto rows, exec(std::string("SELECT ") + kPinColumns +
                                          " FROM placement_pins WHERE placement = $1",
                                      {placement}));
  if (rows.empty()) return std::optional<PinRecord>();
  WX_ASSIGN_OR_RETURN(PinRecord r, pin_of(rows));
  return std::optional<PinRecord>(std::move(r));
}

Result<CodeUse> PgAuthStore::use_pin_code(const std::string& placement, const std::string& code,
                                          const std::string& used_for, uint64_t now_ms) {
  WX_ASSIGN_OR_RETURN(auto record, pin(placement));
  if (!record) return CodeUse::unknown;
  const std::string hash = signoff_code_hmac(record->secret_hex, code);
  if (hash.empty())
    return make_error(WX_CORRUPT, "the code secret of " + placement + " is damaged");
  // Burned in one statement: of two processes presenting one code, the second waits for the
  // first's row lock and then finds it used.
  WX_ASSIGN_OR_RETURN(auto burned, exec("UPDATE pin_codes SET used_ms = $3, used_for = $4 "
                                        "WHERE placement = $1 AND code_hash = $2 AND used_ms "
                                        "IS NULL RETURNING 1",
                                        {placement, hash, now_ms, used_for}));
  if (!burned.empty()) return CodeUse::fresh;
  WX_ASSIGN_OR_RETURN(auto found, exec("SELECT coalesce(used_for, '') FROM pin_codes WHERE "
                                       "placement = $1 AND code_hash = $2",
                                       {placement, hash}));
  if (found.empty()) return CodeUse::unknown;
  return found.text(0, 0) == used_for ? CodeUse::used_by_this : CodeUse::used_by_other;
}

Result<bool> PgAuthStore::attempt_seen(const std::string& attempt_hash,
                                       const std::string& placement, uint64_t now_ms) {
  WX_ASSIGN_OR_RETURN(auto done, exec("INSERT INTO pin_attempts(attempt_hash, placement, at_ms) "
                                      "VALUES($1, $2, $3) ON CONFLICT DO NOTHING",
                                      {attempt_hash, placement, now_ms}));
  return done.affected() == 0;
}

Result<PinRecord> PgAuthStore::pin_failed(const std::string& placement, int max_failures,
                                          uint64_t now_ms) {
  // One statement: the row lock makes failures through any processes count one by one, and
  // the record returned is the one this failure made.
  WX_ASSIGN_OR_RETURN(
      auto rows,
      exec(std::string("UPDATE placement_pins SET failed = failed + 1, locked_ms = CASE WHEN "
                       "locked_ms IS NULL AND failed + 1 >= $2 THEN $3 ELSE locked_ms END "
                       "WHERE placement = $1 RETURNING ") +
               kPinColumns,
           {placement, max_failures, now_ms}));
  if (rows.empty()) return make_error(WX_NOT_FOUND, "placement " + placement + " has no PIN");
  return pin_of(rows);
}

Status PgAuthStore::pin_succeeded(const std::string& placement) {
  return exec(
             "UPDATE placement_pins SET failed = 0 WHERE placement = $1 AND failed <> 0 AND "
             "locked_ms IS NULL",
             {placement})
      .status();
}

Status PgAuthStore::audit(uint64_t now_ms, const std::string& actor, const std::string& action,
                          const std::string& target, const std::string& detail) {
  return exec(
             "INSERT INTO audit_log(at_ms, actor, action, target, detail) "
             "VALUES($1, $2, $3, $4, $5)",
             {now_ms, actor, action, target, detail})
      .status();
}

Result<std::vector<AuditEntry>> PgAuthStore::audit_entries(const std::string& target) {
  WX_ASSIGN_OR_RETURN(auto rows, exec("SELECT at_ms, actor, action, target, detail FROM "
                                      "audit_log WHERE $1::text = '' OR target = $1::text "
                                      "ORDER BY id",
                                      {target}));
  std::vector<AuditEntry> out;
  for (int r = 0; r < rows.size(); ++r) {
    WX_ASSIGN_OR_RETURN(uint64_t at, pg_auth::u64(rows, r, 0));
    out.push_back({at, std::string(rows.text(r, 1)), std::string(rows.text(r, 2)),
                   std::string(rows.text(r, 3)), std::string(rows.text(r, 4))});
  }
  return out;
}

Result<size_t> PgAuthStore::prune_audit_log(uint64_t before_ms) {
  WX_ASSIGN_OR_RETURN(auto done, exec("DELETE FROM audit_log WHERE at_ms < $1", {before_ms}));
  return static_cast<size_t>(done.affected());
}

}  // namespace werkex::server
