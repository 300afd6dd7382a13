// Supervisor sign-off through the CLI: the QR hand-over between two offline phones (payload
// strings on the command line), bundles exchanged by file afterwards, and tampered payloads.
#include <catch2/catch.hpp>

#include "process.hpp"
#include "test_support.hpp"
#include "werkex/signoff.hpp"

using nlohmann::json;
using werkex::test::Device;
using werkex::test::expect_failure;

namespace {

constexpr int kUsage = 2, kInvalid = 11;
const std::string kAdmin = "0190a000-0000-7000-8000-0000000000ad";
const std::string kCounsellor = "0190a000-0000-7000-8000-0000000000c0";

// The roster made as the server would (admin, then counsellor), handed to both phones as a
// bundle file; Ans's phone gets its signing key as enrolment would have left it.
struct School {
  werkex::test::TempDir dir;
  Device school{dir.file("school.db")}, sem{dir.file("sem.db")}, ans{dir.file("ans.db")};
  std::string pupil, supervisor, placement, act, exp1, exp2;

  std::string put(const Device& d, const json& doc) { return d.ok({"put", "--json", doc.dump()}); }

  School() {
    school.ok({"init", "--user", kAdmin, "--role", "admin", "--school-bucket", "school:demo"});
    std::string s = put(school, {{"type", "school"}, {"name", "De Brug"}});
    pupil = put(school, {{"type", "person"}, {"name", "Sem"}, {"role", "pupil"}, {"school", s}});
    supervisor =
        put(school, {{"type", "person"}, {"name", "Ans"}, {"role", "supervisor"}, {"school", s}});
    werkex::SigningKey key = werkex::test::expect_ok(werkex::generate_signing_key());
    put(school, {{"type", "signing_key"},
                 {"person", supervisor},
                 {"public_key", key.public_key},
                 {"key_id", key.key_id},
                 {"registered_at", "2026-11-01T09:00:00Z"}});
    school.ok(
        {"init", "--user", kCounsellor, "--role", "counsellor", "--school-bucket", "school:demo"});
    std::string company = put(school, {{"type", "company"}, {"name", "Bakkerij"}});
    placement = put(school, {{"type", "placement"},
                             {"pupil", pupil},
                             {"company", company},
                             {"supervisor", supervisor},
                             {"start_date", "2026-11-01"},
                             {"end_date", "2026-12-01"},
                             {"kind", "snuffelstage"}});
    school.ok({"export", "--out", dir.file("roster.json")});
    sem.ok({"init", "--user", pupil, "--role", "pupil", "--school-bucket", "school:demo"});
    ans.ok({"init", "--user", supervisor, "--role", "supervisor", "--bucket", "pupil:" + pupil,
            "--school-bucket", "school:demo"});
    sem.ok({"import", dir.file("roster.json")});
    ans.ok({"import", dir.file("roster.json")});
    {
      werkex::ManualClockSource clock(werkex::test::kStartMillis);
      auto phone = werkex::test::open_replica(
          ans.db(), clock, {supervisor, "supervisor", "pupil:" + pupil, "school:demo"});
      werkex::test::expect_ok(phone->set_setting("signing.secret_key", key.secret_key));
      werkex::test::expect_ok(phone->set_setting("signing.key_id", key.key_id));
    }
    act = sem.ok({"activity", "--kind", "snuffelstage", "--title", "Bakkerij"});
    exp1 = sem.ok({"experience", "--activity", act, "--at", "2026-11-30T07:30:00Z", "--note",
                   "Deeg gekneed"});
    exp2 = sem.ok({"experience", "--activity", act, "--at", "2026-11-30T12:00:00Z", "--note",
                   "Klanten geholpen"});
  }

  // Offline sync by file, both ways.
  void swap_bundles() {
    sem.ok({"export", "--out", dir.file("sem.json")});
    ans.ok({"export", "--out", dir.file("ans.json")});
    ans.ok({"import", dir.file("sem.json")});
    sem.ok({"import", dir.file("ans.json")});
  }

  std::string handed_over_signature() {
    auto req = sem.run({"sign-request", exp1, exp2, "--date", "2026-11-30"});
    REQUIRE(req.exit_code == 0);
    std::string request = req.out.substr(0, req.out.size() - 1);
    CHECK(request.rfind("werkex-sign:v1:", 0) == 0);
    CHECK_THAT(req.err, Catch::Contains(std::to_string(request.size()) + " bytes"));
    return ans.ok({"sign", request, "--hours", "6", "--attendance", "aanwezig", "--assessment",
                   "Werkt netjes"});
  }
};

}  // namespace

