// The AuthStore contract on both engines, continued (auth_store_contract_test.cpp has the
// devices, the access log and staff sign-in): sign-off codes and their failure lock, the
// supervisors' outbox, the audit log, admin tokens, the epoch and key revocations.
#include <sodium.h>

#include <algorithm>

#include "auth_engines.hpp"
#include "werkex/blob_store.hpp"  // sha256_hex

using namespace werkex;
using test::expect_ok;

namespace {

constexpr uint64_t kT0 = test::kStartMillis;

// HMAC-SHA256 of `code` under `secret_hex`, computed here, apart from either store.
std::string hmac_hex(const std::string& secret_hex, const std::string& code) {
  unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
  size_t len = 0;
  REQUIRE(sodium_hex2bin(key, sizeof key, secret_hex.data(), secret_hex.size(), nullptr, &len,
                         nullptr) == 0);
  REQUIRE(len == sizeof key);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(code.data()), code.size(),
                         key);
  char hex[2 * sizeof mac + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return hex;
}

bool is_hex(const std::string& s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

template <typename R>
void check_refused(const R& r, ErrorCode code, const std::string& message) {
  REQUIRE_FALSE(r);
  CHECK(r.error().code == code);
  CHECK(r.error().message == message);
}

server::Notification note(const std::string& person, const std::string& signoff,
                          const std::string& email, uint64_t created_ms) {
  server::Notification n;
  n.person = person;
  n.signoff = signoff;
  n.placement = "pl1";
  n.email = email;
  n.subject = "Aftekening " + signoff;
  n.body = "Namens u afgetekend.";
  n.created_ms = created_ms;
  return n;
}

std::vector<std::string> signoffs(const std::vector<server::Notification>& notes) {
  std::vector<std::string> out;
  for (const auto& n : notes) out.push_back(n.signoff);
  return out;
}

}  // namespace

TEST_CASE(
    "auth contract: sign-off codes are HMACs under the placement's secret, burned once, "
    "and a reuse is told apart") {
  const std::string engine = GENERATE(as<std::string>{}, "sqlite", "postgres");
  INFO(engine);
  auto e = test::make_auth_engine(engine);
  server::AuthStore& s = e->store();
  CHECK_FALSE(expect_ok(s.pin("pl1")).has_value());
  const auto codes = expect_ok(s.issue_pin_codes("pl1", 10, kT0));
  REQUIRE(codes.size() == 10);
  CHECK(std::is_sorted(codes.begin(), codes.end()));
  CHECK(std::adjacent_find(codes.begin(), codes.end()) == codes.end());
  for (const auto& c : codes) {
    CHECK(c.size() == 8);
    CHECK(std::all_of(c.begin(), c.end(), [](char d) { return d >= '0' && d <= '9'; }));
  }
  const auto record = expect_ok(s.pin("pl1"));
  REQUIRE(record.has_value());
  CHECK(record->secret_hex.size() == 64);
  CHECK(is_hex(record->secret_hex));
  CHECK(record->failed == 0);
  CHECK(record->locked_ms == 0);
  CHECK(record->issued_ms == kT0);
  std::vector<std::string> hashes;
  for (const auto& c : codes) hashes.push_back(hmac_hex(record->secret_hex, c));
  std::sort(hashes.begin(), hashes.end());
  CHECK(e->column("SELECT code_hash FROM pin_codes WHERE placement = 'pl1' ORDER BY code_hash") ==
        hashes);

  using server::CodeUse;
  CHECK(expect_ok(s.use_pin_code("pl1", codes[0], "so1:h1", kT0 + 1)) == CodeUse::fresh);
  CHECK(expect_ok(s.use_pin_code("pl1", codes[0], "so1:h1", kT0 + 2)) == CodeUse::used_by_this);
  CHECK(expect_ok(s.use_pin_code("pl1", codes[0], "so2:h2", kT0 + 3)) == CodeUse::used_by_other);
  std::string unknown = "00000000";
  while (std::find(codes.begin(), codes.end(), unknown) != codes.end()) unknown[7]++;
  CHECK(expect_ok(s.use_pin_code("pl1", unknown, "so3:h3", kT0 + 4)) == CodeUse::unknown);
  CHECK(expect_ok(s.use_pin_code("pl2", codes[1], "so3:h3", kT0 + 4)) == CodeUse::unknown);
  CHECK(e->column("SELECT used_for FROM pin_codes WHERE used_ms IS NOT NULL") ==
        std::vector<std::string>{"so1:h1"});

  // A new list voids the old one, used or not.
  const auto fresh = expect_ok(s.issue_pin_codes("pl1", 10, kT0 + 5));
  std::string old_unused;
  for (const auto& c : codes)
    if (c != codes[0] && std::find(fresh.begin(), fresh.end(), c) == fresh.end()) old_unused = c;
  REQUIRE(!old_unused.empty());
  CHECK(expect_ok(s.use_pin_code("pl1", old_unused, "so4:h4", kT0 + 6)) == CodeUse::unknown);
  CHECK(expect_ok(s.use_pin_code("pl1", fresh[3], "so4:h4", kT0 + 6)) == CodeUse::fresh);
  CHECK(e->column("SELECT count(*) FROM pin_codes WHERE placement = 'pl1'") ==
        std::vector<std::string>{"10"});
  CHECK(expect_ok(s.pin("pl1"))->issued_ms == kT0 + 5);
}

TEST_CASE(
    "auth contract: a wrong code counts once per attempt and locks the placement at the "
    "limit") {
  const std::string engine = GENERATE(as<std::string>{}, "sqlite", "postgres");
  INFO(engine);
  auto e = test::make_auth_engine(engine);
  server::AuthStore& s = e->store();
  expect_ok(s.issue_pin_codes("pl1", 10, kT0));
  CHECK_FALSE(expect_ok(s.attempt_seen("h1", "pl1", kT0)));
  CHECK(expect_ok(s.attempt_seen("h1", "pl1", kT0 + 1)));
  CHECK_FALSE(expect_ok(s.attempt_seen("h2", "pl1", kT0 + 1)));

  for (int i = 1; i <= 4; ++i) {
    auto r = expect_ok(s.pin_failed("pl1", 5, kT0 + i));
    CHECK(r.failed == i);
    CHECK(r.locked_ms == 0);
  }
  expect_ok(s.pin_succeeded("pl1"));
  CHECK(expect_ok(s.pin("pl1"))->failed == 0);
  for (int i = 1; i <= 4; ++i) CHECK(expect_ok(s.pin_failed("pl1", 5, kT0 + 10 + i)).failed == i);
  auto locked = expect_ok(s.pin_failed("pl1", 5, kT0 + 100));
  CHECK(locked.failed == 5);
  CHECK(locked.locked_ms == kT0 + 100);
  auto later = expect_ok(s.pin_failed("pl1", 5, kT0 + 200));
  CHECK(later.failed == 6);
  CHECK(later.locked_ms == kT0 + 100);  // locked once, at the fifth
  expect_ok(s.pin_succeeded("pl1"));    // a locked placement keeps its count
  CHECK(expect_ok(s.pin("pl1"))->failed == 6);
  CHECK(expect_ok(s.pin("pl1"))->secret_hex == later.secret_hex);

  expect_ok(s.issue_pin_codes("pl1", 10, kT0 + 300));  // a reset clears failures and lock
  auto reset = expect_ok(s.pin("pl1"));
  CHECK(reset->failed == 0);
  CHECK(reset->locked_ms == 0);
  CHECK(reset->secret_hex != later.secret_hex);
  check_refused(s.pin_failed("nope", 5, kT0), WX_NOT_FOUND, "placement nope has no PIN");
}

TEST_CASE("auth contract: the outbox keeps one note per sign-off and retries the unsent ones") {
  const std::string engine = GENERATE(as<std::string>{}, "sqlite", "postgres");
  INFO(engine);
  auto e = test::make_auth_engine(engine);
  server::AuthStore& s = e->store();
  expect_ok(s.queue_notification(note("sup1", "so1", "a@school.nl", kT0)));
  auto twice = note("sup1", "so1", "other@school.nl", kT0 + 9);
  expect_ok(s.queue_notification(twice));  // a no-op
  expect_ok(s.queue_notification(note("sup1", "so2", "", kT0 + 1)));
  expect_ok(s.queue_notification(note("sup2", "so3", "c@school.nl", kT0 + 2)));

  auto mine = expect_ok(s.notifications_for("sup1"));
  REQUIRE(mine.size() == 2);
  CHECK(mine[0].id == 1);
  CHECK(mine[1].id == 2);
  CHECK(mine[0].signoff == "so1");
  CHECK(mine[0].email == "a@school.nl");
  CHECK(mine[0].subject == "Aftekening so1");
  CHECK(mine[0].body == "Namens u afgetekend.");
  CHECK(mine[0].placement == "pl1");
  CHECK(mine[0].created_ms == kT0);
  CHECK(mine[0].sent_ms == 0);
  CHECK(mine[0].disputed_ms == 0);
  CHECK(mine[0].attempts == 0);
  CHECK(mine[0].last_error == "");
  CHECK(expect_ok(s.notifications_for("sup2"))[0].id == 3);

  CHECK(signoffs(expect_ok(s.due_notifications(kT0 + 5, 10))) ==
        std::vector<std::string>{"so1", "so3"});  // so2 has no address
  CHECK(signoffs(expect_ok(s.due_notifications(kT0 + 5, 1))) == std::vector<std::string>{"so1"});
  CHECK(signoffs(expect_ok(s.due_notifications(kT0 + 1, 10))) == std::vector<std::string>{"so1"});
  expect_ok(s.notification_failed(1, "smtp down", kT0 + 60));
  CHECK(signoffs(expect_ok(s.due_notifications(kT0 + 59, 10))) == std::vector<std::string>{"so3"});
  CHECK(signoffs(expect_ok(s.due_notifications(kT0 + 60, 10))) ==
        std::vector<std::string>{"so1", "so3"});
  auto failed = expect_ok(s.notifications_for("sup1"))[0];
  CHECK(failed.attempts == 1);
  CHECK(failed.last_error == "smtp down");
  expect_ok(s.notification_sent(1, kT0 + 61));
  auto sent = expect_ok(s.notifications_for("sup1"))[0];
  CHECK(sent.sent_ms == kT0 + 61);
  CHECK(sent.attempts == 2);
  CHECK(sent.last_error == "");
  CHECK(signoffs(expect_ok(s.due_notifications(kT0 + 100, 10))) == std::vector<std::string>{"so3"});
  expect_ok(s.notification_disputed("so1", kT0 + 70));
  expect_ok(s.notification_disputed("so1", kT0 + 80));
  CHECK(expect_ok(s.notifications_for("sup1"))[0].disputed_ms == kT0 + 70);
}

TEST_CASE("auth contract: the audit log lists events in order, by target, and prunes old ones") {
  const std::string engine = GENERATE(as<std::string>{}, "sqlite", "postgres");
  INFO(engine);
  auto e = test::make_auth_engine(engine);
  server::AuthStore& s = e->store();
  expect_ok(s.audit(kT0 + 2, "mentor", "pin_issued", "pl1", "10 codes"));
  expect_ok(s.audit(kT0 + 1, "sup", "pin_wrong", "pl2"));  // listed as logged, not by time
  expect_ok(s.audit(kT0 + 3, "admin", "pin_reset", "pl1"));
  auto all = expect_ok(s.audit_entries(""));
  REQUIRE(all.size() == 3);
  CHECK(all[0].at_ms == kT0 + 2);
  CHECK(all[0].actor == "mentor");
  CHECK(all[0].action == "pin_issued");
  CHECK(all[0].target == "pl1");
  CHECK(all[0].detail == "10 codes");
  CHECK(all[1].action == "pin_wrong");
  CHECK(all[1].detail == "");
  CHECK(all[2].action == "pin_reset");
  auto pl1 = expect_ok(s.audit_entries("pl1"));
  REQUIRE(pl1.size() == 2);
  CHECK(pl1[1].actor == "admin");
  CHECK(expect_ok(s.audit_entries("pl3")).empty());
  CHECK(expect_ok(s.prune_audit_log(kT0 + 2)) == 1);
  CHECK(expect_ok(s.prune_audit_log(kT0 + 2)) == 0);
  CHECK(expect_ok(s.audit_entries("")).size() == 2);
}

TEST_CASE("auth contract: one live admin token per label, hashed, revoked by label") {
  const std::string engine = GENERATE(as<std::string>{}, "sqlite", "postgres");
  INFO(engine);
  auto e = test::make_auth_engine(engine);
  server::AuthStore& s = e->store();
  const std::string bad_label = "an admin token needs a label of 1 to 64 characters";
  check_refused(s.create_admin_token("", "", kT0), WX_INVALID_ARGUMENT, bad_label);
  check_refused(s.create_admin_token(std::string(65, 'x'), "", kT0), WX_INVALID_ARGUMENT,
                bad_label);
  const std::string first = expect_ok(s.create_admin_token("nightly", "", kT0));
  CHECK(first.rfind("wxa_", 0) == 0);
  CHECK(first.size() == 68);
  CHECK(expect_ok(s.authenticate_admin(first)).label == "nightly");
  const std::string second = expect_ok(s.create_admin_token("nightly", "", kT0 + 1));
  check_refused(s.authenticate_admin(first), WX_UNAUTHENTICATED, "not a valid admin token");
  CHECK(expect_ok(s.authenticate_admin(second)).label == "nightly");
  const std::string backup = expect_ok(s.create_admin_token("backup", "", kT0 + 2));
  CHECK(e->column("SELECT token_hash FROM admin_tokens WHERE label = 'backup'") ==
        std::vector<std::string>{sha256_hex(backup)});
  expect_ok(s.revoke_admin_tokens("nightly", kT0 + 3));
  check_refused(s.authenticate_admin(second), WX_UNAUTHENTICATED, "not a valid admin token");
  CHECK(expect_ok(s.authenticate_admin(backup)).label == "backup");
  CHECK(expect_ok(s.authenticate_admin(backup)).for_deployment());
  check_refused(s.revoke_admin_tokens("nightly", kT0 + 4), WX_NOT_FOUND,
                "no live admin token 'nightly'");
  check_refused(s.authenticate_admin("wxa_nope"), WX_UNAUTHENTICATED, "not a valid admin token");
}

TEST_CASE("auth contract: an admin token acts for its school, or for the deployment") {
  const std::string engine = GENERATE(as<std::string>{}, "sqlite", "postgres");
  INFO(engine);
  auto e = test::make_auth_engine(engine);
  server::AuthStore& s = e->store();
  const std::string a = expect_ok(s.create_admin_token("nightly-a", "school-a", kT0));
  const std::string b = expect_ok(s.create_admin_token("nightly-b", "school-b", kT0));
  const std::string all = expect_ok(s.create_admin_token("operator", "", kT0));
  server::AdminPrincipal who = expect_ok(s.authenticate_admin(a));
  CHECK(who.label == "nightly-a");
  CHECK(who.school == "school-a");
  CHECK_FALSE(who.for_deployment());
  CHECK(expect_ok(s.authenticate_admin(b)).school == "school-b");
  CHECK(expect_ok(s.authenticate_admin(all)).for_deployment());
  // A new token for the label keeps to what it is given, not to the revoked one's school.
  const std::string again = expect_ok(s.create_admin_token("nightly-a", "", kT0 + 1));
  check_refused(s.authenticate_admin(a), WX_UNAUTHENTICATED, "not a valid admin token");
  CHECK(expect_ok(s.authenticate_admin(again)).for_deployment());
}

TEST_CASE("auth contract: the epoch is made once and changes only when renewed") {
  const std::string engine = GENERATE(as<std::string>{}, "sqlite", "postgres");
  INFO(engine);
  auto e = test::make_auth_engine(engine);
  server::AuthStore& s = e->store();
  const std::string first = expect_ok(s.epoch());
  CHECK(first.size() == 16);
  CHECK(is_hex(first));
  CHECK(expect_ok(s.epoch()) == first);
  expect_ok(s.renew_epoch());
  const std::string renewed = expect_ok(s.epoch());
  CHECK(renewed.size() == 16);
  CHECK(renewed != first);
  CHECK(expect_ok(s.epoch()) == renewed);
  CHECK(e->column("SELECT value FROM server_meta WHERE key = 'epoch'") ==
        std::vector<std::string>{renewed});
}

TEST_CASE("auth contract: a scheduled run is claimed once a day, by whoever asks first") {
  const std::string engine = GENERATE(as<std::string>{}, "sqlite", "postgres");
  INFO(engine);
  auto e = test::make_auth_engine(engine);
  server::AuthStore& s = e->store();
  CHECK(expect_ok(s.claim_run("nightly", "2026-12-04")));
  CHECK_FALSE(expect_ok(s.claim_run("nightly", "2026-12-04")));  // the second process
  CHECK_FALSE(expect_ok(s.claim_run("nightly", "2026-12-03")));  // a clock behind: not again
  CHECK(expect_ok(s.claim_run("other", "2026-12-04")));          // another job is its own
  CHECK(expect_ok(s.claim_run("nightly", "2026-12-05")));
  CHECK_FALSE(expect_ok(s.claim_run("nightly", "2026-12-05")));
  CHECK(e->column("SELECT value FROM server_meta WHERE key = 'run:nightly'") ==
        std::vector<std::string>{"2026-12-05"});
}

TEST_CASE("auth contract: key revocations wait in key order until applied, first reason kept") {
  const std::string engine = GENERATE(as<std::string>{}, "sqlite", "postgres");
  INFO(engine);
  auto e = test::make_auth_engine(engine);
  server::AuthStore& s = e->store();
  CHECK(expect_ok(s.pending_key_revocations()).empty());
  expect_ok(s.queue_key_revocation("k2", "lost phone", kT0));
  expect_ok(s.queue_key_revocation("K1", "left school", kT0 + 1));
  expect_ok(s.queue_key_revocation("k2", "another reason", kT0 + 2));
  auto pending = expect_ok(s.pending_key_revocations());
  REQUIRE(pending.size() == 2);
  CHECK(pending[0].key_id == "K1");  // byte order: upper case first
  CHECK(pending[0].reason == "left school");
  CHECK(pending[0].requested_ms == kT0 + 1);
  CHECK(pending[1].key_id == "k2");
  CHECK(pending[1].reason == "lost phone");
  CHECK(pending[1].requested_ms == kT0);
  expect_ok(s.key_revocation_applied("k2", kT0 + 3));
  pending = expect_ok(s.pending_key_revocations());
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].key_id == "K1");
  expect_ok(s.queue_key_revocation("k2", "again", kT0 + 4));  // applied stays applied
  CHECK(expect_ok(s.pending_key_revocations()).size() == 1);
}
