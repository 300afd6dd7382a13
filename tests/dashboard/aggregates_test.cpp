// The Directie page from the attacker's side: a manager sees no name and no figure of a group
// under 5 pupils, directly or by subtracting one shown figure from another.
#include "dashboard/aggregates.hpp"
#include "dashboard_world.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

struct School {
  std::string g4, g30, g6;
  std::vector<std::string> small, large, other;
};

School make_school(DashWorld& w) {
  School s;
  s.g4 = w.add_group("3KB-klein", 3, "kb");
  s.g30 = w.add_group("3KB-groot", 3, "kb");
  s.g6 = w.add_group("4GL", 4, "gl");
  for (int i = 0; i < 4; ++i) s.small.push_back(w.add_pupil("Klein " + std::to_string(i), s.g4));
  for (int i = 0; i < 30; ++i) s.large.push_back(w.add_pupil("Groot " + std::to_string(i), s.g30));
  for (int i = 0; i < 6; ++i) s.other.push_back(w.add_pupil("Vier " + std::to_string(i), s.g6));
  for (size_t i = 0; i < s.large.size(); i += 3)
    w.small_cycle(s.large[i], "meeloopdag", "2026-10-12", "werkexploratie", i % 2 == 0);
  w.small_cycle(s.other[0], "interview", "2026-11-03", "netwerken", true);
  return s;
}

const json* find_by(const json& list, const char* key, const json& value) {
  for (const json& x : list)
    if (x[key] == value) return &x;
  return nullptr;
}

}  // namespace

TEST_CASE("aggregates: a group of 4 is hidden and cannot be recovered by subtraction",
          "[dashboard][aggregates][privacy]") {
  DashWorld w(false);
  School s = make_school(w);
  dashboard::SummaryCache cache(*w.db);
  auto manager = w.scope_of(w.directie);
  json page = expect_ok(dashboard::school_aggregates(cache, manager, kToday));
  const json* small = find_by(page["groups"], "id", s.g4);
  REQUIRE(small);
  CHECK((*small)["hidden"] == true);
  CHECK_FALSE(small->contains("figures"));
  const json* large = find_by(page["groups"], "id", s.g30);
  REQUIRE(large);
  CHECK((*large)["figures"]["pupils"] == 30);
  CHECK((*large)["figures"]["activities"] == 10);
  // Year 3 holds the 4 and the 30: it shows the 30's figures, nothing to subtract.
  const json* year3 = find_by(page["years"], "year", 3);
  REQUIRE(year3);
  CHECK((*year3)["figures"] == (*large)["figures"]);
  CHECK((*year3)["groups"] == 1);
  const json* kb = find_by(page["levels"], "level", "kb");
  REQUIRE(kb);
  CHECK((*kb)["figures"] == (*large)["figures"]);
  CHECK(page["hidden_groups"] == 3);  // and the world's two empty groups
  // No name of any pupil anywhere.
  const std::string text = page.dump();
  for (const char* name : {"Klein", "Groot", "Vier"}) CHECK(text.find(name) == std::string::npos);

  // Whatever the 4 do, the manager's page does not change by a byte.
  for (const std::string& p : s.small) {
    w.small_cycle(p, "beroepsstage", "2026-11-15", "loopbaansturing", true);
    w.small_cycle(p, "gastles", "2026-09-15", "netwerken", false);
  }
  CHECK(expect_ok(dashboard::school_aggregates(cache, manager, kToday)).dump() == text);
}

TEST_CASE("aggregates: a year or level whose shown groups hold under 5 pupils is hidden",
          "[dashboard][aggregates][privacy]") {
  DashWorld w(false);
  std::string g = w.add_group("2BB", 2, "bb");
  for (int i = 0; i < 4; ++i)
    w.small_cycle(w.add_pupil("P" + std::to_string(i), g), "meeloopdag", "2026-10-01", "netwerken",
                  true);
  dashboard::SummaryCache cache(*w.db);
  json page = expect_ok(dashboard::school_aggregates(cache, w.scope_of(w.directie), kToday));
  CHECK(find_by(page["groups"], "id", g)->at("hidden") == true);
  CHECK(find_by(page["years"], "year", 2) == nullptr);  // no shown group: no year 2 at all
  CHECK(page["trend"] == json({{"hidden", true}}));
  // A fifth pupil joins: the group, its year, its level and the trend appear.
  w.add_pupil("P4", g);
  page = expect_ok(dashboard::school_aggregates(cache, w.scope_of(w.directie), kToday));
  CHECK(find_by(page["groups"], "id", g)->at("figures")["pupils"] == 5);
  CHECK(find_by(page["years"], "year", 2)->at("figures")["pupils_with_complete_cycle"] == 4);
  CHECK(find_by(page["levels"], "level", "bb")->at("label") == "basisberoepsgerichte leerweg");
  CHECK(page["trend"]["months"][2]["activities"] == 4);  // oktober 2026
}

TEST_CASE("aggregates: only a scope with aggregates may read them", "[dashboard][aggregates]") {
  DashWorld w;
  dashboard::SummaryCache cache(*w.db);
  CHECK(dashboard::school_aggregates(cache, w.scope_of(w.teacher), kToday).error().code ==
        WX_PERMISSION_DENIED);
  CHECK(dashboard::school_aggregates(cache, w.scope_of(w.directie), "2026-13-01").error().code ==
        WX_INVALID_ARGUMENT);
}
