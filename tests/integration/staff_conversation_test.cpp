// The mentor's loopbaangesprek, the counsellor's Inzage, `werkex-admin reads` and the manager's
// Directie (issue 12) through the real werkex-server: a conversation reaches the pupil's phone,
// access is as sync's, the access and audit logs say who did what, aggregates carry no names.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include <sys/wait.h>

#include "staff_client.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

std::string pupil_named(StaffClient& counsellor, const std::string& name) {
  const json net = body_json(counsellor.get("/v1/staff/network"));
  for (const json& p : net["pupils"])
    if (p["name"] == name) return p["id"];
  FAIL("no pupil " << name);
  return "";
}

json conversation(const std::string& experience) {
  return {{"experiences", {experience}},
          {"with_whom", {"mentor"}},
          {"qualities", {"nauwkeurig", "rustig"}},
          {"motives", {"mensen helpen"}},
          {"conversation_rules", {"ruimte_geven", "inzoomen"}},
          {"competencies", {"kwaliteitenreflectie"}},
          {"summary", "Sem was trots op de taart die hij alleen afmaakte."},
          {"next_step",
           {{"description", "Een dag meelopen bij een bakkerij"},
            {"action", "uitproberen"},
            {"direction", {"verdiepen"}},
            {"feasible", true},
            {"challenging", true}}}};
}

size_t count_of(Device& phone, const std::string& type) {
  Query q;
  q.type = type;
  q.bucket = "pupil:" + phone.user();
  return expect_ok(phone.replica->list(q)).size();
}

}  // namespace

TEST_CASE("conversation: the mentor records it and it reaches the pupil's phone",
          "[integration][staff][conversation][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device phone(dir.file("sem.db"), server.url(), server.code("Sem"));
  const std::string exp = expect_ok(phone.replica->put({{"type", "experience"},
                                                        {"occurred_at", "2026-11-30T10:00:00Z"},
                                                        {"note", "Taart versierd in de bakkerij"},
                                                        {"emotion", "trots"}}));
  phone.sync();
  StaffClient mentor(server.url()), c(server.url()), manager(server.url());
  mentor.sign_in(server, "Mevrouw Jansen");
  c.sign_in(server, "Meneer De Vries");
  manager.sign_in(server, "Directie");
  const std::string sem = phone.user(), noah = pupil_named(c, "Noah");
  const std::string url = "/v1/staff/pupils/" + sem + "/conversation";

  HttpResponse page = mentor.get("/gesprek/" + sem);
  REQUIRE(page.status == 200);
  CHECK(page.body.find("Taart versierd") != std::string::npos);
  CHECK(page.body.find("1 ruimte geven") != std::string::npos);

  // Bad input: nothing written.
  json bad = conversation(exp);
  bad.erase("summary");
  CHECK(mentor.post(url, bad).status == 400);
  bad = conversation(exp);
  bad.erase("next_step");
  CHECK(mentor.post(url, bad).status == 400);
  bad = conversation(exp);
  bad["conversation_rules"] = {"schreeuwen"};
  CHECK(mentor.post(url, bad).status == 400);
  bad = conversation(exp);
  bad["next_step"]["action"] = "slapen";
  CHECK(mentor.post(url, bad).status == 400);
  bad = conversation(exp);
  bad["held_by"] = "iemand";
  CHECK(mentor.post(url, bad).status == 400);
  CHECK(mentor.post(url, conversation("0190b000-0000-7000-8000-00000000abcd")).status == 404);
  CHECK(mentor.post(url, conversation(exp), false).status == 403);  // no CSRF token

  // Access as sync: another group's pupil, the manager.
  CHECK(mentor.get("/gesprek/" + noah).status == 403);
  CHECK(mentor.post("/v1/staff/pupils/" + noah + "/conversation", conversation(exp)).status == 403);
  CHECK(manager.get("/gesprek/" + sem).status == 403);
  CHECK(manager.post(url, conversation(exp)).status == 403);
  phone.sync();
  CHECK(count_of(phone, "reflection") == 0);
  CHECK(count_of(phone, "next_step") == 0);

  HttpResponse ok = mentor.post(url, conversation(exp));
  REQUIRE(ok.status == 200);
  const std::string rid = body_json(ok)["reflection"], sid = body_json(ok)["next_step"];
  phone.sync();
  json r = expect_ok(phone.replica->get(rid));
  CHECK(r["summary"] == "Sem was trots op de taart die hij alleen afmaakte.");
  CHECK(r["held_by"] == body_json(mentor.get("/v1/staff/me"))["person"]);
  CHECK(r["experiences"] == json::array({exp}));
  CHECK(r["conversation_rules"].size() == 2);
  json step = expect_ok(phone.replica->get(sid));
  CHECK(step["reflection"] == rid);
  CHECK(step["action"] == "uitproberen");
  CHECK(step["feasible"] == true);

  // The decaan holds loopbaangesprekken too, with any pupil of the school.
  json by_counsellor = conversation(exp);
  by_counsellor["with_whom"] = {"decaan"};
  by_counsellor["summary"] = "Gesprek met de decaan over de bakkerij.";
  HttpResponse theirs = c.post(url, by_counsellor);
  REQUIRE(theirs.status == 200);
  phone.sync();
  CHECK(count_of(phone, "reflection") == 2);
  CHECK(count_of(phone, "next_step") == 2);
  json cr = expect_ok(phone.replica->get(body_json(theirs)["reflection"].get<std::string>()));
  CHECK(cr["held_by"] == body_json(c.get("/v1/staff/me"))["person"]);
  CHECK(cr["summary"] == "Gesprek met de decaan over de bakkerij.");
}

