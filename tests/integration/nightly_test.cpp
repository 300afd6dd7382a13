// The nightly school sync as cron runs it: `werkex-admin nightly` against the running server's
// admin listener with an admin token made offline, on the roster fixtures of
// tests/school/fixtures (a first day, a rerun, a second day, a broken set, a SIS export), and
// the admin API from the attacker's side.
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "blob_client.hpp"
#include "werkex/dossier.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

const std::string kFixtures = WERKEX_SCHOOL_FIXTURES;

struct Nightly {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server{data};
  std::string token_file = dir.file("admin.token");

  Nightly() { std::ofstream(token_file) << admin(data, "admin-token nightly") << "\n"; }
  // Runs werkex-admin nightly with `args`; returns its exit code and leaves the report in
  // report().
  int run(const std::string& args) {
    std::string cmd = std::string(WERKEX_ADMIN) + " nightly --server " + server.admin_url() +
                      " --token-file " + token_file + " --report " + dir.file("report.json") + " " +
                      args + " >" + dir.file("out.txt") + " 2>" + dir.file("err.txt");
    int status = std::system(cmd.c_str());
    REQUIRE(WIFEXITED(status));
    return WEXITSTATUS(status);
  }
  json report() const {
    std::ifstream in(dir.file("report.json"));
    return json::parse(in);
  }
  std::string err() const {
    std::ifstream in(dir.file("err.txt"));
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  HttpResponse post(const std::string& url, const std::string& body, const std::string& token) {
    CurlTransport t(quick_curl());
    HttpRequest r{"POST", url, {{"Content-Type", "application/json"}}, body};
    if (!token.empty()) r.headers.emplace_back("Authorization", "Bearer " + token);
    return expect_ok(t.send(r));
  }
};

}  // namespace

TEST_CASE("nightly: the roster goes in once, a rerun changes nothing, letters enrol people",
          "[integration][nightly][pg]") {
  Nightly n;
  REQUIRE_FALSE(n.server.admin_url().empty());
  REQUIRE(n.run("--roster " + kFixtures + "/day1 --letters " + n.dir.file("letters")) == 0);
  json first = n.report()["roster"];
  CHECK(first["schools"]["created"] == 1);
  CHECK(first["persons"]["created"].get<int>() >= 10);
  CHECK(first["changes"].get<int>() > 0);
  json people = first["new_people"];
  REQUIRE(people.size() == first["persons"]["created"].get<size_t>());
  // One letter page per group, each with a QR image and the codes of that group's people.
  size_t pages = 0;
  for (const auto& e : std::filesystem::directory_iterator(n.dir.file("letters"))) {
    std::ifstream in(e.path());
    std::string html((std::istreambuf_iterator<char>(in)), {});
    CHECK(html.find("<svg") != std::string::npos);
    ++pages;
  }
  CHECK(pages >= 3);

  // A new pupil enrols with the code from her letter and sees her own dossier.
  const json* pupil = nullptr;
  for (const json& p : people)
    if (p["role"] == "pupil") pupil = &p;
  REQUIRE(pupil);
  Device phone(n.dir.file("phone.db"), n.server.url(), (*pupil)["code"]);
  CHECK(phone.user() == (*pupil)["id"]);
  phone.sync();

  // Rerun: 0 changes, and nothing reaches the device.
  REQUIRE(n.run("--roster " + kFixtures + "/day1") == 0);
  CHECK(n.report()["roster"]["changes"] == 0);
  CHECK(n.report()["roster"]["new_people"].empty());
  CHECK(phone.sync().pulled == 0);
}

TEST_CASE("nightly: a broken roster applies nothing and lists every problem",
          "[integration][nightly][pg]") {
  Nightly n;
  REQUIRE(n.run("--roster " + kFixtures + "/day1") == 0);
  CHECK(n.run("--roster " + kFixtures + "/broken") == 3);
  json report = n.report();
  CHECK(report["exit"] == 3);
  json problems = report["roster"]["problems"];
  CHECK(problems.size() >= 5);
  for (const json& p : problems) CHECK(n.err().find(p.get<std::string>()) != std::string::npos);
  // Nothing of it went in: day1 again is still 0 changes.
  REQUIRE(n.run("--roster " + kFixtures + "/day1") == 0);
  CHECK(n.report()["roster"]["changes"] == 0);
}

