// The AuthStore contract on both engines (auth_store.hpp): enrolment codes, device tokens, wipe
// orders, the access log and staff sign-in behave alike on SQLite and on PostgreSQL, with the
// same error codes and messages, and only hashes of tokens and codes are stored. The sign-off
// codes, outbox, audit log, admin tokens, epoch and key revocations are in
// auth_store_contract_signoff_test.cpp; two PostgreSQL processes on one database in
// auth_store_pg_processes_test.cpp.
#include <set>

#include "auth_engines.hpp"
#include "werkex/blob_store.hpp"  // sha256_hex

using namespace werkex;
using test::expect_ok;

namespace {

constexpr uint64_t kT0 = test::kStartMillis;
constexpr uint64_t kMinute = 60 * 1000;
constexpr uint64_t kHour = 60 * kMinute;
constexpr uint64_t kDay = 24 * kHour;
const std::string kDevA = "00000000000000a1", kDevB = "00000000000000b2",
                  kDevC = "00000000000000c3";
const std::string kRefused = "this enrolment code is unknown, used or expired";

// What a person types: lower case, spaces, the dash moved.
std::string as_typed(const std::string& code) {
  std::string out;
  for (char c : code)
    if (c != '-') out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return out.substr(0, 3) + " " + out.substr(3, 4) + "-" + out.substr(7);
}

std::string enrol(server::AuthStore& s, const std::string& person, const std::string& device,
                  uint64_t now_ms) {
  std::string code = expect_ok(s.create_invite(person, 24, now_ms));
  auto [token, who] = expect_ok(s.redeem_invite(code, device, now_ms));
  REQUIRE(who == person);
  return token;
}

template <typename R>
void check_refused(const R& r, ErrorCode code, const std::string& message) {
  REQUIRE_FALSE(r);
  CHECK(r.error().code == code);
  CHECK(r.error().message == message);
}

}  // namespace

TEST_CASE(
    "auth contract: an enrolment code enrols once, and a used, expired or unknown one is refused") {
  const std::string engine = GENERATE(as<std::string>{}, "sqlite", "postgres");
  INFO(engine);
  auto e = test::make_auth_engine(engine);
  server::AuthStore& s = e->store();
  const std::string code = expect_ok(s.create_invite("p1", 24, kT0));
  REQUIRE(code.size() == 11);
  CHECK(code[5] == '-');
  CHECK(e->column("SELECT code_hash FROM invites") ==
        std::vector<std::string>{sha256_hex(server::normalise_code(code))});

  auto [token, person] = expect_ok(s.redeem_invite(as_typed(code), kDevA, kT0 + 1));
  CHECK(person == "p1");
  CHECK(token.rfind("wx_", 0) == 0);
  CHECK(token.size() == 67);
  CHECK(e->column("SELECT token_hash FROM devices") == std::vector<std::string>{sha256_hex(token)});
  server::Device d = expect_ok(s.authenticate(token, kT0 + 2, 30 * kDay));
  CHECK(d.device_id == kDevA);
  CHECK(d.replica == 0xa1);
  CHECK(d.person == "p1");
  CHECK(d.token_key == sha256_hex(token).substr(0, 16));

  check_refused(s.redeem_invite(code, kDevB, kT0 + 3), WX_UNAUTHENTICATED, kRefused);
  check_refused(s.redeem_invite("ABCDE-FGHJK", kDevB, kT0 + 3), WX_UNAUTHENTICATED, kRefused);
  // Valid for an hour: refused at the hour, and the refusal did not use it up.
  const std::string hour = expect_ok(s.create_invite("p2", 1, kT0));
  check_refused(s.redeem_invite(hour, kDevB, kT0 + kHour), WX_UNAUTHENTICATED, kRefused);
  CHECK(expect_ok(s.redeem_invite(hour, kDevB, kT0 + kHour - 1)).second == "p2");
  CHECK(e->column("SELECT count(*) FROM invites WHERE used_ms IS NOT NULL") ==
        std::vector<std::string>{"2"});
}

