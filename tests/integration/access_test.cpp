// Access from the attacker's side: what one person must not get at through the real server.
#include "devices.hpp"
#include "werkex/dossier.hpp"
#include "werkex/ids.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

// A hand-made request, as a malicious or broken client would send it.
HttpResponse raw(const std::string& url, const std::string& path, const std::string& body,
                 const std::string& token, const std::string& method = "POST") {
  CurlTransport t(quick_curl());
  HttpRequest req{method, url + path, {{"Content-Type", "application/json"}}, body};
  if (!token.empty()) req.headers.emplace_back("Authorization", "Bearer " + token);
  return expect_ok(t.send(req));
}

std::string error_code_of(const HttpResponse& r) {
  json j = json::parse(r.body, nullptr, false);
  REQUIRE(j.is_object());
  return j["error"]["code"].get<std::string>();
}

}  // namespace

TEST_CASE("access: pupil A can neither read nor write pupil B's dossier",
          "[integration][access][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device aisha(dir.file("aisha.db"), server.url(), server.code("Aisha"));
  const std::string sem_bucket = "pupil:" + sem.user();
  ActivityPlan plan;
  plan.kind = "beroepsstage";
  plan.title = "geheim";
  std::string act = expect_ok(Dossier(*sem.replica).plan_activity(plan));
  sem.sync();
  aisha.sync();

  // Nothing of Sem's dossier, and of the school only what concerns Aisha.
  auto buckets = expect_ok(aisha.replica->buckets());
  CHECK(std::find(buckets.begin(), buckets.end(), sem_bucket) == buckets.end());
  CHECK(aisha.replica->get(act).error().code == WX_NOT_FOUND);
  CHECK(aisha.replica->get(sem.user()).error().code == WX_NOT_FOUND);  // Sem's roster entry
  Query placements;
  placements.type = "placement";
  for (const json& p : expect_ok(aisha.replica->list(placements)))
    CHECK(p["pupil"] == aisha.user());

  // Asking for Sem's bucket by cursor gets it revoked, not served.
  std::string token = expect_ok(aisha.replica->setting("token")).value();
  protocol::SyncRequest req;
  req.replica = aisha.replica->replica_id();
  req.schema_version = 1;
  req.cursors[sem_bucket] = 0;
  req.push.from_replica = req.replica;
  HttpResponse r = raw(server.url(), "/v1/sync", protocol::to_json(req).dump(), token);
  REQUIRE(r.status == 200);
  json answer = json::parse(r.body);
  CHECK(answer["revoked"] == json::array({sem_bucket}));
  CHECK_FALSE(answer["buckets"].contains(sem_bucket));

  // Writing into Sem's dossier is refused, change by change, and changes nothing there.
  Change forged{act,
                "activity",
                sem_bucket,
                "title",
                json(),
                lww_write("gehackt", {Hlc::from_parts(aisha.replica->clock().physical_millis(), 0),
                                      req.replica})};
  req.cursors.clear();
  req.push.changes = {forged};
  req.push.upto_seq = 1;
  r = raw(server.url(), "/v1/sync", protocol::to_json(req).dump(), token);
  REQUIRE(r.status == 200);
  answer = json::parse(r.body);
  REQUIRE(answer["push"]["rejected"].size() == 1);
  CHECK(answer["push"]["rejected"][0]["code"] == "permission_denied");
  sem.sync();
  CHECK(expect_ok(sem.replica->get(act))["title"] == "geheim");

  // Someone else's token for Aisha's device id, or no token at all: 401 with a JSON error.
  std::string sem_token = expect_ok(sem.replica->setting("token")).value();
  CHECK(raw(server.url(), "/v1/sync", protocol::to_json(req).dump(), sem_token).status == 403);
  HttpResponse none = raw(server.url(), "/v1/sync", "{}", "");
  CHECK(none.status == 401);
  CHECK(error_code_of(none) == "unauthenticated");
  CHECK(raw(server.url(), "/v1/sync", "{}", "wx_0000").status == 401);
}

