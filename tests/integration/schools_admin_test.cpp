// Schools as tenants on the admin side (docs/design.md §8), through the real server: a school's
// admin token imports only its own roster, sees only its own jobs, exports and erases only its
// own pupils, and runs none of the deployment's steps; a deployment's export files each school
// apart; werkex-admin --school refuses another school's people, logs and restore.
#include <filesystem>
#include <fstream>
#include <map>

#include "two_schools.hpp"

using namespace werkex;
using namespace werkex::test;

TEST_CASE("schools: a school's admin token imports its own roster only and sees its own jobs",
          "[integration][schools][admin][pg]") {
  TwoSchools t;
  Device b_teacher = t.device("b-teacher", t.b_person("teacher")["code"]);
  b_teacher.sync();
  const std::string school_b = b_teacher.replica->identity().school_bucket.substr(7);
  auto [unknown, why] = run_command(std::string(WERKEX_ADMIN) + admin_store_args(t.data) +
                                    "admin-token x --school " + school_b + "x 2>&1");
  CHECK(unknown != 0);
  CHECK(why.find("no school") != std::string::npos);

  // A's token on B's next roster: refused whole, nothing reaches B's devices.
  const std::string token_a = t.token("school-a", t.school_a);
  const std::string a_file = t.token_file(token_a);
  CHECK(t.nightly(a_file, "--roster " + TwoSchools::fixtures("day2")) != 0);
  CHECK(t.out.find("acts for school " + t.school_a + " only") != std::string::npos);
  CHECK(b_teacher.sync().pulled == 0);
  // B's own token: it goes in.
  const std::string token_b = t.token("school-b", school_b);
  const std::string b_file = t.token_file(token_b);
  REQUIRE(t.nightly(b_file, "--roster " + TwoSchools::fixtures("day2")) == 0);
  CHECK(t.report()["roster"]["changes"].get<int>() > 0);

  // Its jobs (their answers hold enrolment codes) are B's and the deployment's to read.
  const std::string deployment = t.token("operator", "");
  json all = json::parse(t.admin_api("GET", "/v1/admin/jobs", deployment).body)["jobs"];
  json of_b = json::parse(t.admin_api("GET", "/v1/admin/jobs", token_b).body)["jobs"];
  json of_a = json::parse(t.admin_api("GET", "/v1/admin/jobs", token_a).body)["jobs"];
  CHECK(all.size() >= 3);  // the deployment's day 1, A's refused try, B's day 2
  REQUIRE(of_b.size() == 1);
  CHECK(of_a.size() == 1);  // its own refused try
  const std::string job_b = of_b[0]["id"];
  CHECK(t.admin_api("GET", "/v1/admin/jobs/" + job_b, token_b).status == 200);
  CHECK(t.admin_api("GET", "/v1/admin/jobs/" + job_b, token_a).status == 404);
  for (const json& j : of_a) CHECK(j["id"] != job_b);

  // The deployment's own steps are not a school's.
  for (const char* step : {"backup", "nightly"}) {
    INFO(step);
    HttpResponse r = t.admin_api("POST", std::string("/v1/admin/") + step, token_b);
    CHECK(r.status == 403);
    CHECK(r.body.find("deployment") != std::string::npos);
    CHECK(t.admin_api("POST", std::string("/v1/admin/") + step, "wxa_nope").status == 401);
  }
}