TEST_CASE("nightly: the second day's changes, and who left loses access",
          "[integration][nightly][pg]") {
  Nightly n;
  REQUIRE(n.run("--roster " + kFixtures + "/day1") == 0);
  json day1 = n.report()["roster"];
  REQUIRE(n.run("--roster " + kFixtures + "/day2") == 0);
  json day2 = n.report()["roster"];
  CHECK(day2["persons"]["left"] == 1);
  CHECK(day2["changes"].get<int>() >= 4);
  REQUIRE(n.run("--roster " + kFixtures + "/day2") == 0);
  CHECK(n.report()["roster"]["changes"] == 0);
  (void)day1;
}

TEST_CASE("nightly: a SIS export with the shipped Dutch mapping", "[integration][nightly][pg]") {
  Nightly n;
  const std::string mapping =
      std::string(WERKEX_SOURCE_DIR) + "/tools/werkex-admin/mappings/dutch-sis.json";
  std::string csv;
  for (const auto& e : std::filesystem::directory_iterator(kFixtures + "/sis"))
    if (e.path().extension() == ".csv") csv = e.path().string();
  REQUIRE_FALSE(csv.empty());
  REQUIRE(n.run("--sis " + csv + " --mapping " + mapping) == 0);
  json r = n.report()["roster"];
  CHECK(r["persons"]["created"].get<int>() > 0);
  REQUIRE(n.run("--sis " + csv + " --mapping " + mapping) == 0);
  CHECK(n.report()["roster"]["changes"] == 0);
}

TEST_CASE("nightly: the admin API is only on the admin listener, only with an admin token",
          "[integration][nightly][attack][pg]") {
  Nightly n;
  const std::string body = json{{"format", "oneroster"}, {"files", {{"x.csv", "a"}}}}.dump();
  std::string admin_token;
  std::ifstream(n.token_file) >> admin_token;
  // Not on the phones' listener, whatever the token.
  CHECK(n.post(n.server.url() + "/v1/admin/roster", body, admin_token).status == 404);
  // On the admin listener: no token, a wrong one, a device's token.
  CHECK(n.post(n.server.admin_url() + "/v1/admin/roster", body, "").status == 401);
  CHECK(n.post(n.server.admin_url() + "/v1/admin/roster", body, "wxa_" + std::string(64, '0'))
            .status == 401);
  Device sem(n.dir.file("sem.db"), n.server.url(), n.server.code("Sem"));
  std::string device_token = *expect_ok(sem.replica->setting("token"));
  CHECK(n.post(n.server.admin_url() + "/v1/admin/roster", body, device_token).status == 401);
  // Malformed bodies: a precise 400, nothing applied.
  for (const std::string& bad :
       {std::string("[]"), std::string("{\"format\":\"xml\",\"files\":{}}"),
        json{{"format", "oneroster"}, {"files", {{"a", 1}}}}.dump(),
        json{{"format", "sis"}, {"files", {{"a", "b"}}}}.dump(),
        json{{"format", "oneroster"}, {"files", {{"a", "b"}}}, {"x", 1}}.dump()}) {
    HttpResponse r = n.post(n.server.admin_url() + "/v1/admin/roster", bad, admin_token);
    INFO(bad << " -> " << r.body);
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["error"]["code"] == "invalid_argument");
  }
  // Every admin endpoint wants the admin token; export refuses unknown or mistyped keys; the
  // in-server run answers 404 where the config has none.
  for (const char* path :
       {"/v1/admin/export", "/v1/admin/backup", "/v1/admin/retention", "/v1/admin/nightly"})
    CHECK(n.post(n.server.admin_url() + path, "{}", device_token).status == 401);
  for (const std::string& bad :
       {std::string("{\"only\": \"all\"}"), std::string("{\"only\": [1]}"),
        std::string("{\"force\": 1}"), std::string("{\"dir\": \"/tmp\"}"), std::string("[]")}) {
    HttpResponse r = n.post(n.server.admin_url() + "/v1/admin/export", bad, admin_token);
    INFO(bad << " -> " << r.body);
    CHECK(r.status == 400);
    CHECK(json::parse(r.body)["error"]["code"] == "invalid_argument");
  }
  CHECK(n.post(n.server.admin_url() + "/v1/admin/nightly", "{}", admin_token).status == 404);
  // The server unreachable: exit 5.
  n.server.stop(SIGTERM);
  CHECK(n.run("--roster " + kFixtures + "/day1") == 5);
  // Usage errors: exit 2.
  CHECK(n.run("") == 2);
}