TEST_CASE(
    "access: a supervisor sees only current placements, and a revoked token gets 401 with changes "
    "kept queued",
    "[integration][access][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device aisha(dir.file("aisha.db"), server.url(), server.code("Aisha"));
  Device ans(dir.file("ans.db"), server.url(), server.code("Ans Bakker"));
  ActivityPlan plan;
  plan.kind = "snuffelstage";
  plan.extra = at_placement(sem);  // what a supervisor sees of the dossier
  expect_ok(Dossier(*sem.replica).plan_activity(plan));
  plan.extra = at_placement(aisha);
  expect_ok(Dossier(*aisha.replica).plan_activity(plan));
  sem.sync();
  aisha.sync();
  ans.sync();
  auto buckets = expect_ok(ans.replica->buckets());
  CHECK(std::count(buckets.begin(), buckets.end(), "pupil:" + sem.user()) == 1);  // placement runs
  CHECK(std::count(buckets.begin(), buckets.end(), "pupil:" + aisha.user()) ==
        0);  // ended 60 days ago
  // A supervisor may comment but not rewrite the pupil's entries.
  Query acts;
  acts.type = "activity";
  std::string act = expect_ok(ans.replica->list(acts)).at(0)["id"];
  Bundle forged = expect_ok(ans.replica->changes_since(0));
  forged.changes.clear();
  forged.changes.push_back(
      {act, "activity", "pupil:" + sem.user(), "title", json(),
       lww_write("anders", {ans.replica->clock().now(), ans.replica->replica_id()})});
  expect_ok(ans.replica->apply(forged));
  SyncReport r = ans.sync();
  REQUIRE(r.rejected.size() == 1);
  CHECK(r.rejected[0].error.code == WX_PERMISSION_DENIED);
  CHECK(expect_ok(ans.replica->quarantined()).size() == 1);

  // Revoked: 401, and what waits to be pushed stays queued until the device enrols again.
  admin(data, "revoke " + sem.user());
  ExperienceDraft e;
  e.activity = expect_ok(sem.replica->list(acts)).at(0)["id"];
  e.note = "na intrekking";
  std::string exp = expect_ok(Dossier(*sem.replica).record_experience(e));
  auto refused = sem.try_sync();
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == WX_UNAUTHENTICATED);
  expect_ok(SyncSession(*sem.replica, sem.transport).enroll(admin(data, "invite " + sem.user())));
  sem.sync();
  ans.sync();
  CHECK(expect_ok(ans.replica->get(exp))["note"] == "na intrekking");
}

TEST_CASE("bad input: each malformed request gets a precise 4xx and the server keeps serving",
          "[integration][validation][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  std::string token = expect_ok(sem.replica->setting("token")).value();
  auto check = [&](const std::string& body, int status, const std::string& code,
                   const std::string& words) {
    HttpResponse r = raw(server.url(), "/v1/sync", body, token);
    INFO(body.substr(0, 80) << " -> " << r.status << " " << r.body);
    CHECK(r.status == status);
    CHECK(error_code_of(r) == code);
    CHECK_THAT(r.body, Catch::Contains(words));
  };
  check("{\"v\":1,", 400, "invalid_argument", "not valid JSON");
  check("[1,2,3]", 400, "invalid_argument", "expected a JSON object");
  check(R"({"v":1,"replica":42})", 400, "invalid_argument", "request.replica");
  check(R"({"v":9})", 400, "invalid_argument", "unsupported protocol version");
  std::string hex = replica_to_hex(sem.replica->replica_id());
  check(R"({"v":1,"replica":")" + hex + R"(","clock":1,"schema":1,"push":{}})", 400, "corrupt",
        "not a werkex bundle");
  check(R"({"v":1,"replica":")" + hex + R"(","clock":1,"schema":1,"cursors":[],"push":{}})", 400,
        "invalid_argument", "request.cursors");
  check(R"({"v":1,"replica":")" + hex + R"(","clock":1,"schema":1,"surprise":true,"push":{}})", 400,
        "invalid_argument", "unknown key 'surprise'");
  check(std::string("{\"v\":1,\"replica\":\"") + "\xff\xfe" + "\"}", 400, "invalid_argument",
        "UTF-8");
  HttpResponse big = raw(server.url(), "/v1/sync", std::string(17 * 1024 * 1024, ' '), token);
  CHECK(big.status == 413);
  CHECK(raw(server.url(), "/v1/../../etc/passwd", "", token, "GET").status == 404);
  CHECK(raw(server.url(), "/v1/enroll", R"({"code":"NOPE-NOPE","replica":"0000000000000001"})", "")
            .status == 401);
  CHECK(raw(server.url(), "/v1/enroll", R"({"code":5})", "").status == 400);
  // Still serving, and the device still syncs.
  CHECK(raw(server.url(), "/healthz", "", "", "GET").status == 200);
  sem.sync();
}

TEST_CASE("werkex-admin: an unknown person or a bad command is refused with a clear exit code",
          "[integration][validation][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  auto run = [&](const std::string& args) {
    return run_command(std::string(WERKEX_ADMIN) + admin_store_args(data) + args + " 2>&1");
  };
  auto [code, out] = run("invite 0190a000-0000-7000-8000-00000000dead");
  CHECK(code == 10 + WX_NOT_FOUND);
  CHECK_THAT(out, Catch::Contains("no person") && Catch::Contains("on the roster"));
  CHECK(run("frobnicate x").first == 2);
  CHECK(run("invite").first == 2);
  CHECK(run("invite x --hours -5").first == 2);
}