TEST_CASE("inzage: who read a dossier, enrolments, revocations and codes, also in werkex-admin",
          "[integration][staff][inzage][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device phone(dir.file("sem.db"), server.url(), server.code("Sem"));
  expect_ok(phone.replica->put(
      {{"type", "experience"}, {"occurred_at", "2026-11-30T10:00:00Z"}, {"note", "Brood"}}));
  phone.sync();
  const std::string sem = phone.user();
  // Her second device pulls the dossier: a device read in the access log.
  Device tablet(dir.file("tablet.db"), server.url(), admin(dir.file("server"), "invite " + sem));
  tablet.sync();
  StaffClient mentor(server.url()), c(server.url()), manager(server.url());
  mentor.sign_in(server, "Mevrouw Jansen");
  c.sign_in(server, "Meneer De Vries");
  manager.sign_in(server, "Directie");
  REQUIRE(mentor.get("/gesprek/" + sem).status == 200);
  std::string placement;
  const json net = body_json(c.get("/v1/staff/network"));
  for (const json& p : net["placements"])
    if (p["pupil"] == sem) placement = p["id"];
  REQUIRE(!placement.empty());
  REQUIRE(c.post("/v1/staff/placements/" + placement + "/codes", json::object()).status == 200);
  admin_all(dir.file("server"), "revoke " + sem);

  HttpResponse a = c.get("/v1/staff/audit?pupil=" + sem);
  REQUIRE(a.status == 200);
  json audit = body_json(a);
  bool mentor_read = false, device_read = false;
  for (const json& r : audit["reads"]) {
    mentor_read =
        mentor_read || (r["name"] == "Mevrouw Jansen" && r["via"] == "dashboard /gesprek");
    device_read = device_read || r["via"].get<std::string>().starts_with("apparaat ");
  }
  CHECK(mentor_read);
  CHECK(device_read);
  std::set<std::string> actions;
  for (const json& e : audit["events"]) actions.insert(e["action"]);
  for (const char* action : {"invite_issued", "device_enrolled", "devices_revoked", "pin_issued"})
    CHECK(actions.count(action) == 1);
  HttpResponse page = c.get("/inzage?pupil=" + sem);
  CHECK(page.status == 200);
  CHECK(page.body.find("Mevrouw Jansen") != std::string::npos);
  CHECK(page.body.find("apparaten ingetrokken") != std::string::npos);

  CHECK(mentor.get("/v1/staff/audit?pupil=" + sem).status == 403);
  CHECK(manager.get("/v1/staff/audit?pupil=" + sem).status == 403);
  CHECK(manager.get("/inzage").status == 403);
  CHECK(c.get("/v1/staff/audit?pupil=" + placement).status == 404);
  CHECK(c.get("/v1/staff/audit").status == 400);

  std::string reads = admin_all(dir.file("server"), "reads pupil:" + sem);
  CHECK(reads.find(" reads of pupil:" + sem) != std::string::npos);
  CHECK(std::stoul(reads) >= 3);  // the phone, the mentor's page, the Inzage looks
  CHECK(reads.find("\tMevrouw Jansen\tteacher\tweb:/gesprek\t") != std::string::npos);
  CHECK(reads.find("\tSem\tpupil\t") != std::string::npos);  // her phone's syncs
}

