// AuthStore: the server's own secrets and records, never synced: device tokens, one-time
// enrolment codes, the access log of dossier reads, the sign-off codes with their audit log,
// the supervisors' outbox, staff sessions, admin tokens, the epoch and the key revocations
// werkex-admin queues. Kept apart from the dossiers, so no bug in sync can ever ship a token
// or a code to a device.
//
// An interface (issue 14: storage behind interfaces), so a second engine (PostgreSQL, issue
// 15) comes without touching the handlers; SqliteAuthStore (auth_store_sqlite.hpp) is
// today's, one SQLite file (server.db), its methods split by role over auth_store*.cpp.
// Invariants every engine keeps: tokens and codes are random (libsodium) and stored only as
// SHA-256 hashes (sign-off codes: HMAC under a per-placement secret kept here), so a copy of
// the database does not let anyone act as a device; each call is atomic (a code is burned,
// a failure counted, a token issued in one step); every method is thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "werkex/error.hpp"

namespace werkex::server {

// A random bearer secret: `prefix` and 64 hex digits (256 bits from libsodium).
std::string random_token(const char* prefix);
// Codes are typed by people: case, spaces and dashes are ignored (what is hashed and compared).
std::string normalise_code(std::string_view code);

// The one-time sign-off codes of one placement (issue 10 item 11). `secret_hex` is a random
// per-placement key that never leaves server.db: codes are kept only as HMAC-SHA256 under it,
// each burned at its first right use. `locked_ms` is set once `failed` reached the limit.
struct PinRecord {
  std::string secret_hex;
  int failed = 0;
  uint64_t locked_ms = 0;  // 0: not locked
  uint64_t issued_ms = 0;
};

// What a presented code is: one never used (now burned for this sign-off), one burned
// earlier by this very sign-off (a retried push), one burned by another, or none of ours.
enum class CodeUse { fresh, used_by_this, used_by_other, unknown };

// A note to a supervisor that a sign-off was made in her name (the outbox). `email` empty:
// listed only (GET /v1/notifications), never mailed.
struct Notification {
  int64_t id = 0;
  std::string person, signoff, placement, email, subject, body;
  uint64_t created_ms = 0, sent_ms = 0, disputed_ms = 0;
  int attempts = 0;
  std::string last_error;
};

// A security event: codes issued, wrong, locked or reset; sign-off disputed; key registered,
// revoked.
struct AuditEntry {
  uint64_t at_ms = 0;
  std::string actor, action, target, detail;
};

// One row of the access log: who read which bucket when, through which device (its replica
// id) or dashboard page ("web:/leerling"), and how much (field changes, or one blob).
struct AccessRead {
  uint64_t at_ms = 0;
  std::string person, device, bucket;
  size_t changes = 0;
  std::string blob;
};

// Who holds an admin token: its label, and the school it acts for ("" for the whole
// deployment: every school, and the steps that are the deployment's, such as backups).
struct AdminPrincipal {
  std::string label;
  std::string school;
  bool for_deployment() const { return school.empty(); }
};

// A key revocation werkex-admin queued; the server writes it into the dossiers (the Replica
// has one writer: the server process).
struct KeyRevocation {
  std::string key_id, reason;
  uint64_t requested_ms = 0;
};

// The device behind a bearer token, as request handlers see it (issue 10 item 9). Its replica
// id is unique to it: enrolment refuses a replica id already bound to another person, and a
// device enrolling again replaces its own earlier token, so at most one live token holds a
// replica id and the id names one device of one person for good. Handlers bind what a
// request does to these, never to an id the request claims.
struct Device {
  std::string device_id;  // the replica id the device enrolled with, 16 hex digits
  uint64_t replica = 0;   // the same, as a number: the replica id its own stamps carry
  std::string person;     // the roster person it acts for
  std::string token_key;  // identifies the token (a prefix of its hash): the rate limit's key
};

// A staff member's browser session (auth_store_staff.cpp). The cookie's token is kept only
// as a SHA-256 hash; `csrf` is the session's anti-forgery token, sent back by the pages.
// No staff session lives longer than this, however it is used (StaffConfig::max_age_ms);
// retention deletes older ones.
inline constexpr uint64_t kStaffSessionMaxAgeMs = 12ull * 60 * 60 * 1000;  // a working day
struct StaffSession {
  std::string person, csrf;
  uint64_t created_ms = 0, last_seen_ms = 0;
};
// A new session's secrets, shown once: the cookie token and the CSRF token.
struct StaffSessionTokens {
  std::string token, csrf;
};

class AuthStore {
 public:
  virtual ~AuthStore() = default;

