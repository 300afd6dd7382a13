// Sign-off: canonical content, signatures, the derived status on every replica, PIN proofs.
#include <algorithm>

#include "signoff_world.hpp"
#include "werkex/sync_session.hpp"

using namespace werkex;
using test::expect_ok;
using test::state_of;

TEST_CASE("signoff: canonical content and hash are equal on replicas that converged",
          "[signoff][canonical]") {
  test::SignoffWorld w;
  // The pupil's tablet edits the same experience concurrently with the phone.
  auto tablet =
      test::open_replica(w.dir.file("tablet.db"), w.clock, test::pupil_identity(w.pupil_id));
  test::send(*w.pupil, *tablet);
  expect_ok(w.pupil->put({{"id", w.exp1}, {"note", "Deeg gekneed, oven aan"}}));
  expect_ok(tablet->put({{"id", w.exp1}, {"emotion", "trots"}, {"competencies", {"netwerken"}}}));
  auto c = test::open_replica(w.dir.file("c.db"), w.clock, test::pupil_identity(w.pupil_id));
  auto d = test::open_replica(w.dir.file("d.db"), w.clock, test::pupil_identity(w.pupil_id));
  test::send(*w.pupil, *c);
  test::send(*tablet, *c);
  test::send(*tablet, *d);
  test::send(*w.pupil, *d);
  test::send(*w.pupil, *d);  // duplicates change nothing

  std::vector<std::string> ids = {w.exp2, w.exp1, w.activity};
  std::string hc = expect_ok(content_hash(*c, ids));
  CHECK(hc.size() == 64);
  CHECK(expect_ok(content_hash(*d, ids)) == hc);
  CHECK(expect_ok(content_hash(*d, {w.activity, w.exp1, w.exp2})) == hc);  // any order
  CHECK(expect_ok(canonical_content(*c, w.exp1)).dump() ==
        expect_ok(canonical_content(*d, w.exp1)).dump());
  // The phone has not seen the tablet's edit: its content differs.
  CHECK(expect_ok(content_hash(*w.pupil, ids)) != hc);

  json cc = expect_ok(canonical_content(*c, w.exp1));
  CHECK(cc["id"] == w.exp1);
  CHECK(cc["type"] == "experience");
  CHECK(cc["fields"]["note"]["v"] == "Deeg gekneed, oven aan");
  CHECK(cc["fields"]["competencies"]["v"] == json({"netwerken"}));
  CHECK(cc["fields"]["note"]["t"].get<std::string>().rfind("2026-11-30T", 0) == 0);
  CHECK_FALSE(cc["fields"].contains("_conflicts"));
  CHECK(cc.dump().rfind("{\"fields\":{\"activity\":{\"t\":", 0) == 0);  // sorted, no spaces
  expect_ok(c->remove(w.exp2));
  json gone = expect_ok(canonical_content(*c, w.exp2));
  CHECK(gone["fields"].size() == 1);
  CHECK(gone["fields"]["deleted"]["v"] == true);
}

TEST_CASE("signoff: signed with the supervisor's key, valid on both replicas",
          "[signoff][roundtrip]") {
  test::SignoffWorld w;
  std::string id = w.signed_by_ans();
  json doc = expect_ok(w.ans->get(id));
  CHECK(doc["method"] == "key");
  CHECK(doc["key_id"] == w.ans_key.key_id);
  CHECK(doc["signature"].get<std::string>().size() == 128);
  CHECK(doc["bucket"] == "pupil:" + w.pupil_id);
  CHECK(doc["placement"] == w.placement);
  CHECK(doc["hours"] == 6);
  CHECK(expect_ok(check_signoff_authority(*w.ans, doc).is_ok() ? Result<bool>(true)
                                                               : Result<bool>(false)));
  SignoffStatus st = expect_ok(signoff_status(*w.ans, id));
  CHECK(st.state == SignoffState::valid);
  CHECK(st.method == "key");
  CHECK(st.reason.empty());
  test::exchange(*w.ans, *w.pupil);
  CHECK(state_of(*w.pupil, id) == "valid");
  CHECK(expect_ok(signoff_status(*w.pupil, id)).to_json() ==
        json({{"state", "valid"}, {"method", "key"}, {"reason", ""}, {"changed", json::array()}}));
}