TEST_CASE(
    "auth contract: enrolling a replica id again replaces its token, and another person's "
    "enrolment is refused with the code left unused") {
  const std::string engine = GENERATE(as<std::string>{}, "sqlite", "postgres");
  INFO(engine);
  auto e = test::make_auth_engine(engine);
  server::AuthStore& s = e->store();
  const std::string first = enrol(s, "p1", kDevA, kT0);
  const std::string again = enrol(s, "p1", kDevA, kT0 + 1);
  check_refused(s.authenticate(first, kT0 + 2, 30 * kDay), WX_UNAUTHENTICATED,
                "this device's token was revoked: enrol again");
  CHECK(expect_ok(s.authenticate(again, kT0 + 2, 30 * kDay)).person == "p1");

  const std::string code = expect_ok(s.create_invite("p2", 24, kT0));
  check_refused(s.redeem_invite(code, kDevA, kT0 + 3), WX_CONFLICT,
                "replica id " + kDevA +
                    " is already enrolled for another person; a new device picks a fresh "
                    "replica id (the code was not used up)");
  CHECK(expect_ok(s.invite_person(code, kT0 + 4)) == "p2");
  CHECK(expect_ok(s.redeem_invite(code, kDevB, kT0 + 4)).second == "p2");
  CHECK(expect_ok(s.persons_of_device(kDevA)) == std::vector<std::string>{"p1"});
  CHECK(expect_ok(s.persons_of_device(kDevB)) == std::vector<std::string>{"p2"});
  CHECK(expect_ok(s.persons_of_device(kDevC)).empty());
  CHECK(e->column("SELECT count(*) FROM devices WHERE revoked_ms IS NULL") ==
        std::vector<std::string>{"2"});
}

TEST_CASE(
    "auth contract: invites for many people keep their order, and revoking by origin ends the "
    "unused ones") {
  const std::string engine = GENERATE(as<std::string>{}, "sqlite", "postgres");
  INFO(engine);
  auto e = test::make_auth_engine(engine);
  server::AuthStore& s = e->store();
  // More people than one statement takes, and names with quotes, commas and braces.
  std::vector<std::string> persons;
  for (int i = 0; i < 1201; ++i) persons.push_back("p" + std::to_string(i));
  persons[7] = "o'brien, \"x\" \\ {a,b}";
  const auto codes = expect_ok(s.create_invites(persons, 24, kT0, "demo"));
  REQUIRE(codes.size() == persons.size());
  CHECK(std::set<std::string>(codes.begin(), codes.end()).size() == codes.size());
  CHECK(expect_ok(s.invite_person(codes[7], kT0)) == persons[7]);
  CHECK(expect_ok(s.invite_person(codes[1200], kT0)) == "p1200");
  CHECK(expect_ok(s.redeem_invite(codes[1], kDevA, kT0)).second == "p1");

  const std::string other = expect_ok(s.create_invite("q", 24, kT0));
  CHECK(expect_ok(s.revoke_invites("demo", kT0 + 5)) == 1200);
  CHECK(expect_ok(s.revoke_invites("demo", kT0 + 6)) == 0);
  check_refused(s.redeem_invite(codes[0], kDevB, kT0 + 7), WX_UNAUTHENTICATED, kRefused);
  CHECK(expect_ok(s.invite_person(other, kT0 + 7)) == "q");
  CHECK(e->column("SELECT count(*) FROM invites WHERE origin IS NULL") ==
        std::vector<std::string>{"1"});
}

TEST_CASE("auth contract: a device token is refused when unknown, revoked or idle too long") {
  const std::string engine = GENERATE(as<std::string>{}, "sqlite", "postgres");
  INFO(engine);
  auto e = test::make_auth_engine(engine);
  server::AuthStore& s = e->store();
  const uint64_t idle = 30 * kDay;
  const std::string token = enrol(s, "p1", kDevA, kT0);
  check_refused(s.authenticate("wx_nope", kT0, idle), WX_UNAUTHENTICATED,
                "unknown device token: enrol this device again");
  // Last seen is written at most hourly; idle expiry counts from it.
  CHECK(expect_ok(s.authenticate(token, kT0 + 30 * kMinute, idle)).person == "p1");
  CHECK(e->column("SELECT coalesce(last_seen_ms, 0) FROM devices") ==
        std::vector<std::string>{"0"});
  CHECK(expect_ok(s.authenticate(token, kT0 + idle, idle)).person == "p1");
  CHECK(e->column("SELECT last_seen_ms FROM devices") ==
        std::vector<std::string>{std::to_string(kT0 + idle)});
  CHECK(expect_ok(s.authenticate(token, kT0 + 2 * idle, idle)).person == "p1");
  check_refused(s.authenticate(token, kT0 + 4 * idle + 1, idle), WX_UNAUTHENTICATED,
                "this device's token expired after 30 days without a sync: enrol again (its "
                "changes stay queued)");

  const std::string other = enrol(s, "p1", kDevB, kT0);
  const std::string third = enrol(s, "p2", kDevC, kT0);
  expect_ok(s.revoke_token(other, kT0 + 1));
  check_refused(s.authenticate(other, kT0 + 2, idle), WX_UNAUTHENTICATED,
                "this device's token was revoked: enrol again");
  expect_ok(s.revoke_person_devices("p1", kT0 + 3));
  CHECK_FALSE(s.authenticate(token, kT0 + 3, idle));
  CHECK(expect_ok(s.authenticate(third, kT0 + 3, idle)).person == "p2");
  // A revocation keeps its first time.
  CHECK(e->column("SELECT revoked_ms FROM devices WHERE device_id = '" + kDevB + "'") ==
        std::vector<std::string>{std::to_string(kT0 + 1)});
}