TEST_CASE("werkex-server: bad flags and a missing config file are refused before serving",
          "[integration][validation][pg]") {
  TempDir dir;
  auto run = [&](const std::string& args) {
    return run_command(std::string(WERKEX_SERVER) + " " + args + " 2>&1");
  };
  CHECK(run("--listen 127.0.0.1:0").first == 2);  // no --data
  CHECK(run("--data " + dir.file("d") + " --listen nonsense").first == 2);
  CHECK(run("--data " + dir.file("d") + " --frobnicate").first == 2);
  CHECK(run("--data").first == 2);
  auto [code, out] = run("--data " + dir.file("d") + " --config " + dir.file("missing.json"));
  CHECK(code == 10 + WX_NOT_FOUND);
  CHECK_THAT(out, Catch::Contains("cannot read config file"));
  // A config value of the wrong type is a usage error naming the problem, not a crash.
  for (const char* bad : {R"({"rate_limit_per_minute": "many"})", R"({"token_idle_days": [1]})",
                          R"({"read_timeout_s": "soon"})"}) {
    std::string file = dir.file("bad.json");
    FILE* f = fopen(file.c_str(), "w");
    REQUIRE(f);
    fputs(bad, f);
    fclose(f);
    auto [status, said] = run("--data " + dir.file("d") + " --config " + file);
    INFO(bad << " -> " << said);
    CHECK(status == 2);
    CHECK_THAT(said, Catch::Contains("config value"));
  }
}

TEST_CASE("access: a pupil's new placement brings its older company and supervisor to the phone",
          "[integration][access][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  Device noah(dir.file("noah.db"), server.url(), server.code("Noah"));
  Device ans(dir.file("ans.db"), server.url(), server.code("Ans Bakker"));
  Device counsellor(dir.file("devries.db"), server.url(), server.code("Meneer De Vries"));
  noah.sync();
  counsellor.sync();
  Query companies;
  companies.type = "company";
  auto known = expect_ok(counsellor.replica->list(companies));
  REQUIRE_FALSE(known.empty());
  std::string company = known.at(0)["id"];
  // Noah has no placement yet: the company, the supervisor and her key are not his to see.
  CHECK_FALSE(noah.replica->get(company));
  CHECK_FALSE(noah.replica->get(ans.user()));
  Query keys;
  keys.type = "signing_key";
  CHECK(expect_ok(noah.replica->list(keys)).empty());

  // Created long before, these are behind Noah's school-bucket cursor; the new placement
  // changes his view of the bucket, so the next sync pulls them.
  expect_ok(counsellor.replica->put(
      {{"type", "placement"},
       {"pupil", noah.user()},
       {"company", company},
       {"supervisor", ans.user()},
       {"start_date", rfc3339_utc(counsellor.replica->clock().physical_millis()).substr(0, 10)},
       {"end_date", "2099-12-31"},
       {"kind", "snuffelstage"}}));
  counsellor.sync();
  noah.sync();
  CHECK(noah.replica->get(company));
  CHECK(expect_ok(noah.replica->get(ans.user()))["type"] == "person");
  CHECK(expect_ok(noah.replica->list(keys)).size() == 1);
  // Still nothing of other pupils.
  Query people;
  people.type = "person";
  for (const json& p : expect_ok(noah.replica->list(people)))
    CHECK((p["role"] != "pupil" || p["id"] == noah.user()));
}

TEST_CASE("access: a manager's device gets the school and its groups, no person and no dossier",
          "[integration][access][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  ActivityPlan plan;
  plan.kind = "meeloopdag";
  expect_ok(Dossier(*sem.replica).plan_activity(plan));
  sem.sync();
  Device boss(dir.file("boss.db"), server.url(), server.code("Directie"));
  boss.sync();

  auto buckets = expect_ok(boss.replica->buckets());
  REQUIRE(buckets.size() == 1);
  CHECK(buckets[0].rfind("school:", 0) == 0);
  Query all;
  std::map<std::string, int> types;
  for (const json& e : expect_ok(boss.replica->list(all))) ++types[e["type"].get<std::string>()];
  CHECK(types == std::map<std::string, int>{{"group", 2}, {"school", 1}});

  // It may write nothing: not a comment in a dossier, not a group in the school bucket.
  std::string group;
  for (const json& e : expect_ok(boss.replica->list(all)))
    if (e["type"] == "group") group = e["id"];
  Bundle forged = expect_ok(boss.replica->changes_since(0));
  forged.changes = {{group, "group", buckets[0], "name", json(),
                     lww_write("3X", {Hlc::from_parts(boss.replica->clock().physical_millis(), 0),
                                      boss.replica->replica_id()})}};
  std::string token = expect_ok(boss.replica->setting("token")).value();
  protocol::SyncRequest req;
  req.replica = boss.replica->replica_id();
  req.schema_version = 1;
  req.push = forged;
  req.push.from_replica = req.replica;
  req.push.upto_seq = 1;
  HttpResponse r = raw(server.url(), "/v1/sync", protocol::to_json(req).dump(), token);
  REQUIRE(r.status == 200);
  json answer = json::parse(r.body);
  REQUIRE(answer["push"]["rejected"].size() == 1);
  CHECK(answer["push"]["rejected"][0]["code"] == "permission_denied");
}