  // A one-time code for `person`, valid for `valid_hours`. Returns the code (shown once).
  // `origin` tags codes minted by one source ("demo") so they can be revoked together.
  virtual Result<std::string> create_invite(const std::string& person, int valid_hours,
                                            uint64_t now_ms, const std::string& origin = "") = 0;
  // One code per person, in one transaction (a roster import's new people): codes in order.
  virtual Result<std::vector<std::string>> create_invites(const std::vector<std::string>& persons,
                                                          int valid_hours, uint64_t now_ms,
                                                          const std::string& origin = "") = 0;
  // Ends every unused code tagged `origin`; returns how many.
  virtual Result<size_t> revoke_invites(const std::string& origin, uint64_t now_ms) = 0;
  // Uses up the code and issues a device token. WX_UNAUTHENTICATED for an unknown, used or
  // expired code (one message for all three: a guesser learns nothing); WX_CONFLICT, with
  // the code left unused, when `device_id` is already bound to another person (a fresh
  // device then picks another replica id and tries again). The same person enrolling the
  // same replica id again (revoked, expired, reinstalled) gets a token that replaces the
  // earlier ones of that replica id.
  virtual Result<std::pair<std::string, std::string>> redeem_invite(
      const std::string& code, const std::string& device_id,
      uint64_t now_ms) = 0;  // (token, person)
  // The device a bearer token belongs to; WX_UNAUTHENTICATED if unknown or revoked.
  // The device of a token that is known, not revoked, and used within `idle_expiry_ms`.
  virtual Result<Device> authenticate(const std::string& token, uint64_t now_ms,
                                      uint64_t idle_expiry_ms) = 0;
  virtual Status revoke_person_devices(const std::string& person, uint64_t now_ms) = 0;
  // A lost or stolen phone (auth_store_wipe.cpp): revokes every device token of `person` and
  // orders those devices to wipe their dossier and photos. The order is told to a device
  // that presents its revoked token (sync answers 401 with "wipe": true in the error); a
  // device enrolled later is not affected. Logged in the audit log by the caller.
  virtual Status order_wipe(const std::string& person, uint64_t now_ms) = 0;
  // Whether `token` belongs to a device ordered to wipe (false for any unknown token).
  virtual Result<bool> wipe_ordered(const std::string& token) = 0;
  virtual Status revoke_token(const std::string& token, uint64_t now_ms) = 0;
  // One read of a dossier: `changes` field changes pulled, or the blob with hash `blob`.
  // A row that cannot be written (disk full) is kept in memory, loudly, and written before
  // any later row once space returns, so reads go on being served and are still recorded;
  // only when `max_buffered_reads` rows wait does it fail (unavailable: fail closed). Rows
  // still waiting at destruction are written to stderr as JSON lines, never dropped silently.
  virtual Status log_read(uint64_t now_ms, const std::string& person, const std::string& device,
                          const std::string& bucket, size_t changes,
                          const std::string& blob = "") = 0;
  virtual void set_max_buffered_reads(size_t rows) = 0;
  virtual size_t buffered_reads() = 0;
  virtual Result<size_t> count_reads(const std::string& bucket) = 0;
  // The access log of `bucket`, oldest first, at most `limit` rows (the newest ones) (0: all).
  // Rows still buffered are written first (auth_store_reads.cpp).
  virtual Result<std::vector<AccessRead>> reads(const std::string& bucket, size_t limit = 0) = 0;
  // Retention (auth_store_admin.cpp): deletes access-log / audit-log rows older than
  // `before_ms`; returns how many went.
  virtual Result<size_t> prune_access_log(uint64_t before_ms) = 0;
  virtual Result<size_t> prune_audit_log(uint64_t before_ms) = 0;
  // The persons a replica id was ever enrolled for (revoked devices included: their past
  // writes stay theirs). One, once enrolment keeps replica ids unique.
  virtual Result<std::vector<std::string>> persons_of_device(const std::string& device_id) = 0;

  // Sign-off codes and the audit log (auth_store_signoff.cpp).
  // Issues `count` fresh one-time codes (8 digits) for a placement under a new secret: every
  // earlier code is void, failures and lock cleared. Returns the codes (shown once).
  virtual Result<std::vector<std::string>> issue_pin_codes(const std::string& placement, int count,
                                                           uint64_t now_ms) = 0;
  virtual Result<std::optional<PinRecord>> pin(const std::string& placement) = 0;
  // Checks `code` (digits) against the placement's codes; a fresh one is burned for
  // `used_for` (the sign-off id and the hash of its signed message) in the same statement.
  virtual Result<CodeUse> use_pin_code(const std::string& placement, const std::string& code,
                                       const std::string& used_for, uint64_t now_ms) = 0;
  // True if this failed attempt (a hash naming placement, sign-off and code) was counted
  // before; records it otherwise. So a retried push counts its wrong code once.
  virtual Result<bool> attempt_seen(const std::string& attempt_hash, const std::string& placement,
                                    uint64_t now_ms) = 0;
  // Counts one wrong code; at `max_failures` the placement locks. Returns the record after it.
  virtual Result<PinRecord> pin_failed(const std::string& placement, int max_failures,
                                       uint64_t now_ms) = 0;
  virtual Status pin_succeeded(const std::string& placement) = 0;  // clears the failure count

