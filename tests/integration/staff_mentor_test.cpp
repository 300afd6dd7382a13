// The mentor side of the staff dashboard (issue 12) through the real werkex-server: who may
// read which group and pupil (JSON and pages), the access log, a comment written on the web
// that reaches the pupil's phone through /v1/sync, the refusals of bad or forged comments,
// and a mentor moved to another group losing the old one at once.
#include <filesystem>
#include <fstream>

#include "staff_client.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

std::string error_code(const HttpResponse& r) {
  return json::parse(r.body)["error"]["code"];
}

// The id of the group called `name` in a /v1/staff/groups answer ("" if absent).
std::string group_named(const json& groups, const std::string& name) {
  for (const json& g : groups["groups"])
    if (g["name"] == name) return g["id"];
  return "";
}

// The pupil row called `name` of a /v1/staff/groups/{id} answer.
json row_named(const json& overview, const std::string& name) {
  for (const json& p : overview["pupils"])
    if (p["name"] == name) return p;
  FAIL("no pupil " << name);
  return {};
}

size_t reads_of(const std::string& data, const std::string& bucket) {
  return std::stoul(admin(data, "reads " + bucket));
}

std::vector<json> comments_on(Device& d, const std::string& bucket) {
  Query q;
  q.type = "comment";
  q.bucket = bucket;
  return expect_ok(d.replica->list(q));
}

struct Ids {
  std::string g2a, g2b, sem, noah, aisha;
};

// The mentor of 2A asks for another group, another pupil and ids that are none.
void check_mentor_refusals(StaffClient& mentor, const Ids& ids) {
  // Another group, another pupil, unknown ids: 403, 403, 404.
  HttpResponse other = mentor.get("/v1/staff/groups/" + ids.g2b);
  CHECK(other.status == 403);
  CHECK(error_code(other) == "permission_denied");
  CHECK(mentor.get("/v1/staff/pupils/" + ids.noah).status == 403);
  CHECK(mentor.get("/leerling/" + ids.noah).status == 403);
  CHECK(mentor.get("/groep?id=" + ids.g2b).status == 403);
  CHECK(mentor.get("/v1/staff/groups/0190b000-0000-7000-8000-00000000dead").status == 404);
  CHECK(mentor.get("/v1/staff/groups/" + ids.sem).status == 404);  // a pupil is no group
  CHECK(mentor.get("/v1/staff/pupils/" + ids.g2a).status == 404);  // a group is no pupil
  CHECK(mentor.get("/v1/staff/pupils/nonsense").status == 404);
}

// The counsellor, the manager, the supervisor and nobody, on the demo school's data.
void check_other_roles(const std::string& url, StaffClient& decaan, StaffClient& directie,
                       StaffClient& ans, const Ids& ids) {
  // The counsellor sees every group and pupil; the manager no pupil at all.
  CHECK(decaan.get_json("/v1/staff/groups/" + ids.g2b)["pupils"].size() == 1);
  CHECK(decaan.get("/v1/staff/pupils/" + ids.noah).status == 200);
  CHECK(directie.get("/v1/staff/groups").status == 403);
  CHECK(directie.get("/v1/staff/groups/" + ids.g2a).status == 403);
  CHECK(directie.get("/v1/staff/pupils/" + ids.sem).status == 403);
  CHECK(directie.get("/leerling/" + ids.sem).status == 403);
  // The supervisor: the pupil of her running placement, not one whose placement ended.
  CHECK(ans.get("/v1/staff/pupils/" + ids.sem).status == 200);
  CHECK(ans.get("/v1/staff/groups").status == 403);
  CHECK(ans.get("/v1/staff/pupils/" + ids.aisha).status == 403);
  // Signed out: refused.
  StaffClient nobody(url);
  CHECK(nobody.get("/v1/staff/pupils/" + ids.sem).status == 401);
  CHECK(nobody.get("/leerling/" + ids.sem).status == 303);
}

