// The account-less PIN sign-off on the pupil's phone, checked by the real server at sync
// (issues 4 and 10 item 11: one-time codes only the server can check), and POST /v1/keys
// from the attacker's side.
#include <algorithm>
#include <cstdio>
#include <set>

#include "signoff_support.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

// Runs werkex-admin and returns every line it printed.
std::vector<std::string> admin_lines(const std::string& data, const std::string& args) {
  std::string cmd = std::string(WERKEX_ADMIN) + admin_store_args(data) + args;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::vector<std::string> out;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) {
    std::string line = buf;
    while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
    out.push_back(line);
  }
  REQUIRE(pclose(p) == 0);
  return out;
}

// A PIN sign-off of `exp` typed on Sem's phone, pushed at once (through `via` if given); the
// sync's report.
std::pair<std::string, SyncReport> pin_signoff(Device& sem, const std::string& exp,
                                               const std::string& code, Transport* via = nullptr) {
  Statement st;
  st.hours = 4;
  st.attendance = "aanwezig";
  std::string id = expect_ok(Signoffs(*sem.replica).sign_with_pin({exp}, st, code));
  CHECK(state_on(sem, id) == "pending");  // the phone cannot check a code
  CHECK(expect_ok(unsent_pin_codes(*sem.replica)).count(id) == 1);
  SyncReport r = expect_ok(SyncSession(*sem.replica, via ? *via : sem.transport).run());
  // Answered, right or wrong: the code has left the phone.
  CHECK(expect_ok(unsent_pin_codes(*sem.replica)).empty());
  return {id, r};
}

// What replicates of a PIN sign-off: the statement, the entries' hash and the server's
// marks, and the signed entries' canonical content (signed_content: what the pupil's phone
// already holds, kept to show a stale sign-off's old text). Nothing in it is a function of the
// code, so nothing can test a guess offline.
void holds_nothing_of_the_code(Device& d, const std::string& id,
                               const std::vector<std::string>& codes) {
  static const std::set<std::string> kFields = {
      "placement",   "covers",     "content_hash",   "statement_date", "attendance",
      "hours",       "assessment", "signer",         "method",         "signed_at",
      "verified_at", "revoked_at", "revoked_reason", "signed_content"};
  json doc = expect_ok(d.replica->get(id));
  for (const Change& c : expect_ok(d.replica->field_states(id))) {
    INFO(c.field);
    CHECK(kFields.count(c.field) == 1);
    for (const std::string& code : codes) {
      CHECK(c.state.value.dump().find(code) == std::string::npos);
      CHECK(c.element.dump().find(code) == std::string::npos);
    }
  }
  std::vector<std::string> covers = doc["covers"];
  CHECK(doc["content_hash"] == expect_ok(content_hash(*d.replica, covers)));
}

std::string other_code(const std::string& code, int k) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08d", (std::stoi(code) + 7919 * k) % 100000000);
  return buf;
}

std::string audit_of(const std::string& data, const std::string& target) {
  std::string all;
  for (const std::string& line : admin_lines(data, "audit " + target)) all += line + "\n";
  return all;
}

}  // namespace

TEST_CASE(
    "signoff: a one-time code signs once, is checked only by the server, and never replicates",
    "[integration][signoff][pin][attack][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device mentor(dir.file("mentor.db"), server.url(), server.code("Mevrouw Jansen"));
  std::string exp = record_experience(sem, "Groenten gesneden");
  sem.sync();
  const std::string placement = placement_of(sem, sem.user());
  const std::vector<std::string> codes = admin_lines(data, "pin " + placement);
  REQUIRE(codes.size() == 10);
  REQUIRE(std::set<std::string>(codes.begin(), codes.end()).size() == 10);
  for (const std::string& c : codes) REQUIRE(c.size() == 8);

  // Right: accepted, and the server's verified_at makes it valid everywhere.
  auto [right, report] = pin_signoff(sem, exp, codes[0].substr(0, 4) + " " + codes[0].substr(4));
  CHECK(report.rejected.empty());
  CHECK(expect_ok(sem.replica->get(right)).contains("verified_at"));
  mentor.sync();
  for (Device* d : {&sem, &mentor}) {
    SignoffStatus s = status_on(*d, right);
    CHECK(signoff_state_name(s.state) == std::string("valid"));
    CHECK(s.method == "pin");
    // Offline guessing: neither the pupil's phone nor anyone who syncs the dossier holds
    // anything derived from a code.
    holds_nothing_of_the_code(*d, right, codes);
  }

  // Replay: whoever saw the code typed cannot sign again with it.
  auto [replay, replayed] = pin_signoff(sem, exp, codes[0]);
  CHECK(refusal_of(replayed, replay) == "this one-time code was used already; take the next one");
  CHECK(quarantined(sem, replay));
  // Refused, it left the phone; its status says so instead of waiting for ever.
  CHECK(state_on(sem, replay) == "refused");
  CHECK(sem.replica->get(replay).error().code == WX_NOT_FOUND);
  mentor.sync();
  CHECK(mentor.replica->get(replay).error().code == WX_NOT_FOUND);

  // A proof in the sign-off itself (the v1 form) is refused, whatever it says.
  json v1 = expect_ok(sem.replica->get(right));
  v1["id"] = new_uuid_v7(sem.replica->clock().physical_millis());
  v1.erase("verified_at");
  v1["pin_proof"] = std::string(64, 'a');
  smuggle(sem, v1);
  CHECK_THAT(refusal_of(sem.sync(), v1["id"]), Catch::Contains("carries no pin_proof"));

  // The next code of the list works: each code is single-use, not the list.
  auto [second, ok] = pin_signoff(sem, exp, codes[1]);
  CHECK(ok.rejected.empty());
  CHECK(state_on(sem, second) == "valid");
  CHECK(audit_of(data, placement).find(codes[0]) == std::string::npos);  // never logged
}

