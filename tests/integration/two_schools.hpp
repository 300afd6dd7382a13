// Two schools in one werkex-server for the schools tests (schools_test.cpp: access;
// schools_admin_test.cpp: admin tokens, exports, retention, werkex-admin --school): the demo
// school (A) and De Brug imported from the OneRoster fixture by the deployment's token (B),
// and a pupil of B with a dossier entry and a photo.
#pragma once

#include <fstream>

#include "blob_client.hpp"
#include "werkex/dossier.hpp"

namespace werkex::test {

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

}  // namespace werkex::test