TEST_CASE("nightly: retention erases who left long enough ago, and only that",
          "[integration][nightly][retention][pg]") {
  TempDir dir;
  const std::string data = dir.file("server");
  // 0 days: who left today is due (a school's real setting is two years).
  ServerProcess server(data, "127.0.0.1:0", json{{"retention_left_days", 0}});
  const std::string token = dir.file("admin.token");
  std::ofstream(token) << admin(data, "admin-token nightly") << "\n";
  auto nightly = [&](const std::string& args) {
    std::string cmd = std::string(WERKEX_ADMIN) + " nightly --server " + server.admin_url() +
                      " --token-file " + token + " --report " + dir.file("r.json") + " " + args +
                      " >/dev/null 2>&1";
    int status = std::system(cmd.c_str());
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    std::ifstream in(dir.file("r.json"));
    return json::parse(in);
  };
  json people = nightly("--roster " + kFixtures + "/day1")["roster"]["new_people"];
  auto code_of = [&](const std::string& ext) {
    for (const json& p : people)
      if (p["external_id"] == ext) return p["code"].get<std::string>();
    FAIL("no new person " << ext);
    return std::string();
  };
  // Fenna (p-1007, leaves on day 2) with a photo; her mentor (t-02) holds her dossier.
  Device fenna(dir.file("fenna.db"), server.url(), code_of("p-1007"));
  const std::string bytes = photo(50000, 3), sha = push_blob_entity(fenna, bytes);
  REQUIRE(BlobClient(server.url(), token_of(fenna)).put(sha, bytes, 0, bytes.size()).status == 200);
  Device mentor(dir.file("mentor.db"), server.url(), code_of("t-02"));
  mentor.sync();
  const std::string bucket = "pupil:" + fenna.user();
  REQUIRE(mentor.bucket_dump(bucket) != "[]");
  // Still on the roster: nothing to erase.
  CHECK(nightly("--retention")["retention"]["dossiers_erased"] == 0);

  nightly("--roster " + kFixtures + "/day2");
  json r = nightly("--retention")["retention"];
  CHECK(r["dossiers_erased"] == 1);
  CHECK(r["blob_files_removed"] == 1);
  CHECK_FALSE(std::filesystem::exists(data + "/blobs/" + sha.substr(0, 2) + "/" + sha));
  // Her device's token is gone; her mentor's device purges the dossier at its next sync.
  CHECK(fenna.try_sync().error().code == WX_UNAUTHENTICATED);
  mentor.sync();
  CHECK(mentor.bucket_dump(bucket) == "[]");
  // The erasure is in the audit log, with how much but not what.
  std::string audit = admin_all(data, "audit " + fenna.user());  // her enrolment came first
  CHECK_THAT(audit, Catch::Contains("dossier_erased"));
  CHECK(audit.find("Fenna") == std::string::npos);
  CHECK(nightly("--retention")["retention"]["dossiers_erased"] == 0);
}