TEST_CASE(
    "auth contract: a wipe order revokes the person's devices, revoked ones too, and "
    "spares devices enrolled later") {
  const std::string engine = GENERATE(as<std::string>{}, "sqlite", "postgres");
  INFO(engine);
  auto e = test::make_auth_engine(engine);
  server::AuthStore& s = e->store();
  const std::string old_phone = enrol(s, "p1", kDevA, kT0);
  const std::string phone = enrol(s, "p1", kDevB, kT0);
  const std::string someone = enrol(s, "p2", "00000000000000d4", kT0);
  expect_ok(s.revoke_token(old_phone, kT0 + 1));
  expect_ok(s.order_wipe("p1", kT0 + 10));
  CHECK(expect_ok(s.wipe_ordered(old_phone)));
  CHECK(expect_ok(s.wipe_ordered(phone)));
  CHECK_FALSE(expect_ok(s.wipe_ordered(someone)));
  CHECK_FALSE(expect_ok(s.wipe_ordered("wx_unknown")));
  check_refused(s.authenticate(phone, kT0 + 11, kDay), WX_UNAUTHENTICATED,
                "this device's token was revoked: enrol again");
  CHECK(e->column("SELECT revoked_ms FROM devices WHERE person = 'p1' ORDER BY revoked_ms") ==
        std::vector<std::string>{std::to_string(kT0 + 1), std::to_string(kT0 + 10)});
  const std::string new_phone = enrol(s, "p1", kDevC, kT0 + 20);
  CHECK_FALSE(expect_ok(s.wipe_ordered(new_phone)));
  CHECK(expect_ok(s.authenticate(new_phone, kT0 + 21, kDay)).person == "p1");
  expect_ok(s.order_wipe("p1", kT0 + 30));  // the earlier order keeps its time
  CHECK(e->column("SELECT wipe_ms FROM devices WHERE person = 'p1' ORDER BY wipe_ms") ==
        std::vector<std::string>{std::to_string(kT0 + 10), std::to_string(kT0 + 10),
                                 std::to_string(kT0 + 30)});
}

TEST_CASE("auth contract: the access log counts reads, lists the newest oldest first, prunes") {
  const std::string engine = GENERATE(as<std::string>{}, "sqlite", "postgres");
  INFO(engine);
  auto e = test::make_auth_engine(engine);
  server::AuthStore& s = e->store();
  expect_ok(s.log_read(kT0 + 1, "p1", kDevA, "pupil:a", 3));
  expect_ok(s.log_read(kT0 + 2, "p1", kDevA, "pupil:a", 0, "blobhash"));
  expect_ok(s.log_read(kT0 + 2, "p2", kDevB, "pupil:b", 1));
  expect_ok(s.log_read(kT0 + 3, "p1", "web:/leerling", "pupil:a", 5));
  expect_ok(s.log_read(kT0 + 3, "p1", kDevA, "pupil:a", 6));
  CHECK(expect_ok(s.count_reads("pupil:a")) == 4);
  CHECK(expect_ok(s.count_reads("pupil:b")) == 1);
  CHECK(expect_ok(s.count_reads("pupil:c")) == 0);
  auto all = expect_ok(s.reads("pupil:a"));
  REQUIRE(all.size() == 4);
  CHECK(all[0].at_ms == kT0 + 1);
  CHECK(all[0].person == "p1");
  CHECK(all[0].device == kDevA);
  CHECK(all[0].bucket == "pupil:a");
  CHECK(all[0].changes == 3);
  CHECK(all[0].blob == "");
  CHECK(all[1].blob == "blobhash");
  CHECK(all[1].changes == 0);
  CHECK(all[2].device == "web:/leerling");
  CHECK(all[3].changes == 6);
  auto newest = expect_ok(s.reads("pupil:a", 2));
  REQUIRE(newest.size() == 2);
  CHECK(newest[0].changes == 5);  // same time: in the order they were logged
  CHECK(newest[1].changes == 6);
  CHECK(expect_ok(s.prune_access_log(kT0 + 2)) == 1);
  CHECK(expect_ok(s.prune_access_log(kT0 + 2)) == 0);
  CHECK(expect_ok(s.count_reads("pupil:a")) == 3);
  CHECK(expect_ok(s.count_reads("pupil:b")) == 1);
}