TEST_CASE("schools: a deployment's export files each school's pupils in that school's folder",
          "[integration][schools][nightly][pg]") {
  TwoSchools t;
  BPupil b(t);
  HttpResponse r = t.admin_api("POST", "/v1/admin/export", t.token("exporter", ""));
  REQUIRE(r.status == 200);
  json answer = json::parse(r.body);
  REQUIRE(answer["schools"].size() == 2);
  size_t b_pupils = 0;
  for (const json& p : t.school_b["new_people"]) b_pupils += p["role"] == "pupil" ? 1 : 0;
  std::map<std::string, size_t> filed;  // school id → dossiers in its folder
  size_t everywhere = 0;
  for (const auto& e :
       std::filesystem::recursive_directory_iterator(answer["folder"].get<std::string>()))
    everywhere += e.path().filename() == "dossier.json" ? 1 : 0;
  for (const json& s : answer["schools"]) {
    INFO(s.dump());
    for (const auto& e :
         std::filesystem::recursive_directory_iterator(s["folder"].get<std::string>())) {
      if (e.path().filename() != "dossier.json") continue;
      std::ifstream in(e.path());
      json dossier = json::parse(in);
      CHECK(dossier["pupil"]["bucket"] == "school:" + s["school"].get<std::string>());
      ++filed[s["school"]];
    }
  }
  CHECK(filed[t.school_a] == 3);  // the demo's Sem, Aisha and Noah
  CHECK(filed[b.phone.replica->identity().school_bucket.substr(7)] == b_pupils);
  CHECK(everywhere == 3 + b_pupils);  // nothing outside the schools' folders
  CHECK(answer["written"] == 3 + b_pupils);
  // A school's own token exports that school alone, into its folder.
  HttpResponse own = t.admin_api("POST", "/v1/admin/export", t.token("demo", t.school_a));
  REQUIRE(own.status == 200);
  json mine = json::parse(own.body);
  REQUIRE(mine["schools"].size() == 1);
  CHECK(mine["schools"][0]["school"] == t.school_a);
  CHECK(mine["pupils"] == 3);
  for (const json& s : answer["schools"])
    if (s["school"] == t.school_a) CHECK(mine["schools"][0]["folder"] == s["folder"]);
}

TEST_CASE("schools: werkex-admin --school acts on that school's people and logs only",
          "[integration][schools][admin][pg]") {
  TwoSchools t;
  BPupil b(t);
  Device sem = t.device("sem", t.server.code("Sem"));
  sem.sync();
  auto run = [&](const std::string& args) {
    return run_command(std::string(WERKEX_ADMIN) + admin_store_args(t.data) + "--school " +
                       t.school_a + " " + args + " 2>&1");
  };
  // School A's operator: A's pupil, yes; B's pupil, their dossier's log, never.
  auto [ok, code] = run("invite " + sem.user());
  CHECK(ok == 0);
  CHECK(code.size() >= 8);
  for (const std::string& args :
       {"invite " + b.phone.user(), "revoke " + b.phone.user(), "wipe " + b.phone.user(),
        "reads " + b.bucket(), "blobs " + b.bucket(), "pin " + b.experience,
        "restore " + t.dir.file("backup")}) {
    INFO(args);
    auto [exit, said] = run(args);
    CHECK(exit != 0);
    CHECK_THAT(said, Catch::Contains("school"));
  }
  CHECK(run("reads pupil:" + sem.user()).first == 0);
  // Nothing happened to B's pupil: their phone still syncs.
  CHECK(b.phone.try_sync());
  // An unknown school is refused outright.
  auto [unknown, why] = run_command(std::string(WERKEX_ADMIN) + admin_store_args(t.data) +
                                    "--school " + t.school_a + "x invite " + sem.user() + " 2>&1");
  CHECK(unknown != 0);
  CHECK_THAT(why, Catch::Contains("no school"));
  // Bad flags: a usage error (exit 2) that names what is wrong, and nothing done.
  auto [no_school, usage] =
      run_command(std::string(WERKEX_ADMIN) + admin_store_args(t.data) + "--school 2>&1");
  CHECK(no_school == 2);
  CHECK_THAT(usage, Catch::Contains("usage"));
  auto [bad_wait, said] = run_command(std::string(WERKEX_ADMIN) + " nightly --server " +
                                      t.server.admin_url() + " --export --wait-busy soon 2>&1");
  CHECK(bad_wait == 2);
  CHECK_THAT(said, Catch::Contains("--wait-busy takes whole seconds"));
  // A token made for the school acts for it (the admin API's roster, above).
  auto [made, token] = run("admin-token school-a-nightly");
  CHECK(made == 0);
  CHECK(token.rfind("wxa_", 0) == 0);
}

