// The Netwerk page's read model: companies, placements this year, hosts and endings.
#include "dashboard/network_overview.hpp"
#include "dashboard_world.hpp"

using namespace werkex;
using namespace werkex::test;

TEST_CASE("network: companies with this year's placements, supervisors and endings",
          "[dashboard][network]") {
  DashWorld w;
  std::string sem = w.add_pupil("Sem", w.group), aisha = w.add_pupil("Aisha", w.group);
  std::string now = w.add_placement(sem);  // 2026-11-01 .. 2026-12-01
  expect_ok(w.db->set_identity(w.as("counsellor", "", w.counsellor)));
  std::string garage = w.put({{"type", "company"},
                              {"name", "Garage Smit"},
                              {"sector", "techniek"},
                              {"offers", {"meeloopdag", "vakman_op_stap"}}});
  auto place = [&](const std::string& pupil, const std::string& company, const char* start,
                   const char* end) {
    return w.put({{"type", "placement"},
                  {"pupil", pupil},
                  {"company", company},
                  {"supervisor", w.ans},
                  {"start_date", start},
                  {"end_date", end},
                  {"kind", "meeloopdag"}});
  };
  std::string soon = place(aisha, garage, "2026-11-20", "2026-12-10");
  place(sem, garage, "2026-12-01", "2027-02-01");
  place(aisha, w.company, "2025-10-01", "2025-10-20");  // last school year
  json page =
      expect_ok(network_overview(*w.db, w.scope_of(w.decaan, "2026-11-25"), "2026-11-25", 15));
  INFO(page.dump(1));
  REQUIRE(page["companies"].size() == 2);
  json bakery = page["companies"][0], smit = page["companies"][1];
  CHECK(bakery["name"] == "Bakkerij De Korenaar");
  CHECK(bakery["placements_this_year"] == 1);
  CHECK(bakery["pupils_hosted"] == 1);
  CHECK(bakery["pupils_hosted_ever"] == 2);
  CHECK(smit["pupils_hosted"] == 2);
  CHECK(smit["offers"][1]["label"] == "Vakman op stap");
  CHECK(smit["supervisors"] == json::array({{{"id", w.ans}, {"name", "Ans de Vries"}}}));
  CHECK(page["placements"].size() == 3);
  REQUIRE(page["ending_soon"].size() == 2);  // ends 1 Dec (6 days) and 10 Dec (15 days)
  CHECK(page["ending_soon"][0]["id"] == now);
  CHECK(page["ending_soon"][0]["days_left"] == 6);
  CHECK(page["ending_soon"][0]["pupil_name"] == "Sem");
  CHECK(page["ending_soon"][1]["id"] == soon);
  CHECK(page["ending_soon"][1]["end_label"] == "10 december 2026");
  CHECK(network_overview(*w.db, w.scope_of(w.teacher), kToday, 14).error().code ==
        WX_PERMISSION_DENIED);
  CHECK(network_overview(*w.db, w.scope_of(w.directie), kToday, 14).error().code ==
        WX_PERMISSION_DENIED);
}