TEST_CASE("signoff: an edit after signing makes it stale on every replica, naming the entry",
          "[signoff][stale]") {
  test::SignoffWorld w;
  std::string id = w.signed_by_ans();
  test::exchange(*w.ans, *w.pupil);
  REQUIRE(state_of(*w.pupil, id) == "valid");
  w.clock.advance(60000);
  expect_ok(w.pupil->put({{"id", w.exp2}, {"note", "Klanten geholpen (en de kassa gedaan)"}}));
  SignoffStatus st = expect_ok(signoff_status(*w.pupil, id));
  CHECK(st.state == SignoffState::stale);
  CHECK(st.changed == std::vector<std::string>{w.exp2});
  CHECK_THAT(st.reason, Catch::Contains(w.exp2) && Catch::Contains("note"));
  test::exchange(*w.pupil, *w.ans);
  SignoffStatus there = expect_ok(signoff_status(*w.ans, id));
  CHECK(there.state == SignoffState::stale);
  CHECK(there.changed == st.changed);
  // An uncovered entry may change freely.
  expect_ok(w.pupil->put({{"id", w.activity}, {"title", "Bakkerij, dag 2"}}));
  CHECK(expect_ok(signoff_status(*w.pupil, id)).changed == st.changed);
}

TEST_CASE("signoff: forged, foreign-key, wrong-signer and out-of-period sign-offs are invalid",
          "[signoff][invalid]") {
  test::SignoffWorld w;
  std::string id = w.signed_by_ans();
  const json good = expect_ok(w.ans->get(id));
  REQUIRE(check_signoff_authority(*w.ans, good));
  auto reason = [&](const json& s) {
    Status st = check_signoff_authority(*w.ans, s);
    REQUIRE_FALSE(st.is_ok());
    return st.error().message;
  };
  auto resigned = [&](json s, const SigningKey& key) {
    s["key_id"] = key.key_id;
    s["signature"] = expect_ok(sign_message(key.secret_key, signoff_message(s)));
    return s;
  };

  json forged = good;
  forged["hours"] = 8;  // the statement changed after signing
  CHECK_THAT(reason(forged), Catch::Contains("signature does not verify"));
  json flipped = good;
  std::string sig = good["signature"];
  sig[10] = sig[10] == '0' ? '1' : '0';
  flipped["signature"] = sig;
  CHECK_THAT(reason(flipped), Catch::Contains("signature does not verify"));
  // Bert signs in Ans's name with his own key.
  CHECK_THAT(reason(resigned(good, w.bert_key)), Catch::Contains("belongs to " + w.bert_id));
  // Bert signs as himself for a placement that is not his.
  json as_bert = good;
  as_bert["signer"] = w.bert_id;
  CHECK_THAT(reason(resigned(as_bert, w.bert_key)),
             Catch::Contains("is not the supervisor of placement"));
  // A key the school never registered.
  SigningKey stranger = expect_ok(generate_signing_key());
  CHECK_THAT(reason(resigned(good, stranger)), Catch::Contains("unknown key " + stranger.key_id));
  // The placement ended 2026-12-01: its last day may be signed, no day after it (the grace
  // days are for signing the placement's days, issue 10 item 12).
  json late = good;
  late["statement_date"] = "2026-12-01";
  CHECK(check_signoff_authority(*w.ans, resigned(late, w.ans_key)));
  late["statement_date"] = "2026-12-02";
  CHECK_THAT(reason(resigned(late, w.ans_key)), Catch::Contains("outside placement"));
  late["statement_date"] = "2026-12-15";
  CHECK_THAT(reason(resigned(late, w.ans_key)), Catch::Contains("outside placement"));
  late["statement_date"] = "2026-10-31";
  CHECK_THAT(reason(resigned(late, w.ans_key)), Catch::Contains("outside placement"));
  json other_pupil = good;
  other_pupil["bucket"] = "pupil:0190a000-0000-7000-8000-00000000beef";
  CHECK_THAT(reason(other_pupil), Catch::Contains("is not a placement of"));

  // Stored, a forgery shows as invalid with its reason on every replica.
  json stored = forged;
  stored["id"] = "0190a000-0000-7000-8000-00000000f0f0";
  stored["signature"] = expect_ok(sign_message(w.bert_key.secret_key, signoff_message(stored)));
  expect_ok(w.ans->create(stored).status());
  test::exchange(*w.ans, *w.pupil);
  SignoffStatus st = expect_ok(signoff_status(*w.pupil, stored["id"]));
  CHECK(st.state == SignoffState::invalid);
  CHECK_THAT(st.reason, Catch::Contains("signature does not verify"));
  CHECK(state_of(*w.pupil, id) == "valid");
}