// Forged and bad comments on `good`'s entry: each refused (the caller checks nothing was
// written). `elsewhere`: an entry of another pupil, `aisha`: another pupil of the mentor.
void check_bad_comments(StaffClient& mentor, const std::string& path, const json& good,
                        const std::string& elsewhere, const std::string& aisha) {
  const std::string activity = good["entry"];
  // Forged and bad requests first: each refused, nothing written.
  CHECK(mentor.post(path, good, false).status == 403);
  CHECK(mentor.post(path, good, true, "http://evil.example").status == 403);
  CHECK(mentor.post(path, {{"entry", activity}, {"text", "  \n"}}).status == 400);
  CHECK(mentor.post(path, {{"entry", activity}, {"text", std::string(4001, 'a')}}).status == 400);
  CHECK(mentor.post(path, {{"entry", activity}, {"text", std::string(40000, 'a')}}).status == 413);
  CHECK(mentor.post(path, {{"text", "zonder onderdeel"}}).status == 400);
  CHECK(mentor.post(path, {{"entry", activity}, {"text", "x"}, {"admin", "1"}}).status == 400);
  CHECK(mentor.post_raw(path, "{\"entry\":").status == 400);
  CHECK(mentor.post_raw(path, "[1,2]").status == 400);
  CHECK(mentor.post(path, {{"entry", activity}, {"text", 5}}).status == 400);
  HttpResponse unknown =
      mentor.post(path, {{"entry", "0190b000-0000-7000-8000-00000000beef"}, {"text", "x"}});
  CHECK(unknown.status == 404);
  CHECK(error_code(unknown) == "not_found");
  CHECK(mentor.post(path, {{"entry", elsewhere}, {"text", "x"}}).status == 404);
  CHECK(mentor.post("/v1/staff/pupils/" + aisha + "/comments", {{"entry", activity}, {"text", "x"}})
            .status == 404);
}

}  // namespace

TEST_CASE("staff mentor: who may read which group and pupil, and every read is logged",
          "[integration][staff][mentor][pg]") {
  TempDir dir;
  const std::string data = dir.file("server");
  ServerProcess server(data);
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  const std::string sem_id = sem.user();
  const std::string activity =
      expect_ok(sem.replica->put({{"type", "activity"},
                                  {"kind", "snuffelstage"},
                                  {"title", "Keuken van Bistro Noord"},
                                  {"competencies", {"werkexploratie", "netwerken"}}}));
  expect_ok(sem.replica->put({{"type", "preparation"},
                              {"activity", activity},
                              {"want_to_find_out", "Hoe laat begint de dag?"}}));
  sem.sync();
  Device noah(dir.file("noah.db"), server.url(), server.code("Noah"));
  const std::string noah_id = noah.user();

  StaffClient mentor(server.url()), decaan(server.url()), directie(server.url()), ans(server.url());
  mentor.sign_in(server.code("Mevrouw Jansen"));
  decaan.sign_in(server.code("Meneer De Vries"));
  directie.sign_in(server.code("Directie"));
  ans.sign_in(server.code("Ans Bakker"));

  json all = decaan.get_json("/v1/staff/groups");
  REQUIRE(all["groups"].size() == 2);
  const std::string g2a = group_named(all, "2A"), g2b = group_named(all, "2B");
  Ids ids{g2a, g2b, sem_id, noah_id, ""};
  json mine = mentor.get_json("/v1/staff/groups");
  REQUIRE(mine["groups"].size() == 1);
  CHECK(mine["groups"][0]["id"] == g2a);
  CHECK(mine["groups"][0]["pupils"] == 2);

  const size_t before = reads_of(data, "pupil:" + sem_id);
  json overview = mentor.get_json("/v1/staff/groups/" + g2a);
  json row = row_named(overview, "Sem");
  CHECK(row["activities"] == 1);
  CHECK(row["phases"]["voorbereid"] == true);
  CHECK(row["phases"]["ervaren"] == false);
  CHECK(row["competencies"].size() == 2);
  CHECK(row["competencies"][0]["label"].get<std::string>() != "werkexploratie");
  CHECK(row_named(overview, "Aisha")["inactive"] == true);
  ids.aisha = row_named(overview, "Aisha")["id"].get<std::string>();
  CHECK(overview["inactive_weeks"] == 6);
  CHECK(mentor.get_json("/v1/staff/groups/" + g2a + "?weeks=2")["inactive_weeks"] == 2);
  CHECK(mentor.get("/v1/staff/groups/" + g2a + "?weeks=0").status == 400);
  CHECK(reads_of(data, "pupil:" + sem_id) == before + 2);

  check_mentor_refusals(mentor, ids);

  json dossier = mentor.get_json("/v1/staff/pupils/" + sem_id);
  REQUIRE(dossier["cycles"].size() == 1);
  CHECK(dossier["cycles"][0]["activity"]["id"] == activity);
  CHECK(dossier["conversation_rules"].size() == 8);
  CHECK(mentor.get("/leerling/" + sem_id).status == 200);
  CHECK(mentor.get("/groep").status == 200);
  CHECK(reads_of(data, "pupil:" + sem_id) == before + 5);

  check_other_roles(server.url(), decaan, directie, ans, ids);
}

