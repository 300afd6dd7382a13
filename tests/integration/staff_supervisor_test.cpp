// The supervisor's page, Mijn stagiairs (issue 12), through the real werkex-server: the
// praktijkbegeleider sees her running placement's pupil and the work waiting for her
// signature, never the pupil's other entries, and every look is in the access log.
#include "staff_client.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

// The id of the pupil's placement at `company` as the pupil's phone holds it.
std::string placement_at(Device& phone, const std::string& company_name) {
  Query q;
  q.type = "company";
  std::string company;
  for (const json& c : expect_ok(phone.replica->list(q)))
    if (c["name"] == company_name) company = c["id"];
  q.type = "placement";
  for (const json& p : expect_ok(phone.replica->list(q)))
    if (p["company"] == company) return p["id"];
  FAIL("no placement at " << company_name);
  return "";
}

}  // namespace

TEST_CASE("staff supervisor: her stagiairs and the work waiting for her signature, nothing else",
          "[integration][staff][supervisor][pg]") {
  TempDir dir;
  const std::string data = dir.file("server");
  ServerProcess server(data);
  Device phone(dir.file("sem.db"), server.url(), server.code("Sem"));
  phone.sync();
  const std::string bistro = placement_at(phone, "Bistro Noord");
  const std::string activity = expect_ok(phone.replica->put({{"type", "activity"},
                                                             {"kind", "snuffelstage"},
                                                             {"title", "Stage keuken"},
                                                             {"placement", bistro}}));
  const std::string work = expect_ok(phone.replica->put({{"type", "experience"},
                                                         {"activity", activity},
                                                         {"occurred_at", "2026-12-01T10:00:00Z"},
                                                         {"note", "Soep gemaakt voor 40 gasten"}}));
  expect_ok(phone.replica->put({{"type", "experience"},
                                {"occurred_at", "2026-11-28T16:00:00Z"},
                                {"note", "Geheime hobby: modeltreinen"}}));
  phone.sync();

  StaffClient ans(server.url()), mentor(server.url());
  ans.sign_in(server, "Ans Bakker");
  mentor.sign_in(server, "Mevrouw Jansen");
  json s = ans.get_json("/v1/staff/supervision");
  REQUIRE(s["placements"].size() == 1);  // the garage placement ended long ago
  CHECK(s["placements"][0]["id"] == bistro);
  CHECK(s["placements"][0]["pupil_name"] == "Sem");
  CHECK(s["placements"][0]["company_name"] == "Bistro Noord");
  CHECK(s["placements"][0]["waiting"] == 1);
  REQUIRE(s["waiting"].size() == 1);
  CHECK(s["waiting"][0]["entity"] == work);
  CHECK(s["waiting"][0]["kind"] == "signoff_waiting");

  HttpResponse page = ans.get("/begeleider");
  REQUIRE(page.status == 200);
  CHECK(page.body.find("Bistro Noord") != std::string::npos);
  CHECK(page.body.find("Soep gemaakt") != std::string::npos);
  for (const std::string& body : {page.body, s.dump()}) {
    CHECK(body.find("modeltreinen") == std::string::npos);
    CHECK(body.find("Garage Van Dam") == std::string::npos);
  }
  CHECK(std::stoul(admin(data, "reads pupil:" + phone.user())) >= 2);

  // Only for supervisors; a signed-out browser is sent to the sign-in page.
  CHECK(mentor.get("/begeleider").status == 403);
  CHECK(mentor.get("/v1/staff/supervision").status == 403);
  StaffClient nobody(server.url());
  CHECK(nobody.get("/v1/staff/supervision").status == 401);
}
