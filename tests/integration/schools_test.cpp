// Schools as tenants (docs/design.md §8), from the attacker's side through the real server: one
// deployment holds the demo school and a second school imported from a OneRoster set, and
// nobody of the one reaches anything of the other — not by sync (pull, push, a hand-made
// request naming the other school's buckets), not by blob, not by the staff site — even when
// someone of the first school writes a placement that names the other school's pupil.
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include "blob_client.hpp"
#include "raw_pull.hpp"
#include "staff_client.hpp"
#include "werkex/dossier.hpp"
#include "werkex/ids.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

// The demo school (A) and De Brug from the roster fixture (B) in one server.
struct TwoSchools {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server;
  json school_b;  // the roster import's report: new_people with ids and codes
  // The demo school's fixed id (server/app/demo.cpp).
  const std::string school_a = "0190b000-0000-7000-8000-000000000001";

  // `config`: more of the server's (limits, retention).
  explicit TwoSchools(json config = json()) : server(data, "127.0.0.1:0", std::move(config)) {
    REQUIRE(nightly(token_file(token("nightly", "")), "--roster " + fixtures("day1")) == 0);
    school_b = report()["roster"];
    REQUIRE(school_b["schools"]["created"] == 1);
  }
  static std::string fixtures(const std::string& day) {
    return std::string(WERKEX_SCHOOL_FIXTURES) + "/" + day;
  }
  // A file holding `token`, for werkex-admin nightly.
  std::string token_file(const std::string& token) {
    const std::string file = dir.file(token.substr(4, 12) + ".token");
    std::ofstream(file) << token << "\n";
    return file;
  }
  // A new admin token `label` for `school` ("" the deployment).
  std::string token(const std::string& label, const std::string& school) {
    return admin(data, "admin-token " + label + (school.empty() ? "" : " --school " + school));
  }
  // `werkex-admin nightly` with the token in `token_file`: its exit code; its report in
  // report(), what it printed in out.
  int nightly(const std::string& token_file, const std::string& args) {
    auto [code, printed] = run_command(
        std::string(WERKEX_ADMIN) + " nightly --server " + server.admin_url() + " --token-file " +
        token_file + " --report " + dir.file("report.json") + " " + args + " 2>&1");
    out = printed;
    return code;
  }
  json report() const {
    std::ifstream in(dir.file("report.json"));
    return json::parse(in);
  }
  HttpResponse admin_api(const std::string& method, const std::string& path,
                         const std::string& token) {
    CurlTransport t(quick_curl());
    return expect_ok(
        t.send({method,
                server.admin_url() + path,
                {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}},
                method == "POST" ? "{}" : ""}));
  }
  std::string out;
  // B's first new person of `role`.
  const json& b_person(const std::string& role) const {
    for (const json& p : school_b["new_people"])
      if (p["role"] == role) return p;
    FAIL("no " << role << " in school B");
    return school_b;
  }
  Device device(const std::string& name, const std::string& code) {
    return Device(dir.file(name + ".db"), server.url(), code);
  }
};

// The sync answer to a hand-made pull of `bucket` names it revoked: not this device's to read.
void check_refused(const ServerProcess& server, const Device& d, const std::string& bucket) {
  INFO(d.user() << " pulls " << bucket);
  protocol::SyncResponse r = raw_pull_response(server, d, bucket);
  CHECK(std::count(r.revoked.begin(), r.revoked.end(), bucket) == 1);
  CHECK(r.buckets.count(bucket) == 0);
}

// A pupil of school B with one experience in their dossier, and a photo on it.
struct BPupil {
  Device phone;
  std::string experience, photo_sha;
  std::string photo_bytes = photo(2000, 7);
  BPupil(TwoSchools& t) : phone(t.device("b-pupil", t.b_person("pupil")["code"])) {
    phone.sync();
    Dossier d(*phone.replica);
    ActivityPlan plan;
    plan.kind = "snuffelstage";
    plan.title = "Bakkerij";
    std::string act = expect_ok(d.plan_activity(plan));
    ExperienceDraft e;
    e.activity = act;
    e.note = "Om vijf uur op, brood gebakken";
    experience = expect_ok(d.record_experience(e));
    photo_sha = sha256_hex(photo_bytes);
    expect_ok(phone.replica->put({{"type", "blob"},
                                  {"sha256", photo_sha},
                                  {"size", photo_bytes.size()},
                                  {"mime", "image/jpeg"},
                                  {"attached_to", experience}}));
    expect_ok(phone.replica->put({{"id", experience}, {"photos", {{"add", {photo_sha}}}}}));
    REQUIRE(phone.sync().rejected.empty());
    BlobClient up(t.server.url(), token_of(phone));
    REQUIRE(up.put(photo_sha, photo_bytes, 0, photo_bytes.size()).status == 200);
    REQUIRE(up.get(photo_sha).body == photo_bytes);  // B's pupil has it
  }
  std::string bucket() const { return "pupil:" + phone.user(); }
};

