// Supervisor sign-off through the real server (issue 4): key registration, online and QR
// sign-offs, staleness, forgeries, ended placements and revoked keys, each checked on every
// replica after sync. The demo school: Ans Bakker supervises Sem (placement running) and
// Aisha (placement ended 60 days ago); Mevrouw Jansen mentors both.
#include "signoff_support.hpp"

using namespace werkex;
using namespace werkex::test;

TEST_CASE("signoff: a supervisor's key registered at enrolment reaches her pupils' phones only",
          "[integration][signoff][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device ans(dir.file("ans.db"), server.url(), server.code("Ans Bakker"));
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device aisha(dir.file("aisha.db"), server.url(), server.code("Aisha"));
  Device noah(dir.file("noah.db"), server.url(), server.code("Noah"));
  const std::string key_id = setting_of(ans, "signing.key_id");
  for (Device* d : {&ans, &sem, &aisha, &noah}) d->sync();

  for (Device* d : {&ans, &sem, &aisha}) {
    auto keys = expect_ok(d->replica->list(Query::where("signing_key", "", "key_id", key_id)));
    REQUIRE(keys.size() == 1);
    CHECK(keys[0]["person"] == ans.user());
    CHECK(keys[0]["public_key"] == setting_of(ans, "signing.public_key"));
    CHECK(keys[0].contains("registered_at"));
  }
  // Noah has no placement with Ans: the school bucket shows him no key.
  Query keys;
  keys.type = "signing_key";
  CHECK(expect_ok(noah.replica->count(keys)) == 0);

  // Registering the same key again is a no-op with the same answer.
  HttpResponse again = raw_request(
      server.url(), "/v1/keys", json{{"public_key", setting_of(ans, "signing.public_key")}}.dump(),
      setting_of(ans, "token"));
  REQUIRE(again.status == 200);
  CHECK(json::parse(again.body)["key_id"] == key_id);
  sem.sync();
  CHECK(expect_ok(sem.replica->count(keys)) == 1);
}

TEST_CASE(
    "signoff: an online sign-off is valid on every replica and stale on every replica after the "
    "pupil edits a covered entry",
    "[integration][signoff][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device ans(dir.file("ans.db"), server.url(), server.code("Ans Bakker"));
  Device mentor(dir.file("mentor.db"), server.url(), server.code("Mevrouw Jansen"));
  std::string exp = record_experience(sem, "Ik heb de lunch voorbereid");
  sem.sync();
  ans.sync();

  Statement st;
  st.date = today_on(ans);
  st.hours = 6;
  st.attendance = "aanwezig";
  st.assessment = "Goed gewerkt, netjes en op tijd.";
  std::string signoff = expect_ok(Signoffs(*ans.replica).sign({exp}, st));
  CHECK(ans.sync().rejected.empty());
  sem.sync();
  mentor.sync();
  for (Device* d : {&sem, &mentor, &ans}) {
    SignoffStatus s = status_on(*d, signoff);
    CHECK(signoff_state_name(s.state) == std::string("valid"));
    CHECK(s.method == "key");
  }

  expect_ok(sem.replica->put({{"id", exp}, {"note", "Ik heb de hele lunch alleen gedaan"}}));
  sem.sync();
  mentor.sync();
  ans.sync();
  for (Device* d : {&sem, &mentor, &ans}) {
    SignoffStatus s = status_on(*d, signoff);
    CHECK(signoff_state_name(s.state) == std::string("stale"));
    CHECK(s.changed == std::vector<std::string>{exp});
  }
}

TEST_CASE("signoff: forged and altered sign-offs are refused with a reason and quarantined",
          "[integration][signoff][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device ans(dir.file("ans.db"), server.url(), server.code("Ans Bakker"));
  Device mentor(dir.file("mentor.db"), server.url(), server.code("Mevrouw Jansen"));
  std::string exp = record_experience(sem, "Afwassen en tafels dekken");
  sem.sync();
  const std::string placement = placement_of(sem, sem.user());
  const std::string key_id = setting_of(ans, "signing.key_id");

  // Sem signs "for Ans" with a key of his own, naming Ans's key id.
  SigningKey fake = expect_ok(generate_signing_key());
  json forged = signed_signoff(sem, placement, {exp}, ans.user(), key_id, fake.secret_key);
  // Ans's real signature, but the hours raised after signing.
  json altered = signed_signoff(sem, placement, {exp}, ans.user(), key_id,
                                setting_of(ans, "signing.secret_key"));
  altered["hours"] = 8;
  // Ans's real key and signature, but naming the mentor as the signer.
  json wrong_signer = signed_signoff(sem, placement, {exp}, mentor.user(), key_id,
                                     setting_of(ans, "signing.secret_key"));
  for (const json* s : {&forged, &altered, &wrong_signer}) smuggle(sem, *s);
  SyncReport r = sem.sync();
  CHECK_THAT(refusal_of(r, forged["id"]), Catch::Contains("signature does not verify"));
  CHECK_THAT(refusal_of(r, altered["id"]), Catch::Contains("signature does not verify"));
  CHECK_THAT(refusal_of(r, wrong_signer["id"]), Catch::Contains("not to the signer"));
  for (const json* s : {&forged, &altered, &wrong_signer}) {
    CHECK(quarantined(sem, (*s)["id"]));
    // Refused, it left Sem's phone too; its status says so and why.
    SignoffStatus st = status_on(sem, (*s)["id"]);
    CHECK(signoff_state_name(st.state) == std::string("refused"));
    CHECK_THAT(st.reason, Catch::Contains(refusal_of(r, (*s)["id"])));
    CHECK(sem.replica->get((*s)["id"]).error().code == WX_NOT_FOUND);
  }
  mentor.sync();
  for (const json* s : {&forged, &altered, &wrong_signer})
    CHECK(mentor.replica->get((*s)["id"]).error().code == WX_NOT_FOUND);

  // A supervisor signs only as herself, even with a correct signature of someone else's key.
  json as_other = signed_signoff(sem, placement, {exp}, mentor.user(), key_id,
                                 setting_of(ans, "signing.secret_key"));
  ans.sync();
  smuggle(ans, as_other);
  CHECK_THAT(refusal_of(ans.sync(), as_other["id"]), Catch::Contains("only as themselves"));
}