TEST_CASE("signoff: a revoked key invalidates its sign-offs once the revocation syncs",
          "[signoff][invalid][revoked]") {
  test::SignoffWorld w;
  std::string id = w.signed_by_ans();
  test::exchange(*w.ans, *w.pupil);
  REQUIRE(state_of(*w.pupil, id) == "valid");
  expect_ok(w.school->put({{"id", w.ans_key_entity},
                           {"revoked_at", "2026-11-29T08:00:00Z"},
                           {"revoked_reason", "lost"}}));
  test::send(*w.school, *w.pupil);
  SignoffStatus st = expect_ok(signoff_status(*w.pupil, id));
  CHECK(st.state == SignoffState::invalid);
  CHECK_THAT(st.reason, Catch::Contains("revoked") && Catch::Contains("lost"));
  CHECK(state_of(*w.ans, id) == "valid");  // Ans's phone has not heard yet
  test::send(*w.school, *w.ans);
  CHECK(state_of(*w.ans, id) == "invalid");
}

TEST_CASE("signoff: a revoked sign-off is revoked everywhere and cannot be deleted",
          "[signoff][revoked]") {
  test::SignoffWorld w;
  std::string id = w.signed_by_ans();
  Signoffs ans(*w.ans);
  CHECK(ans.revoke(id, "").code() == WX_INVALID_ARGUMENT);
  expect_ok(ans.revoke(id, "verkeerde dag"));
  CHECK(ans.revoke(id, "nog eens").code() == WX_CONFLICT);
  test::exchange(*w.ans, *w.pupil);
  SignoffStatus st = expect_ok(signoff_status(*w.pupil, id));
  CHECK(st.state == SignoffState::revoked);
  CHECK_THAT(st.reason, Catch::Contains("verkeerde dag"));
  CHECK(w.ans->remove(id).code() == WX_PERMISSION_DENIED);
  CHECK(w.pupil->remove(id).code() == WX_PERMISSION_DENIED);
}

TEST_CASE("signoff: a pupil's phone stores only signed or PIN sign-offs", "[signoff][roles]") {
  test::SignoffWorld w;
  json plain = {{"type", "signoff"},
                {"placement", w.placement},
                {"covers", {w.exp1}},
                {"content_hash", std::string(64, 'c')},
                {"statement_date", "2026-11-28"},
                {"signer", w.ans_id},
                {"method", "key"}};
  Error e = w.pupil->put(plain).error();
  CHECK(e.code == WX_PERMISSION_DENIED);
  CHECK_THAT(e.message, Catch::Contains("a pupil may not write a sign-off"));
  plain["method"] = "pin";
  plain["pin_proof"] = std::string(64, 'a');  // the v1 proof, testable offline: never again
  CHECK(w.pupil->put(plain).error().code == WX_PERMISSION_DENIED);
  plain.erase("pin_proof");
  std::string id = expect_ok(w.pupil->put(plain));
  // …and never amends one.
  CHECK(w.pupil->put({{"id", id}, {"hours", 3}}).error().code == WX_PERMISSION_DENIED);
  CHECK(w.pupil->put({{"id", id}, {"revoked_at", "2026-11-29T08:00:00Z"}}).error().code ==
        WX_PERMISSION_DENIED);
}