TEST_CASE(
    "signoff: wrong codes lock after 5 attempts, a retried push counts once, and "
    "pin-reset issues new codes",
    "[integration][signoff][pin][attack][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  std::string exp = record_experience(sem, "Groenten gesneden");
  sem.sync();
  const std::string placement = placement_of(sem, sem.user());
  const std::vector<std::string> codes = admin_lines(data, "pin " + placement);
  REQUIRE(codes.size() == 10);
  // Every push sent twice, the first answer lost: what a retry after a timeout does.
  int sync_posts = 0;
  CallbackTransport twice([&](const HttpRequest& r) -> Result<HttpResponse> {
    if (r.url.ends_with("/v1/sync")) {
      ++sync_posts;
      auto lost = sem.transport.send(r);
      if (!lost) return lost;
    }
    return sem.transport.send(r);
  });

  std::string wrong = other_code(codes[0], 1);
  for (int k = 1; std::count(codes.begin(), codes.end(), wrong); ++k)
    wrong = other_code(codes[0], k + 1);
  auto [w1, r1] = pin_signoff(sem, exp, wrong, &twice);
  CHECK(sync_posts > 0);
  CHECK(refusal_of(r1, w1) == "wrong code");
  CHECK(quarantined(sem, w1));
  // Four more wrong attempts, each sent twice: counted once each, the fifth locks. Counted
  // twice, the third would already have locked.
  for (int k = 2; k <= 4; ++k) {
    auto [id, r] = pin_signoff(sem, exp, other_code(wrong, k), &twice);
    CHECK(refusal_of(r, id) == "wrong code");
  }
  CHECK_THAT(audit_of(data, placement),
             Catch::Contains("failure 4") && !Catch::Contains("pin_locked"));
  auto [w5, r5] = pin_signoff(sem, exp, other_code(wrong, 5));
  CHECK(refusal_of(r5, w5) == "wrong code");
  CHECK_THAT(server.log(), Catch::Contains("\"event\":\"pin_locked\""));
  auto [locked, rl] = pin_signoff(sem, exp, codes[0]);
  CHECK(refusal_of(rl, locked) ==
        "sign-off codes locked after 5 wrong attempts; ask the school "
        "for new ones");
  CHECK(state_on(sem, locked) == "refused");

  // The school resets: new codes; the old ones, even unused, are refused.
  const std::vector<std::string> fresh = admin_lines(data, "pin-reset " + placement);
  REQUIRE(fresh.size() == 10);
  for (const std::string& c : fresh) CHECK(std::count(codes.begin(), codes.end(), c) == 0);
  auto [old, stale] = pin_signoff(sem, exp, codes[1]);
  CHECK(refusal_of(stale, old) == "wrong code");
  auto [after_reset, ok] = pin_signoff(sem, exp, fresh[0]);
  CHECK(ok.rejected.empty());
  CHECK(state_on(sem, after_reset) == "valid");
  std::string audit = audit_of(data, placement);
  CHECK_THAT(audit, Catch::Contains("pin_issued") && Catch::Contains("pin_failed") &&
                        Catch::Contains("pin_locked") && Catch::Contains("pin_reset") &&
                        Catch::Contains("pin_accepted"));
  for (const std::string& c : codes) CHECK(audit.find(c) == std::string::npos);
  for (const std::string& c : fresh) CHECK(audit.find(c) == std::string::npos);
}

TEST_CASE("signoff: POST /v1/keys refuses bad input and other roles with a precise 4xx",
          "[integration][signoff][validation][pg]") {
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