TEST_CASE("staff mentor: a comment from the web reaches the pupil's phone, bad ones write nothing",
          "[integration][staff][mentor][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  const std::string sem_id = sem.user();
  const std::string bucket = "pupil:" + sem_id;
  const std::string activity = expect_ok(
      sem.replica->put({{"type", "activity"}, {"kind", "meeloopdag"}, {"title", "Garage"}}));
  sem.sync();
  Device aisha(dir.file("aisha.db"), server.url(), server.code("Aisha"));
  const std::string elsewhere = expect_ok(
      aisha.replica->put({{"type", "activity"}, {"kind", "interview"}, {"title", "Kapper"}}));
  aisha.sync();

  StaffClient mentor(server.url());
  mentor.sign_in(server.code("Mevrouw Jansen"));
  const std::string me = mentor.get_json("/v1/staff/me")["person"];
  const std::string path = "/v1/staff/pupils/" + sem_id + "/comments";
  const json good = {{"entry", activity}, {"text", "Goed gekozen, Sem! Wat wil je vragen?"}};

  check_bad_comments(mentor, path, good, elsewhere, aisha.user());
  sem.sync();
  CHECK(comments_on(sem, bucket).empty());

  // The schema's limit is 4000 bytes of UTF-8: 2000 letters with an accent, not one more.
  std::string long_text;
  for (int i = 0; i < 2000; ++i) long_text += "é";
  CHECK(mentor.post(path, {{"entry", activity}, {"text", long_text + "é"}}).status == 400);
  HttpResponse ok = mentor.post(path, good);
  REQUIRE(ok.status == 200);
  const std::string comment = json::parse(ok.body)["id"];
  CHECK(mentor.post(path, {{"entry", activity}, {"text", long_text}}).status == 200);
  CHECK(mentor.post(path, {{"entry", activity}, {"text", std::string(4000, 'a')}}).status == 200);

  sem.sync();
  json on_phone = expect_ok(sem.replica->get(comment));
  CHECK(on_phone["body"] == good["text"]);
  CHECK(on_phone["author"] == me);
  CHECK(on_phone["on"] == activity);
  CHECK(on_phone["bucket"] == bucket);
  CHECK(comments_on(sem, bucket).size() == 3);
  // The timeline shows it, with its author's name.
  json dossier = mentor.get_json("/v1/staff/pupils/" + sem_id);
  json shown = dossier["cycles"][0]["activity"]["comments"];
  REQUIRE(shown.size() == 3);
  CHECK(shown[0]["author_name"] == "Mevrouw Jansen");
  // The manager may not write one.
  StaffClient directie(server.url());
  directie.sign_in(server.code("Directie"));
  CHECK(directie.post(path, good).status == 403);
}

TEST_CASE("staff mentor: a mentor moved to another group loses the old one at once",
          "[integration][staff][mentor][pg]") {
  TempDir dir;
  const std::string data = dir.file("server");
  ServerProcess server(data);
  const std::string token_file = dir.file("admin.token");
  std::ofstream(token_file) << admin(data, "admin-token nightly") << "\n";
  auto nightly = [&](const std::string& roster) {
    std::string cmd = std::string(WERKEX_ADMIN) + " nightly --server " + server.admin_url() +
                      " --token-file " + token_file + " --report " + dir.file("report.json") +
                      " --roster " + roster + " >/dev/null 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
    std::ifstream in(dir.file("report.json"));
    return json::parse(in);
  };
  const std::string day1 = std::string(WERKEX_SCHOOL_FIXTURES) + "/day1";
  json report = nightly(day1);
  std::string code;
  for (const json& p : report["roster"]["new_people"])
    if (p["external_id"] == "t-01") code = p["code"];
  REQUIRE(!code.empty());
  StaffClient t01(server.url());
  t01.sign_in(code);
  json groups = t01.get_json("/v1/staff/groups");
  REQUIRE(groups["groups"].size() == 1);
  const std::string old_group = groups["groups"][0]["id"];
  json overview = t01.get_json("/v1/staff/groups/" + old_group);
  REQUIRE(!overview["pupils"].empty());
  const std::string old_pupil = overview["pupils"][0]["id"];
  CHECK(t01.get("/v1/staff/pupils/" + old_pupil).status == 200);

  // The next roster makes her mentor of 2BB-b instead of 1KB-a.
  const std::string day2 = dir.file("day2");
  std::filesystem::copy(day1, day2);
  {
    std::ifstream in(day1 + "/enrollments.csv");
    std::ofstream out(day2 + "/enrollments.csv", std::ios::trunc);
    for (std::string line; std::getline(in, line);) {
      if (line.starts_with("e-t01,cls-1kb,")) line.replace(0, 14, "e-t01,cls-2bb,");
      out << line << "\n";
    }
  }
  nightly(day2);
  CHECK(t01.get("/v1/staff/groups/" + old_group).status == 403);
  CHECK(t01.get("/v1/staff/pupils/" + old_pupil).status == 403);
  CHECK(t01.get("/leerling/" + old_pupil).status == 403);
  CHECK(t01.get("/groep?id=" + old_group).status == 403);
  json now = t01.get_json("/v1/staff/groups");
  REQUIRE(now["groups"].size() == 1);
  CHECK(now["groups"][0]["name"] == "2BB-b");
}