TEST_CASE("nightly: dossiers go out only when changed, and a leaver's before her access ends",
          "[integration][nightly][export][pg]") {
  Nightly n;
  REQUIRE(n.run("--roster " + kFixtures + "/day1 --export") == 0);
  json people = n.report()["roster"]["new_people"];
  std::string fenna_code;
  for (const json& p : people)
    if (p["external_id"] == "p-1007") fenna_code = p["code"];
  Device fenna(n.dir.file("fenna.db"), n.server.url(), fenna_code);
  ActivityPlan plan;
  plan.kind = "snuffelstage";
  plan.title = "Bij de bakker";
  expect_ok(Dossier(*fenna.replica).plan_activity(plan));
  fenna.sync();

  REQUIRE(n.run("--export") == 0);
  json first = n.report()["export"];
  CHECK(first["written"].get<int>() >= 1);
  // The step ran as a job werkex-admin followed: its progress line reached N of N. The demo
  // school and the roster's are two schools, each exported on its own (the last one's line).
  REQUIRE(first["schools"].size() == 2);
  const json& last = first["schools"].back();
  const std::string pupils = std::to_string(last["pupils"].get<size_t>());
  CHECK_THAT(n.err(), Catch::Contains("nightly: export: " + last["name"].get<std::string>() + ": " +
                                      pupils + " of " + pupils + " (done in"));
  CHECK(first["failed"].empty());
  const std::string folder = first["folder"];
  // Her portfolio and dossier are on disk, self-contained.
  bool found = false;
  for (const auto& e : std::filesystem::recursive_directory_iterator(folder)) {
    if (e.path().filename() != "portfolio.html") continue;
    std::ifstream in(e.path());
    std::string html((std::istreambuf_iterator<char>(in)), {});
    if (html.find("Bij de bakker") == std::string::npos) continue;
    found = true;
    CHECK(html.find("Fenna") != std::string::npos);
    CHECK(html.find("http://") == std::string::npos);
    CHECK(std::filesystem::exists(e.path().parent_path() / "dossier.json"));
  }
  CHECK(found);
  // Nothing changed: nothing written.
  REQUIRE(n.run("--export") == 0);
  CHECK(n.report()["export"]["written"] == 0);
  // Day 2: she left; her dossier is written once more before her access ends.
  REQUIRE(n.run("--roster " + kFixtures + "/day2 --export") == 0);
  json r = n.report();
  CHECK(r["roster"]["left_people"] == json::array({fenna.user()}));
  CHECK(r["export_leavers"]["written"] == 1);
}

TEST_CASE("nightly: the server's own schedule runs the same steps", "[integration][nightly][pg]") {
  TempDir dir;
  const std::string data = dir.file("server");
  json steps = {{"roster_dir", kFixtures + "/day1"},
                {"letters_dir", dir.file("letters")},
                {"export", true},
                {"retention", true}};
  if (!store_is_postgres()) steps["backup"] = true;  // PostgreSQL: pg_dump's job (README)
  ServerProcess server(data, "127.0.0.1:0", json{{"nightly", steps}});
  const std::string token = admin(data, "admin-token nightly");
  CurlTransport t(quick_curl());
  HttpRequest run{"POST",
                  server.admin_url() + "/v1/admin/nightly",
                  {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}},
                  "{}"};
  HttpResponse first = expect_ok(t.send(run));
  REQUIRE(first.status == 200);
  json r = json::parse(first.body);
  CHECK(r["roster"]["persons"]["created"].get<int>() >= 10);
  CHECK(r["roster"]["new_people"][0].contains("code") == false);  // on the letters only
  CHECK(r["export"].contains("written"));
  CHECK(r["retention"]["dossiers_erased"] == 0);
  if (!store_is_postgres())
    CHECK(std::filesystem::exists(r["backup"]["folder"].get<std::string>()));
  CHECK(std::filesystem::exists(dir.file("letters")));
  // Again: the roster changes nothing.
  json again = json::parse(expect_ok(t.send(run)).body);
  CHECK(again["roster"]["changes"] == 0);
  // Bad schedule configs stop the server from starting, with a usage error.
  std::ofstream(dir.file("bad.json")) << json{{"nightly", {{"at", "25:00"}}}}.dump();
  std::string cmd = std::string(WERKEX_SERVER) + " --data " + dir.file("other") +
                    " --listen 127.0.0.1:0 --config " + dir.file("bad.json") + " 2>/dev/null";
  int status = std::system(cmd.c_str());
  CHECK(WEXITSTATUS(status) == 2);
  if (store_is_postgres()) {  // a backup step on PostgreSQL is refused, naming pg_dump
    json store = store_under_test(data);
    std::ofstream(dir.file("pg.json"))
        << json{{"store", store}, {"nightly", {{"backup", true}}}}.dump();
    cmd = std::string(WERKEX_SERVER) + " --data " + dir.file("pg") +
          " --listen 127.0.0.1:0 --config " + dir.file("pg.json") + " 2>" + dir.file("pg.err");
    status = std::system(cmd.c_str());
    CHECK(WEXITSTATUS(status) == 2);
    std::ifstream err(dir.file("pg.err"));
    CHECK_THAT(std::string(std::istreambuf_iterator<char>(err), {}), Catch::Contains("pg_dump"));
  }
}

