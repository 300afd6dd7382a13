// The account-less PIN sign-off on the pupil's phone, checked by the real server at sync
// (issue 4), and POST /v1/keys from the attacker's side.
#include <cstdio>

#include "signoff_support.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

// A PIN sign-off of `exp` typed on Sem's phone, pushed at once; the sync's report.
std::pair<std::string, SyncReport> pin_signoff(Device& sem, const std::string& exp,
                                               const std::string& pin) {
  Statement st;
  st.hours = 4;
  st.attendance = "aanwezig";
  std::string id = expect_ok(Signoffs(*sem.replica).sign_with_pin({exp}, st, pin));
  CHECK(state_on(sem, id) == "pending");  // the phone cannot check a PIN
  return {id, sem.sync()};
}

std::string other_pin(const std::string& pin, int k) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%06d", (std::stoi(pin) + k) % 1000000);
  return buf;
}

}  // namespace

TEST_CASE("signoff: a PIN sign-off is verified by the server and wrong PINs are refused and lock",
          "[integration][signoff][pin]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device mentor(dir.file("mentor.db"), server.url(), server.code("Mevrouw Jansen"));
  std::string exp = record_experience(sem, "Groenten gesneden");
  sem.sync();
  const std::string placement = placement_of(sem, sem.user());
  const std::string pin = admin(data, "pin " + placement);
  REQUIRE(pin.size() == 6);

  // Right: accepted, and the server's verified_at makes it valid everywhere.
  auto [right, report] = pin_signoff(sem, exp, pin);
  CHECK(report.rejected.empty());
  CHECK(expect_ok(sem.replica->get(right)).contains("verified_at"));
  mentor.sync();
  for (Device* d : {&sem, &mentor}) {
    SignoffStatus s = status_on(*d, right);
    CHECK(signoff_state_name(s.state) == std::string("valid"));
    CHECK(s.method == "pin");
  }

  // Wrong: refused without a hint, kept in quarantine, never reaches anyone.
  auto [wrong, refused] = pin_signoff(sem, exp, other_pin(pin, 1));
  CHECK(refusal_of(refused, wrong) == "wrong PIN");
  CHECK(quarantined(sem, wrong));
  CHECK(state_on(sem, wrong) == "pending");
  mentor.sync();
  CHECK(mentor.replica->get(wrong).error().code == WX_NOT_FOUND);

  // Brute force: the fifth wrong PIN locks the placement; then even the right one is refused.
  for (int k = 2; k <= 5; ++k) {
    auto [id, r] = pin_signoff(sem, exp, other_pin(pin, k));
    CHECK(refusal_of(r, id) == "wrong PIN");
  }
  auto [locked, r] = pin_signoff(sem, exp, pin);
  CHECK(refusal_of(r, locked) == "PIN locked after 5 failed attempts; ask the school to reset it");
  CHECK_FALSE(expect_ok(sem.replica->get(locked)).contains("verified_at"));
  CHECK_THAT(server.log(), Catch::Contains("\"event\":\"pin_locked\""));

  // The school resets it; the lock and the failures are in the audit log.
  admin(data, "pin-reset " + placement);
  auto [after_reset, ok] = pin_signoff(sem, exp, pin);
  CHECK(ok.rejected.empty());
  CHECK(state_on(sem, after_reset) == "valid");
  std::string cmd = std::string(WERKEX_ADMIN) + " --data " + data + " audit " + placement;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::string audit;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) audit += buf;
  CHECK(pclose(p) == 0);
  CHECK_THAT(audit, Catch::Contains("pin_issued") && Catch::Contains("pin_failed") &&
                        Catch::Contains("pin_locked") && Catch::Contains("pin_reset") &&
                        Catch::Contains("pin_accepted"));
  CHECK(audit.find(pin) == std::string::npos);  // the PIN itself is never logged

  // A new PIN replaces the old one: the old PIN is wrong from then on.
  const std::string new_pin = admin(data, "pin " + placement);
  if (new_pin != pin) {
    auto [old, stale_pin] = pin_signoff(sem, exp, pin);
    CHECK(refusal_of(stale_pin, old) == "wrong PIN");
  }
}

TEST_CASE("signoff: POST /v1/keys refuses bad input and other roles with a precise 4xx",
          "[integration][signoff][validation]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device ans(dir.file("ans.db"), server.url(), server.code("Ans Bakker"));
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  const std::string token = setting_of(ans, "token");
  const std::string pk = setting_of(ans, "signing.public_key");
  auto check = [&](const std::string& body, const std::string& who, int status,
                   const std::string& code, const std::string& words) {
    HttpResponse r = raw_request(server.url(), "/v1/keys", body, who);
    INFO(body << " -> " << r.status << " " << r.body);
    CHECK(r.status == status);
    json j = json::parse(r.body, nullptr, false);
    REQUIRE(j.is_object());
    CHECK(j["error"]["code"] == code);
    CHECK_THAT(r.body, Catch::Contains(words));
  };
  std::string upper = pk;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  check(json{{"public_key", std::string(64, 'z')}}.dump(), token, 400, "invalid_argument",
        "not lowercase hex");
  check(json{{"public_key", upper}}.dump(), token, 400, "invalid_argument", "not lowercase hex");
  check(json{{"public_key", pk.substr(0, 62)}}.dump(), token, 400, "invalid_argument",
        "has 62 characters");
  check(json{{"public_key", "01" + std::string(62, '0')}}.dump(), token, 400, "invalid_argument",
        "not an Ed25519 public key");
  check(json{{"public_key", pk}, {"person", sem.user()}}.dump(), token, 400, "invalid_argument",
        "unknown key 'person'");
  check(json{{"public_key", 42}}.dump(), token, 400, "invalid_argument", "not a string");
  check("{}", token, 400, "invalid_argument", "'public_key' is missing");
  check("[]", token, 400, "invalid_argument", "not an object");
  check("{\"public_key\":", token, 400, "invalid_argument", "not valid JSON");
  SigningKey fresh = expect_ok(generate_signing_key());
  check(json{{"public_key", fresh.public_key}}.dump(), setting_of(sem, "token"), 403,
        "permission_denied", "only a supervisor");
  check(json{{"public_key", fresh.public_key}}.dump(), "", 401, "unauthenticated", "Bearer");

  // Nothing of that reached anyone; a second device's key is a second key of Ans.
  sem.sync();
  Query keys;
  keys.type = "signing_key";
  CHECK(expect_ok(sem.replica->count(keys)) == 1);
  HttpResponse second =
      raw_request(server.url(), "/v1/keys", json{{"public_key", fresh.public_key}}.dump(), token);
  CHECK(second.status == 200);
  CHECK(json::parse(second.body)["key_id"] == fresh.key_id);
  sem.sync();
  CHECK(expect_ok(sem.replica->count(keys)) == 2);
}