TEST_CASE(
    "auth contract: a read the log cannot take is buffered, written before later ones, "
    "and refused only when the buffer is full") {
  const std::string engine = GENERATE(as<std::string>{}, "sqlite", "postgres");
  INFO(engine);
  auto e = test::make_auth_engine(engine);
  server::AuthStore& s = e->store();
  s.set_max_buffered_reads(2);
  e->block_access_log(true);
  expect_ok(s.log_read(kT0 + 1, "p1", kDevA, "pupil:a", 1));
  CHECK(s.buffered_reads() == 1);
  expect_ok(s.log_read(kT0 + 2, "p1", kDevA, "pupil:a", 2, "blob"));
  CHECK(s.buffered_reads() == 2);
  auto full = s.log_read(kT0 + 3, "p1", kDevA, "pupil:a", 3);
  REQUIRE_FALSE(full);
  CHECK(full.error().code == WX_UNAVAILABLE);
  const std::string& m = full.error().message;
  CHECK(m.rfind("the server cannot record this read in its access log (", 0) == 0);
  const bool names_cause = m.find("disk is full") != std::string::npos ||
                           m.find("No space left on device") != std::string::npos;
  CHECK(names_cause);
  CHECK(m.ends_with("), so it does not serve it; retry later"));
  CHECK(s.buffered_reads() == 2);
  CHECK_FALSE(s.count_reads("pupil:a"));  // it writes the buffer first, and cannot
  CHECK(e->column("SELECT count(*) FROM access_log") == std::vector<std::string>{"0"});

  e->block_access_log(false);
  expect_ok(s.log_read(kT0 + 4, "p1", kDevA, "pupil:a", 4));
  CHECK(s.buffered_reads() == 0);
  auto rows = expect_ok(s.reads("pupil:a"));
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].at_ms == kT0 + 1);
  CHECK(rows[1].at_ms == kT0 + 2);
  CHECK(rows[1].blob == "blob");
  CHECK(rows[2].at_ms == kT0 + 4);
}