  // The supervisors' outbox (auth_store_notify.cpp). One note per sign-off (a second queue
  // of the same sign-off is a no-op).
  virtual Status queue_notification(const Notification& n) = 0;
  virtual Result<std::vector<Notification>> notifications_for(const std::string& person) = 0;
  // Unsent notes with an address whose next try is due, oldest first.
  virtual Result<std::vector<Notification>> due_notifications(uint64_t now_ms, size_t limit) = 0;
  virtual Status notification_sent(int64_t id, uint64_t now_ms) = 0;
  virtual Status notification_failed(int64_t id, const std::string& error,
                                     uint64_t retry_at_ms) = 0;
  virtual Status notification_disputed(const std::string& signoff, uint64_t now_ms) = 0;
  virtual Status audit(uint64_t now_ms, const std::string& actor, const std::string& action,
                       const std::string& target, const std::string& detail = "") = 0;
  // Newest last; `target` "" for all.
  virtual Result<std::vector<AuditEntry>> audit_entries(const std::string& target) = 0;
  // Admin credentials for the admin API (auth_store_admin.cpp): made offline by
  // `werkex-admin admin-token LABEL [--school ID]`, shown once, kept as SHA-256 hashes.
  // `label` says who or what holds it ("nightly"); a new token for a label revokes its
  // earlier ones. `school`: the school entity it acts for, "" for the whole deployment
  // (docs/design.md §8).
  virtual Result<std::string> create_admin_token(const std::string& label,
                                                 const std::string& school, uint64_t now_ms) = 0;
  // Who a live admin token is; WX_UNAUTHENTICATED otherwise (one message for all).
  virtual Result<AdminPrincipal> authenticate_admin(const std::string& token) = 0;
  // Revokes every token of `label`; WX_NOT_FOUND if it had none live.
  virtual Status revoke_admin_tokens(const std::string& label, uint64_t now_ms) = 0;

  // The epoch names this server's history (auth_store_admin.cpp): random, made on first use,
  // renewed when the data folder is restored from a backup. Devices compare it at each sync:
  // a new epoch means the server may have forgotten what they sent since the backup, so they
  // send everything again and pull from the start.
  virtual Result<std::string> epoch() = 0;
  virtual Status renew_epoch() = 0;

  // Claims the scheduled run `job` of `day` (YYYY-MM-DD) for the caller: true for the first
  // claim of that day or a later one, false when that day or a later one was claimed already
  // (by another process on the same store, or this one before a restart). So the in-server
  // nightly run happens once a day however many processes fire their timers.
  virtual Result<bool> claim_run(const std::string& job, const std::string& day) = 0;

  // Staff sign-in for the dashboard (auth_store_staff.cpp).
  // The person a fresh (unused, unexpired) enrolment code belongs to, without using it up;
  // WX_UNAUTHENTICATED with one message for unknown, used and expired codes.
  virtual Result<std::string> invite_person(const std::string& code, uint64_t now_ms) = 0;
  // Burns the code (one-time, as for devices) and opens a session for its person in one
  // transaction; WX_UNAUTHENTICATED if the code was used meanwhile.
  virtual Result<StaffSessionTokens> redeem_staff_invite(const std::string& code,
                                                         uint64_t now_ms) = 0;
  virtual Result<StaffSessionTokens> create_staff_session(const std::string& person,
                                                          uint64_t now_ms) = 0;
  // The live session of a cookie token: not idle for `idle_ms`, not older than `max_age_ms`.
  // A session past either is deleted; last_seen is refreshed (at most every few seconds).
  virtual Result<StaffSession> staff_session(const std::string& token, uint64_t now_ms,
                                             uint64_t idle_ms, uint64_t max_age_ms) = 0;
  virtual Status end_staff_session(const std::string& token) = 0;
  virtual Status end_person_staff_sessions(const std::string& person) = 0;
  // Deletes the sessions made before `created_before_ms` (retention: expired ones that no
  // request came to end). Returns how many.
  virtual Result<size_t> prune_staff_sessions(uint64_t created_before_ms) = 0;
  // Argon2id (libsodium crypto_pwhash_str, interactive limits); the hash is made outside the
  // store's lock. WX_INVALID_ARGUMENT for a password shorter than 10 or longer than 200 bytes.
  virtual Status set_staff_password(const std::string& person, const std::string& password,
                                    uint64_t now_ms) = 0;
  // Whether `password` is `person`'s; false also when the person has none (same time spent).
  virtual Result<bool> check_staff_password(const std::string& person,
                                            const std::string& password) = 0;

  // Key revocations werkex-admin queues (key_revocations.hpp) until the server has written
  // them into the dossiers (apply_key_revocations, app/signing_keys.hpp).
  virtual Status queue_key_revocation(const std::string& key_id, const std::string& reason,
                                      uint64_t now_ms) = 0;
  virtual Result<std::vector<KeyRevocation>> pending_key_revocations() = 0;
  virtual Status key_revocation_applied(const std::string& key_id, uint64_t now_ms) = 0;
};

}  // namespace werkex::server