TEST_CASE(
    "signoff: PIN sign-off: nothing derived from the code replicates - the code stays "
    "local until the server has it",
    "[signoff][pin]") {
  test::SignoffWorld w;
  Signoffs phone(*w.pupil);
  CHECK(phone.sign_with_pin({w.exp1}, w.day(), "12a4").status().code() == WX_INVALID_ARGUMENT);
  CHECK(phone.sign_with_pin({w.exp1}, w.day(), "12345").status().code() == WX_INVALID_ARGUMENT);
  std::string id = expect_ok(phone.sign_with_pin({w.exp1, w.exp2}, w.day(), "4829-1375"));
  json doc = expect_ok(w.pupil->get(id));
  CHECK(doc["method"] == "pin");
  CHECK(doc["signer"] == w.ans_id);
  CHECK_FALSE(doc.contains("signature"));
  CHECK_FALSE(doc.contains("verified_at"));
  // Offline guessing needs something computed from the code: every replicated field is the
  // statement, or the content hash of the entries alone.
  CHECK_FALSE(doc.contains("pin_proof"));
  CHECK(doc["content_hash"] == expect_ok(content_hash(*w.pupil, {w.exp1, w.exp2})));
  Bundle all = expect_ok(w.pupil->changes_since(0, 10000));
  for (const Change& c : all.changes)
    CHECK(c.state.value.dump().find("48291375") == std::string::npos);
  // The code waits beside it, outside every entity, for the next sync.
  auto codes = expect_ok(unsent_pin_codes(*w.pupil));
  REQUIRE(codes.size() == 1);
  CHECK(codes[id] == "48291375");
  SignoffStatus st = expect_ok(signoff_status(*w.pupil, id));
  CHECK(st.state == SignoffState::pending);
  CHECK(st.method == "pin");
  CHECK_THAT(st.reason, Catch::Contains("not verified"));
  // A proof in the sign-off makes it invalid on every replica.
  json v1 = doc;
  v1["pin_proof"] = std::string(64, 'a');
  CHECK_THAT(check_signoff_authority(*w.pupil, v1).error().message,
             Catch::Contains("carries no pin_proof"));
  // The server accepted it and wrote verified_at; it syncs back.
  auto server =
      test::open_replica(w.dir.file("server.db"), w.clock,
                         test::role_identity("admin", "", "0190a000-0000-7000-8000-0000000000ad"));
  test::send(*w.school, *server);
  test::send(*w.pupil, *server);
  // A bundle carries no code: the replica it reaches has none to send.
  CHECK(expect_ok(unsent_pin_codes(*server)).empty());
  expect_ok(server->put({{"id", id}, {"verified_at", "2026-11-28T16:00:00Z"}}));
  expect_ok(forget_pin_codes(*w.pupil, {id}));
  CHECK(expect_ok(unsent_pin_codes(*w.pupil)).empty());
  test::send(*server, *w.pupil);
  CHECK(state_of(*w.pupil, id) == "valid");
  w.clock.advance(1000);
  expect_ok(w.pupil->put({{"id", w.exp1}, {"note", "anders"}}));
  CHECK(state_of(*w.pupil, id) == "stale");
}

TEST_CASE("signoff: enrolling a supervisor's device makes and registers its signing key",
          "[signoff][enroll]") {
  test::TempDir dir;
  ManualClockSource clock(test::kStartMillis);
  ReplicaOptions options;
  options.clock = &clock;
  auto r = expect_ok(Replica::open(dir.file("ans.db"), options));
  expect_ok(r->set_setting("server", "http://school.test"));
  std::string registered;
  int key_status = 200;
  CallbackTransport t([&](const HttpRequest& req) -> Result<HttpResponse> {
    HttpResponse res{200, {{"Content-Type", "application/json"}}, ""};
    json body = json::parse(req.body);
    if (req.url.ends_with("/v1/enroll")) {
      res.body = json({{"token", "tok"},
                       {"user", "0190a000-0000-7000-8000-0000000000b1"},
                       {"role", "supervisor"},
                       {"bucket", ""},
                       {"school_bucket", "school:demo"}})
                     .dump();
    } else if (req.url.ends_with("/v1/keys")) {
      CHECK(std::count(req.headers.begin(), req.headers.end(),
                       std::make_pair(std::string("Authorization"), std::string("Bearer tok"))) ==
            1);
      registered = body["public_key"];
      res.status = key_status;
      res.body = key_status == 200 ? json({{"key_id", signing_key_id(registered)}}).dump()
                                   : R"({"error":{"code":"unavailable","message":"try later"}})";
    }
    return res;
  });
  SyncSession session(*r, t);
  key_status = 503;
  CHECK(session.enroll("CODE").code() == WX_UNAVAILABLE);
  std::string first = registered;
  key_status = 200;
  expect_ok(session.enroll("CODE"));
  CHECK(registered == first);  // the key made on the failed attempt is kept
  CHECK(expect_ok(r->setting("signing.key_id")).value() == signing_key_id(registered));
  std::string secret = expect_ok(r->setting("signing.secret_key")).value();
  std::string sig = expect_ok(sign_message(secret, "x"));
  CHECK(verify_message(registered, "x", sig));
}