TEST_CASE("schools: a school's retention erases its own leavers and leaves the logs alone",
          "[integration][schools][retention][pg]") {
  TwoSchools t(json{{"retention_left_days", 0}});  // who left today is due
  // Day 2 of De Brug's roster: Fenna (p-1007) leaves.
  REQUIRE(t.nightly(t.token_file(t.token("deployment", "")),
                    "--roster " + TwoSchools::fixtures("day2")) == 0);
  Device b_teacher = t.device("b-teacher", t.b_person("teacher")["code"]);
  b_teacher.sync();
  const std::string school_b = b_teacher.replica->identity().school_bucket.substr(7);
  auto retention = [&](const std::string& token) {
    HttpResponse r = t.admin_api("POST", "/v1/admin/retention", token);
    INFO(r.body);
    REQUIRE(r.status == 200);
    return json::parse(r.body);
  };
  // The demo school's token: none of its own left, and De Brug's leaver is not its to erase.
  json a = retention(t.token("demo", t.school_a));
  CHECK(a["dossiers_erased"] == 0);
  CHECK(a["access_log_rows"] == 0);  // the logs are the deployment's
  // De Brug's own token erases her.
  json b = retention(t.token("brug", school_b));
  CHECK(b["dossiers_erased"] == 1);
  CHECK(b["audit_log_rows"] == 0);
  // Erased once: the deployment's run finds nobody left to erase.
  CHECK(retention(t.token("operator", ""))["dossiers_erased"] == 0);
}

TEST_CASE("schools: each school's retention period is its board's own",
          "[integration][schools][retention][pg]") {
  TwoSchools t(json{{"retention_left_days", 0}});
  REQUIRE(t.nightly(t.token_file(t.token("deployment", "")),
                    "--roster " + TwoSchools::fixtures("day2")) == 0);  // Fenna leaves De Brug
  Device b_teacher = t.device("b-teacher", t.b_person("teacher")["code"]);
  b_teacher.sync();
  const std::string school_b = b_teacher.replica->identity().school_bucket.substr(7);
  // The server restarted with another config (its store kept): `periods` by school.
  auto restart_with = [&](uint64_t deployment_days, const json& periods) {
    const std::string file = t.data + ".config.json";
    json config = json::parse(std::ifstream(file));
    config["retention_left_days"] = deployment_days;
    config["retention_left_days_by_school"] = periods;
    t.server.stop(SIGTERM);
    std::ofstream(file, std::ios::trunc) << config.dump();
    t.server.start(t.data, "127.0.0.1:0");
  };
  const std::string token = t.token("operator", "");
  auto erased = [&] {
    HttpResponse r = t.admin_api("POST", "/v1/admin/retention", token);
    INFO(r.body);
    REQUIRE(r.status == 200);
    return json::parse(r.body)["dossiers_erased"].get<int>();
  };
  restart_with(0, {{school_b, 30}});  // De Brug keeps a leaver's dossier 30 days
  CHECK(erased() == 0);
  restart_with(3650, {{school_b, 0}, {t.school_a, 3650}});  // and now none
  CHECK(erased() == 1);
  // A period that is not a whole number, or a key that is no school id, stops the start.
  for (const char* bad : {R"({"retention_left_days_by_school": {"x": 5}})",
                          R"({"retention_left_days_by_school": [5]})"}) {
    std::ofstream(t.dir.file("bad.json")) << bad;
    auto [code, said] = run_command(std::string(WERKEX_SERVER) + " --data " + t.dir.file("d") +
                                    " --config " + t.dir.file("bad.json") + " 2>&1");
    INFO(said);
    CHECK(code == 2);
    CHECK_THAT(said, Catch::Contains("retention_left_days_by_school"));
  }
}