TEST_CASE("signoff: a supervisor cannot sign for a placement that ended",
          "[integration][signoff][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device aisha(dir.file("aisha.db"), server.url(), server.code("Aisha"));
  Device ans(dir.file("ans.db"), server.url(), server.code("Ans Bakker"));
  std::string exp = record_experience(aisha, "Banden gewisseld");
  aisha.sync();
  json s = signed_signoff(aisha, placement_of(aisha, aisha.user()), {exp}, ans.user(),
                          setting_of(ans, "signing.key_id"), setting_of(ans, "signing.secret_key"));

  // Handed over to Aisha's phone (as by QR) and pushed from there: outside the placement.
  smuggle(aisha, s);
  CHECK_THAT(refusal_of(aisha.sync(), s["id"]), Catch::Contains("is outside placement"));
  CHECK(quarantined(aisha, s["id"]));
  // Pushed from Ans's phone: Aisha's dossier is closed to her since the placement ended.
  smuggle(ans, s);
  SyncReport r = ans.sync();
  CHECK_THAT(refusal_of(r, s["id"]), Catch::Contains("a supervisor may not write in dossier"));
}

TEST_CASE(
    "signoff: a key revoked with werkex-admin is invalid on every replica and new sign-offs with "
    "it are refused",
    "[integration][signoff][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device ans(dir.file("ans.db"), server.url(), server.code("Ans Bakker"));
  Device mentor(dir.file("mentor.db"), server.url(), server.code("Mevrouw Jansen"));
  std::string exp = record_experience(sem, "Gasten ontvangen");
  sem.sync();
  ans.sync();
  Statement st;
  st.date = today_on(ans);
  std::string signoff = expect_ok(Signoffs(*ans.replica).sign({exp}, st));
  ans.sync();
  sem.sync();
  mentor.sync();
  REQUIRE(state_on(sem, signoff) == "valid");

  const std::string key_id = setting_of(ans, "signing.key_id");
  CHECK_THAT(admin(data, "revoke-key " + key_id + " --reason 'telefoon kwijt'"),
             Catch::Contains("revoked"));
  for (Device* d : {&sem, &mentor, &ans}) d->sync();
  for (Device* d : {&sem, &mentor, &ans}) {
    SignoffStatus s = status_on(*d, signoff);
    CHECK(signoff_state_name(s.state) == std::string("invalid"));
    CHECK_THAT(s.reason, Catch::Contains("revoked") && Catch::Contains("telefoon kwijt"));
  }
  std::string later = expect_ok(Signoffs(*ans.replica).sign({exp}, st));
  CHECK_THAT(refusal_of(ans.sync(), later), Catch::Contains("was revoked"));
  CHECK(quarantined(ans, later));
  CHECK_THAT(admin(data, "audit " + key_id), Catch::Contains("key_registered"));
}

TEST_CASE(
    "signoff: QR hand-over with both phones offline then both sync gives the same status "
    "everywhere",
    "[integration][signoff][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device ans(dir.file("ans.db"), server.url(), server.code("Ans Bakker"));
  Device mentor(dir.file("mentor.db"), server.url(), server.code("Mevrouw Jansen"));
  std::string exp = record_experience(sem, "Vandaag op de bar gestaan");
  for (Device* d : {&ans, &sem}) d->sync();

  // Both phones offline during the hand-over: their server address leads nowhere.
  for (Device* d : {&ans, &sem}) expect_ok(d->replica->set_setting("server", "http://127.0.0.1:9"));
  CHECK_FALSE(sem.try_sync());
  std::string exp2 = record_experience(sem, "Offline: kassa geteld");
  Statement st;
  st.hours = 7.5;
  st.assessment = "Zelfstandig gewerkt.";
  std::string request = expect_ok(Signoffs(*sem.replica).request({exp, exp2}, Statement{}));
  CHECK(request.rfind("werkex-sign:v1:", 0) == 0);
  CHECK(request.size() < 2953);  // fits one QR code (version 40, binary, level L)
  std::string signature = expect_ok(Signoffs(*ans.replica).sign_request(request, st));
  std::string signoff = expect_ok(Signoffs(*sem.replica).accept(signature));
  CHECK(state_on(sem, signoff) == "valid");  // Sem's phone holds Ans's key already

  for (Device* d : {&ans, &sem}) expect_ok(d->replica->set_setting("server", server.url()));
  CHECK(sem.sync().rejected.empty());
  ans.sync();
  mentor.sync();
  for (Device* d : {&sem, &ans, &mentor}) {
    SignoffStatus s = status_on(*d, signoff);
    CHECK(signoff_state_name(s.state) == std::string("valid"));
    CHECK(s.to_json() == status_on(sem, signoff).to_json());
  }
  CHECK(ans.bucket_dump("pupil:" + sem.user()) == sem.bucket_dump("pupil:" + sem.user()));
}