// Changes as a modified app would push them (the library's own checks would refuse a
// reference to an entity the device does not hold): applied to `d`, pushed at its next sync.
struct Forger {
  Device& d;
  Stamp stamp() { return Stamp{d.replica->clock().now(), d.replica->replica_id()}; }
  std::string new_id() { return new_uuid_v7(d.replica->clock().physical_millis()); }
  void apply(std::vector<Change> changes) {
    Bundle forged = expect_ok(d.replica->changes_since(0));
    forged.changes = std::move(changes);
    expect_ok(d.replica->apply(forged));
  }
  // A comment on `entry` of `bucket`.
  std::string comment(const std::string& bucket, const std::string& entry) {
    const std::string id = new_id();
    apply({{id, "comment", bucket, "on", json(),
            register_write(empty_state(MergeRule::once), entry, stamp())},
           {id, "comment", bucket, "body", json(), lww_write("Goed gedaan!", stamp())}});
    return id;
  }
};

// School A's counsellor writes a running placement of A's supervisor, then points it at B's
// pupil.
std::string foreign_placement(Device& counsellor, const Device& supervisor,
                              const std::string& pupil) {
  counsellor.sync();
  Query companies;
  companies.type = "company";
  auto known = expect_ok(counsellor.replica->list(companies));
  REQUIRE_FALSE(known.empty());
  const std::string today =
      rfc3339_utc(counsellor.replica->clock().physical_millis()).substr(0, 10);
  std::string id = expect_ok(counsellor.replica->put({{"type", "placement"},
                                                      {"pupil", counsellor.user()},
                                                      {"company", known.at(0)["id"]},
                                                      {"supervisor", supervisor.user()},
                                                      {"start_date", today},
                                                      {"end_date", "2099-12-31"},
                                                      {"kind", "snuffelstage"}}));
  Forger f{counsellor};
  f.apply({{id, "placement", counsellor.replica->identity().school_bucket, "pupil", json(),
            lww_write(pupil, f.stamp())}});
  REQUIRE(counsellor.sync().rejected.empty());
  REQUIRE(expect_ok(counsellor.replica->get(id))["pupil"] == pupil);
  return id;
}

}  // namespace

TEST_CASE("schools: a placement naming another school's pupil opens nothing of that dossier",
          "[integration][schools][access][pg]") {
  TwoSchools t;
  BPupil b(t);
  Device counsellor = t.device("a-counsellor", t.server.code("Meneer De Vries"));
  Device ans = t.device("a-supervisor", t.server.code("Ans Bakker"));
  foreign_placement(counsellor, ans, b.phone.user());

  // Her phone syncs as always: nothing of B's dossier, and a pull of it by hand is refused.
  ans.sync();
  Query of_b;
  of_b.bucket = b.bucket();
  of_b.include_deleted = true;
  CHECK(expect_ok(ans.replica->list(of_b)).empty());
  check_refused(t.server, ans, b.bucket());
  CHECK(BlobClient(t.server.url(), token_of(ans)).get(b.photo_sha).status == 404);
  // Nor can she write into it: a comment on B's experience is refused and never reaches B.
  std::string comment = Forger{ans}.comment(b.bucket(), b.experience);
  SyncReport pushed = ans.sync();
  CHECK(pushed.rejected.size() >= 1);
  b.phone.sync();
  CHECK_FALSE(b.phone.replica->get(comment));
  // B's pupil still has their dossier whole.
  CHECK(b.phone.replica->get(b.experience));
}