TEST_CASE("nightly: long steps run as jobs the client follows, one at a time",
          "[integration][nightly][jobs][pg]") {
  Nightly n;
  std::string token;
  std::ifstream(n.token_file) >> token;
  CurlTransport t(quick_curl());
  auto get = [&](const std::string& path, const std::string& bearer) {
    return expect_ok(
        t.send({"GET", n.server.admin_url() + path, {{"Authorization", "Bearer " + bearer}}, ""}));
  };
  // A long step of either engine: the backup copies SQLite files; PostgreSQL has pg_dump.
  const std::string step = store_is_postgres() ? "export" : "backup";
  HttpRequest start{"POST",
                    n.server.admin_url() + "/v1/admin/" + step,
                    {{"Authorization", "Bearer " + token},
                     {"Content-Type", "application/json"},
                     {"Prefer", "wait=5, respond-async"}},
                    "{}"};
  HttpResponse accepted = expect_ok(t.send(start));
  REQUIRE(accepted.status == 202);
  json job = json::parse(accepted.body);
  const std::string url = job["url"];
  CHECK(accepted.header("Location") == url);
  CHECK(job["kind"] == step);
  // Followed to its end: the backup's own answer, and its last step's progress.
  while (job["state"] != "done") {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    HttpResponse polled = get(url, token);
    REQUIRE(polled.status == 200);
    job = json::parse(polled.body);
  }
  CHECK(job["status"] == 200);
  CHECK(std::filesystem::exists(job["result"]["folder"].get<std::string>()));
  CHECK_THAT(job["progress"]["step"].get<std::string>(), Catch::StartsWith(step));
  json list = json::parse(get("/v1/admin/jobs", token).body)["jobs"];
  REQUIRE(list.size() == 1);
  CHECK(list[0]["id"] == job["id"]);

  // Attacker's side: an unknown job is 404; a device's token, or none, is 401; the phones'
  // listener has no such route.
  CHECK(get("/v1/admin/jobs/job-0123456789abcdef", token).status == 404);
  Device sem(n.dir.file("sem.db"), n.server.url(), n.server.code("Sem"));
  const std::string device_token = *expect_ok(sem.replica->setting("token"));
  CHECK(get(url, device_token).status == 401);
  CHECK(get("/v1/admin/jobs", "").status == 401);
  CHECK(expect_ok(t.send({"GET", n.server.url() + url, {{"Authorization", "Bearer " + token}}, ""}))
            .status == 404);
  // Without the preference the step answers when done, as before.
  start.headers.pop_back();
  HttpResponse direct = expect_ok(t.send(start));
  CHECK(direct.status == 200);
  CHECK(json::parse(direct.body).contains("folder"));
}