TEST_CASE_METHOD(School, "signoff: QR hand-over offline, then both phones swap bundles",
                 "[cli][signoff]") {
  std::string sig = handed_over_signature();
  CHECK(sig.rfind("werkex-sig:v1:", 0) == 0);
  std::string id = sem.ok({"sign-accept", sig});
  json st = sem.ok_json({"signoff-status", id});
  CHECK(st == json({{"id", id},
                    {"state", "valid"},
                    {"method", "key"},
                    {"reason", ""},
                    {"changed", json::array()}}));
  CHECK(sem.ok_json({"get", id})["assessment"] == "Werkt netjes");
  json cycle = sem.ok_json({"cycle", act});
  CHECK(cycle["signoff"] == "valid");
  CHECK(cycle["signed_off"] == true);

  swap_bundles();
  CHECK(ans.ok_json({"signoff-status", id}) == st);
  CHECK(ans.dump() == sem.dump());

  // The pupil edits a signed entry: stale on both phones once they have swapped again.
  sem.ok({"put", "--json", json{{"id", exp2}, {"note", "Klanten geholpen en kassa"}}.dump()});
  json stale = sem.ok_json({"signoff-status", id});
  CHECK(stale["state"] == "stale");
  CHECK(stale["changed"] == json({exp2}));
  cycle = sem.ok_json({"cycle", act});
  CHECK(cycle["signoff"] == "stale");
  CHECK(cycle["signed_off"] == false);  // a stale sign-off signs nothing off
  swap_bundles();
  CHECK(ans.ok_json({"signoff-status", id}) == stale);

  ans.ok({"signoff-revoke", id, "--reason", "verkeerde dag"});
  swap_bundles();
  json all = sem.ok_json({"signoff-status"});
  REQUIRE(all.size() == 1);
  CHECK(all[0]["state"] == "revoked");
  CHECK_THAT(all[0]["reason"].get<std::string>(), Catch::Contains("verkeerde dag"));
  CHECK(sem.ok_json({"cycle", act})["signoff"] == "revoked");
}

TEST_CASE_METHOD(School, "signoff: PIN sign-off on the pupil's phone is pending until verified",
                 "[cli][signoff][pin]") {
  expect_failure(sem.run({"sign-pin", exp1, "--date", "2026-11-30"}), kUsage, "usage",
                 {"'--pin' is required"});
  std::string id =
      sem.ok({"sign-pin", exp1, "--pin", "482913", "--date", "2026-11-30", "--hours", "4.5"});
  json st = sem.ok_json({"signoff-status", id});
  CHECK(st["state"] == "pending");
  CHECK(st["method"] == "pin");
  json doc = sem.ok_json({"get", id});
  CHECK(doc["hours"] == 4.5);
  CHECK_FALSE(doc.contains("pin_proof"));  // nothing derived from the code replicates
  json cycle = sem.ok_json({"cycle", act});
  CHECK(cycle["signoff"] == "pending");
  CHECK(cycle["signed_off"] == false);  // not until the server has checked the code
}

TEST_CASE_METHOD(School, "signoff: tampered or mistyped payloads are refused clearly",
                 "[cli][signoff][errors]") {
  std::string sig = handed_over_signature();
  auto refused = [&](const std::string& payload, const std::string& needle) {
    std::string before = sem.dump();
    expect_failure(sem.run({"sign-accept", payload}), kInvalid, "invalid_argument",
                   {"signature payload", needle});
    CHECK(sem.dump() == before);
  };
  refused("werkex-sig:v2:" + sig.substr(14), "does not start with werkex-sig:v1:");
  std::string bad = sig;
  bad[40] = '$';
  refused(bad, "base64url");
  refused(sig.substr(0, sig.size() - 30), "(damaged or cut off?)");
  refused("werkex-sig:v1:", "nothing after the prefix");
  expect_failure(ans.run({"sign", "werkex-sign:v1:AAAA", "--hours", "6"}), kInvalid,
                 "invalid_argument", {"sign request payload", "CBOR"});
  expect_failure(ans.run({"sign", exp1, "--hours", "6"}), kUsage, "usage", {"--date is required"});
  expect_failure(ans.run({"sign", exp1, "--date", "2026-11-30", "--hours", "zes"}), kUsage, "usage",
                 {"--hours: expected a number"});
  expect_failure(ans.run({"sign", exp1, "--date", "2026-13-01"}), kInvalid, "invalid_argument",
                 {"not a date"});
  // Intact, it still goes in.
  CHECK(sem.ok({"sign-accept", sig}).size() == 36);
}