TEST_CASE("schools: nobody of school A reads or writes school B's buckets by sync or blob",
          "[integration][schools][access][pg]") {
  TwoSchools t;
  BPupil b(t);
  Device b_teacher = t.device("b-teacher", t.b_person("teacher")["code"]);
  b_teacher.sync();
  const std::string b_school = b_teacher.replica->identity().school_bucket;
  REQUIRE(b_school.rfind("school:", 0) == 0);

  Device sem = t.device("sem", t.server.code("Sem"));
  for (const char* name :
       {"Meneer De Vries", "Mevrouw Jansen", "Sem", "Ans Bakker", "Ouder van Sem", "Directie"}) {
    std::optional<Device> other;
    if (name != std::string("Sem"))
      other.emplace(t.dir.file(std::string("a-") + name + ".db"), t.server.url(),
                    t.server.code(name));
    Device& a = other ? *other : sem;
    a.sync();
    REQUIRE(a.replica->identity().school_bucket != b_school);
    check_refused(t.server, a, b_school);
    check_refused(t.server, a, b.bucket());
    // Nor B's photo, known by its hash: refused as a hash that exists nowhere.
    BlobClient blobs(t.server.url(), token_of(a));
    CHECK(blobs.get(b.photo_sha).status == 404);
    CHECK(blobs.head(b.photo_sha).status == 404);
    // A write into either is refused, and B never receives it.
    Forger f{a};
    std::string in_dossier = f.comment(b.bucket(), b.experience);
    std::string in_school = f.new_id();
    f.apply({{in_school, "company", b_school, "name", json(), lww_write("Nep BV", f.stamp())}});
    SyncReport r = a.sync();
    CHECK(r.rejected.size() >= 2);
    b.phone.sync();
    b_teacher.sync();
    CHECK_FALSE(b.phone.replica->get(in_dossier));
    CHECK_FALSE(b_teacher.replica->get(in_school));
  }
  // And the other way round: B's teacher gets nothing of A's pupils.
  check_refused(t.server, b_teacher, "pupil:" + sem.user());
  check_refused(t.server, b_teacher, sem.replica->identity().school_bucket);
}

TEST_CASE("schools: school A's staff site shows nothing of school B's pupils",
          "[integration][schools][staff]") {
  TwoSchools t;
  BPupil b(t);
  Device counsellor = t.device("a-counsellor", t.server.code("Meneer De Vries"));
  Device ans = t.device("a-supervisor", t.server.code("Ans Bakker"));
  const std::string placement = foreign_placement(counsellor, ans, b.phone.user());
  const std::string pupil = b.phone.user();

  StaffClient decaan(t.server.url());
  decaan.sign_in(admin(t.data, "invite " + counsellor.user()));
  for (const std::string& path :
       {"/v1/staff/pupils/" + pupil, "/v1/staff/audit?pupil=" + pupil, "/leerling/" + pupil,
        "/v1/staff/pupils/" + pupil + "/photos/" + sha256_hex("x") + "?size=thumb"}) {
    INFO(path);
    HttpResponse r = decaan.get(path);
    CHECK((r.status == 404 || r.status == 403));
    CHECK(r.body.find("Bakkerij") == std::string::npos);
  }
  // Nor write: a comment on B's experience through the site.
  HttpResponse c = decaan.post("/v1/staff/pupils/" + pupil + "/comments",
                               {{"entry", b.experience}, {"text", "Goed gedaan!"}});
  CHECK((c.status == 404 || c.status == 403));
  b.phone.sync();
  Query comments;
  comments.type = "comment";
  CHECK(expect_ok(b.phone.replica->list(comments)).empty());

  StaffClient begeleider(t.server.url());
  begeleider.sign_in(admin(t.data, "invite " + ans.user()));
  HttpResponse mine = begeleider.get("/v1/staff/supervision");
  REQUIRE(mine.status == 200);
  CHECK(mine.body.find(placement) == std::string::npos);
  HttpResponse page = begeleider.get("/v1/staff/pupils/" + pupil);
  CHECK((page.status == 404 || page.status == 403));
}

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
          "[integration][schools][nightly]") {
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
  // A token made for the school acts for it (the admin API's roster, above).
  auto [made, token] = run("admin-token school-a-nightly");
  CHECK(made == 0);
  CHECK(token.rfind("wxa_", 0) == 0);
}

TEST_CASE("schools: a school's retention erases its own leavers and leaves the logs alone",
          "[integration][schools][retention]") {
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