TEST_CASE("auth contract: staff sign in with a code once, and sessions end when idle or old") {
  const std::string engine = GENERATE(as<std::string>{}, "sqlite", "postgres");
  INFO(engine);
  auto e = test::make_auth_engine(engine);
  server::AuthStore& s = e->store();
  const uint64_t idle = 30 * kMinute, max_age = server::kStaffSessionMaxAgeMs;
  const std::string code = expect_ok(s.create_invite("mentor-a", 24, kT0));
  CHECK(expect_ok(s.invite_person(as_typed(code), kT0)) == "mentor-a");
  CHECK(expect_ok(s.invite_person(code, kT0)) == "mentor-a");  // looking does not use it up
  check_refused(s.invite_person("ABCDE-FGHJK", kT0), WX_UNAUTHENTICATED, kRefused);
  auto tokens = expect_ok(s.redeem_staff_invite(code, kT0));
  CHECK(tokens.token.rfind("wxs_", 0) == 0);
  CHECK(tokens.csrf.size() == 64);
  CHECK(e->column("SELECT token_hash FROM staff_sessions") ==
        std::vector<std::string>{sha256_hex(tokens.token)});
  check_refused(s.redeem_staff_invite(code, kT0 + 1), WX_UNAUTHENTICATED, kRefused);
  check_refused(s.invite_person(code, kT0 + 1), WX_UNAUTHENTICATED, kRefused);
  check_refused(s.redeem_invite(code, kDevA, kT0 + 1), WX_UNAUTHENTICATED, kRefused);

  auto seen = expect_ok(s.staff_session(tokens.token, kT0 + 1000, idle, max_age));
  CHECK(seen.person == "mentor-a");
  CHECK(seen.csrf == tokens.csrf);
  CHECK(seen.created_ms == kT0);
  CHECK(seen.last_seen_ms == kT0);  // touched at most every 5 s
  CHECK(expect_ok(s.staff_session(tokens.token, kT0 + 6000, idle, max_age)).last_seen_ms ==
        kT0 + 6000);
  CHECK(e->column("SELECT last_seen_ms FROM staff_sessions") ==
        std::vector<std::string>{std::to_string(kT0 + 6000)});
  check_refused(s.staff_session(tokens.token, kT0 + 6000 + idle, idle, max_age), WX_UNAUTHENTICATED,
                "de sessie is verlopen: log opnieuw in");
  check_refused(s.staff_session(tokens.token, kT0 + 6000, idle, max_age), WX_UNAUTHENTICATED,
                "niet ingelogd (of de sessie is beëindigd)");

  // Used all day long, a session still ends at its maximum age.
  auto busy = expect_ok(s.create_staff_session("mentor-b", kT0));
  for (uint64_t t = kT0 + 20 * kMinute; t < kT0 + max_age; t += 20 * kMinute)
    REQUIRE(s.staff_session(busy.token, t, idle, max_age));
  check_refused(s.staff_session(busy.token, kT0 + max_age, idle, max_age), WX_UNAUTHENTICATED,
                "de sessie is verlopen: log opnieuw in");

  auto laptop = expect_ok(s.create_staff_session("mentor-c", kT0));
  auto phone = expect_ok(s.create_staff_session("mentor-c", kT0 + 13 * kHour));
  auto desk = expect_ok(s.create_staff_session("mentor-d", kT0 + 13 * kHour));
  CHECK(expect_ok(s.prune_staff_sessions(kT0 + kHour)) == 1);  // laptop's
  CHECK_FALSE(s.staff_session(laptop.token, kT0 + 13 * kHour, idle, max_age));
  expect_ok(s.end_staff_session(desk.token));
  check_refused(s.staff_session(desk.token, kT0 + 13 * kHour, idle, max_age), WX_UNAUTHENTICATED,
                "niet ingelogd (of de sessie is beëindigd)");
  CHECK(s.staff_session(phone.token, kT0 + 13 * kHour, idle, max_age));
  expect_ok(s.end_person_staff_sessions("mentor-c"));
  CHECK_FALSE(s.staff_session(phone.token, kT0 + 13 * kHour, idle, max_age));
  CHECK(e->column("SELECT count(*) FROM staff_sessions") == std::vector<std::string>{"0"});
}

TEST_CASE("auth contract: staff passwords are Argon2id hashes, checked, replaced, bounded") {
  const std::string engine = GENERATE(as<std::string>{}, "sqlite", "postgres");
  INFO(engine);
  auto e = test::make_auth_engine(engine);
  server::AuthStore& s = e->store();
  check_refused(s.set_staff_password("m", "too short", kT0), WX_INVALID_ARGUMENT,
                "een wachtwoord heeft minstens 10 tekens");
  check_refused(s.set_staff_password("m", std::string(201, 'x'), kT0), WX_INVALID_ARGUMENT,
                "een wachtwoord heeft hoogstens 200 tekens");
  CHECK_FALSE(expect_ok(s.check_staff_password("m", "correct horse battery")));
  expect_ok(s.set_staff_password("m", "correct horse battery", kT0));
  CHECK(expect_ok(s.check_staff_password("m", "correct horse battery")));
  CHECK_FALSE(expect_ok(s.check_staff_password("m", "correct horse batterY")));
  CHECK_FALSE(expect_ok(s.check_staff_password("other", "correct horse battery")));
  expect_ok(s.set_staff_password("m", "staple in the battery", kT0 + 1));
  CHECK_FALSE(expect_ok(s.check_staff_password("m", "correct horse battery")));
  CHECK(expect_ok(s.check_staff_password("m", "staple in the battery")));
  auto stored = e->column("SELECT hash FROM staff_passwords");
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].rfind("$argon2id$", 0) == 0);
  CHECK(e->column("SELECT set_ms FROM staff_passwords") ==
        std::vector<std::string>{std::to_string(kT0 + 1)});
}
