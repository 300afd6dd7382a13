// The Groep page's read model over real dossiers.
#include "dashboard/group_overview.hpp"
#include "dashboard_world.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

json labels(const json& list) {
  json out = json::array();
  for (const json& x : list) out.push_back(x["label"]);
  return out;
}

}  // namespace

TEST_CASE("group: one row per pupil with phases, competencies, variety, hours and sign-offs",
          "[dashboard][group]") {
  DashWorld w;
  std::string sem = w.add_pupil("Sem", w.group);
  std::string aisha = w.add_pupil("Aisha", w.group);
  std::string noah = w.add_pupil("Noah", w.group_b);  // another group: not in this page
  FullDossier d = w.build_dossier(sem, false);
  dashboard::SummaryCache cache(*w.db);
  json page =
      expect_ok(dashboard::group_overview(cache, w.scope_of(w.teacher), w.group, {kToday, 4}));
  CHECK(page["group"]["name"] == "3KB-a");
  REQUIRE(page["pupils"].size() == 2);
  CHECK(page["pupils"][0]["name"] == "Aisha");  // sorted by name
  json row = row_of(page, sem);
  CHECK(row["activities"] == 2);  // 30 Nov 2026 and 15 Jan 2027: both this school year
  CHECK(row["complete_cycles"] == 1);
  CHECK(row["phases"] == json({{"voorbereid", true},
                               {"ervaren", true},
                               {"gereflecteerd", true},
                               {"vervolgstap", true},
                               {"afgetekend", true}}));
  CHECK(labels(row["competencies"]) == json({"Kwaliteitenreflectie", "Werkexploratie"}));
  CHECK(labels(row["kinds"]) == json({"Snuffelstage"}));
  CHECK(row["sectors"] == json({"food"}));  // the placement's company's sector
  CHECK(row["signoffs"] == json({{"waiting", 0}, {"stale", 0}, {"invalid", 0}, {"valid", 1}}));
  REQUIRE(row["hours"].size() == 1);
  CHECK(row["hours"][0]["company"] == "Bakkerij De Korenaar");
  CHECK(row["hours"][0]["hours"] == 6);
  CHECK(row["last_activity"] == "2026-12-02");
  CHECK(row["last_activity_label"] == "2 december 2026");
  CHECK(row["inactive"] == false);
  json empty = row_of(page, aisha);
  CHECK(empty["activities"] == 0);
  CHECK(empty["inactive"] == true);
  CHECK(empty["phases"]["voorbereid"] == false);
  // Inactive after N weeks: 4 weeks after 2 December is 30 December.
  json later = expect_ok(dashboard::group_overview(cache, w.scope_of(w.teacher, "2027-01-01"),
                                                   w.group, {"2027-01-01", 4}));
  CHECK(row_of(later, sem)["inactive"] == true);
  json charts = page["charts"];
  CHECK(charts["competencies"].size() == 5);
  for (const json& c : charts["competencies"])
    CHECK(c["pupils"] ==
          (c["id"] == "werkexploratie" || c["id"] == "kwaliteitenreflectie" ? 1 : 0));
  CHECK(charts["cycle_completion"].size() == 2);
  REQUIRE(charts["activity_per_month"].size() == 12);
  CHECK(charts["activity_per_month"][0]["month"] == "2026-08");
  CHECK(charts["activity_per_month"][3] ==
        json({{"month", "2026-11"}, {"label", "november 2026"}, {"activities", 1}}));
  CHECK(charts["activity_per_month"][5]["activities"] == 1);  // januari 2027
  (void)noah;
  (void)d;
}

TEST_CASE("group: an activity of last school year does not count this year", "[dashboard][group]") {
  DashWorld w;
  std::string sem = w.add_pupil("Sem", w.group);
  w.small_cycle(sem, "interview", "2026-06-10", "netwerken", true);
  w.small_cycle(sem, "gastles", "2026-09-10", "motievenreflectie", false);
  dashboard::SummaryCache cache(*w.db);
  json row = row_of(
      expect_ok(dashboard::group_overview(cache, w.scope_of(w.teacher), w.group, {kToday, 4})),
      sem);
  CHECK(row["activities"] == 1);
  CHECK(row["complete_cycles"] == 0);  // the complete one was last year
  CHECK(row["phases"]["gereflecteerd"] == false);
  CHECK(labels(row["kinds"]) == json({"Gastles"}));
  // Competencies are the dossier's, over the years.
  CHECK(labels(row["competencies"]) == json({"Motievenreflectie", "Netwerken"}));
}

TEST_CASE("group: unknown ids, another school's group and other groups are refused",
          "[dashboard][group][bad-input]") {
  DashWorld w;
  dashboard::SummaryCache cache(*w.db);
  auto scope = w.scope_of(w.teacher);
  auto unknown =
      dashboard::group_overview(cache, scope, "0190a000-0000-7000-8000-00000000dead", {kToday, 4});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == WX_NOT_FOUND);
  CHECK(dashboard::group_overview(cache, scope, w.teacher, {kToday, 4}).error().code ==
        WX_NOT_FOUND);  // a person's id is no group
  CHECK(dashboard::group_overview(cache, scope, w.group_b, {kToday, 4}).error().code ==
        WX_PERMISSION_DENIED);  // not their group
  CHECK(dashboard::group_overview(cache, scope, w.group, {"gisteren", 4}).error().code ==
        WX_INVALID_ARGUMENT);
  // A group in another school's bucket, even for a counsellor who sees every group of hers.
  expect_ok(w.db->set_identity({w.admin, "admin", "", "school:other"}));
  std::string other_school = w.put({{"type", "school"}, {"name", "Het Andere College"}});
  std::string other = w.put({{"type", "group"}, {"name", "1A"}, {"school", other_school}});
  auto denied = dashboard::group_overview(cache, w.scope_of(w.decaan), other, {kToday, 4});
  REQUIRE_FALSE(denied);
  CHECK(denied.error().code == WX_PERMISSION_DENIED);
  CHECK(denied.error().message.find("another school") != std::string::npos);
}
