// Supervisor sign-off through the CLI: the QR hand-over between two offline phones (payload
// strings on the command line), bundles exchanged by file afterwards, and tampered payloads.
#include <catch2/catch.hpp>

#include "signoff_school.hpp"

using nlohmann::json;
using werkex::test::Device;
using werkex::test::expect_failure;

namespace {

constexpr int kUsage = 2, kInvalid = 11;
using signoff_school::School;

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