TEST_CASE("directie: the manager sees aggregates without names, small groups hidden",
          "[integration][staff][directie][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  StaffClient manager(server.url()), mentor(server.url()), c(server.url());
  manager.sign_in(server, "Directie");
  mentor.sign_in(server, "Mevrouw Jansen");
  c.sign_in(server, "Meneer De Vries");
  HttpResponse a = manager.get("/v1/staff/aggregates");
  REQUIRE(a.status == 200);
  json agg = body_json(a);
  CHECK(agg["min_pupils"] == 5);
  CHECK(agg["hidden_groups"] == 2);  // 2A has 2 pupils, 2B one
  for (const json& g : agg["groups"]) {
    CHECK(g["hidden"] == true);
    CHECK(!g.contains("figures"));
  }
  HttpResponse page = manager.get("/directie");
  REQUIRE(page.status == 200);
  for (const std::string& body : {a.body, page.body})
    for (const char* name : {"Sem", "Aisha", "Noah"}) CHECK(body.find(name) == std::string::npos);
  CHECK(page.body.find("Geen groep is groot genoeg") != std::string::npos);
  CHECK(c.get("/v1/staff/aggregates").status == 200);
  CHECK(mentor.get("/v1/staff/aggregates").status == 403);
  CHECK(mentor.get("/directie").status == 403);
  // The manager has no pupil data and no network.
  const std::string sem = pupil_named(c, "Sem");
  CHECK(manager.get("/gesprek/" + sem).status == 403);
  CHECK(manager.get("/v1/staff/network").status == 403);
  CHECK(manager.post("/v1/staff/placements", {{"pupil", sem}}).status == 403);
}

TEST_CASE("directie: a school's manager from the roster sees its group of five, no names",
          "[integration][staff][directie][pg]") {
  TempDir dir;
  const std::string data = dir.file("server");
  ServerProcess server(data);
  const std::string token_file = dir.file("admin.token");
  std::ofstream(token_file) << admin(data, "admin-token nightly") << "\n";
  // day1 with a fifth pupil in 1KB-a; 2BB-b and 3TL-a keep four.
  const std::string roster = dir.file("roster");
  std::filesystem::copy(std::string(WERKEX_SCHOOL_FIXTURES) + "/day1", roster);
  std::ofstream(roster + "/users.csv", std::ios::app)
      << "p-1013,,,true,org-brug,student,tkok,,Tess,Kok,,1013,,,,,07,\n";
  std::ofstream(roster + "/enrollments.csv", std::ios::app)
      << "e-1013,cls-1kb,org-brug,p-1013,student,,,2026-08-17,,\n";
  auto nightly = [&](const std::string& roles) {
    std::string cmd = std::string(WERKEX_ADMIN) + " nightly --server " + server.admin_url() +
                      " --token-file " + token_file + " --report " + dir.file("report.json") +
                      " --roster " + roster + " " + roles + " >/dev/null 2>&1";
    return WEXITSTATUS(std::system(cmd.c_str()));
  };
  // A manager the roster does not have is bad input: exit 3, nothing applied.
  CHECK(nightly("--administrators-are manager --managers t-99") == 3);
  REQUIRE(nightly("--administrators-are manager") == 0);
  json report = json::parse(std::ifstream(dir.file("report.json")));
  std::string code;
  for (const json& p : report["roster"]["new_people"])
    if (p["external_id"] == "a-01") code = p["code"];
  REQUIRE(!code.empty());
  StaffClient manager(server.url());
  manager.sign_in(code);
  CHECK(body_json(manager.get("/v1/staff/me"))["role"] == "manager");
  json agg = manager.get_json("/v1/staff/aggregates");
  CHECK(agg["hidden_groups"] == 2);
  size_t shown = 0;
  for (const json& g : agg["groups"]) {
    if (g["hidden"] == true) continue;
    ++shown;
    CHECK(g["name"] == "1KB-a");
    CHECK(g["figures"]["pupils"] == 5);
  }
  CHECK(shown == 1);
  HttpResponse page = manager.get("/directie");
  REQUIRE(page.status == 200);
  CHECK(page.body.find("1KB-a") != std::string::npos);  // in the table of shown groups
  CHECK(page.body.find("2BB-b") == std::string::npos);
  for (const std::string& body : {manager.get("/v1/staff/aggregates").body, page.body})
    for (const char* name : {"Sem", "Zoë", "Daan", "Jesse", "Tess", "Kok", "Berg"})
      CHECK(body.find(name) == std::string::npos);
  CHECK(manager.get("/v1/staff/groups").status == 403);
}
