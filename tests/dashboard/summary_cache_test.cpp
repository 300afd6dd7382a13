// The per-pupil cache against its model: after any sequence of changes, every page made
// from the incremental cache equals the page a fresh cache computes, and only the pupils
// touched by a change were recomputed.
#include <random>

#include "dashboard/group_overview.hpp"
#include "dashboard_world.hpp"

using namespace werkex;
using namespace werkex::test;

TEST_CASE("cache: a change in one pupil's dossier recomputes only that pupil",
          "[dashboard][cache]") {
  DashWorld w;
  std::vector<std::string> pupils;
  for (int i = 0; i < 6; ++i) {
    pupils.push_back(w.add_pupil("Leerling " + std::to_string(i), w.group));
    w.small_cycle(pupils.back(), "meeloopdag", "2026-10-0" + std::to_string(i + 1), "netwerken",
                  i % 2 == 0);
  }
  dashboard::SummaryCache cache(*w.db);
  auto scope = w.scope_of(w.teacher);
  dashboard::GroupOptions o{kToday, 4};
  json first = expect_ok(dashboard::group_overview(cache, scope, w.group, o));
  CHECK(cache.recomputations() == 6);
  CHECK(expect_ok(dashboard::group_overview(cache, scope, w.group, o)) == first);
  CHECK(cache.recomputations() == 6);  // nothing changed: nothing recomputed

  w.small_cycle(pupils[3], "gastles", "2026-11-20", "loopbaansturing", true);
  json second = expect_ok(dashboard::group_overview(cache, scope, w.group, o));
  CHECK(cache.recomputations() == 7);
  CHECK(row_of(second, pupils[3])["activities"] == 2);
  CHECK(row_of(second, pupils[2]) == row_of(first, pupils[2]));
}

TEST_CASE("cache: roster changes recompute the pupils that depend on them", "[dashboard][cache]") {
  DashWorld w;
  std::string sem = w.add_pupil("Sem", w.group), aisha = w.add_pupil("Aisha", w.group);
  w.build_dossier(sem, false);  // placed at the bakery
  w.small_cycle(aisha, "interview", "2026-10-01", "netwerken", false);
  dashboard::SummaryCache cache(*w.db);
  auto scope = w.scope_of(w.teacher);
  dashboard::GroupOptions o{kToday, 4};
  expect_ok(dashboard::group_overview(cache, scope, w.group, o));
  REQUIRE(cache.recomputations() == 2);
  // The bakery's sector: only Sem, who was placed there, is recomputed.
  expect_ok(w.db->set_identity(w.as("counsellor", "", w.counsellor)));
  w.put({{"id", w.company}, {"sector", "bakkerij"}});
  json page = expect_ok(dashboard::group_overview(cache, scope, w.group, o));
  CHECK(cache.recomputations() == 3);
  CHECK(row_of(page, sem)["sectors"] == json({"bakkerij"}));
  // A new placement for Aisha: her hours list grows.
  w.add_placement(aisha);
  page = expect_ok(dashboard::group_overview(cache, scope, w.group, o));
  CHECK(cache.recomputations() == 4);
  CHECK(row_of(page, aisha)["hours"].size() == 1);
  // The supervisor's key is revoked: Sem's sign-off turns invalid.
  expect_ok(w.db->set_identity(w.as("admin", "", w.admin)));
  Query keys;
  keys.type = "signing_key";
  std::string key = expect_ok(w.db->list(keys)).at(0)["id"];
  w.put({{"id", key}, {"revoked_at", "2026-12-01T10:00:00Z"}});
  page = expect_ok(dashboard::group_overview(cache, scope, w.group, o));
  CHECK(cache.recomputations() == 5);
  CHECK(row_of(page, sem)["signoffs"]["invalid"] == 1);
}

TEST_CASE("cache: random changes, the incremental pages equal freshly computed ones",
          "[dashboard][cache][model]") {
  DashWorld w(false);
  std::vector<std::string> pupils;
  for (int i = 0; i < 8; ++i) pupils.push_back(w.add_pupil("L" + std::to_string(i), w.group));
  dashboard::SummaryCache cache(*w.db);
  auto scope = w.scope_of(w.teacher);
  dashboard::GroupOptions o{kToday, 4};
  std::mt19937 rng(12);
  const char* kinds[] = {"meeloopdag", "interview", "gastles", "bedrijfsbezoek"};
  const char* comps[] = {"netwerken", "werkexploratie", "motievenreflectie"};
  for (int step = 0; step < 25; ++step) {
    uint64_t before = cache.recomputations();
    expect_ok(dashboard::group_overview(cache, scope, w.group, o));
    uint64_t settled = cache.recomputations();
    std::set<std::string> touched;
    for (int k = 0, n = int(rng() % 3); k < n; ++k) {
      const std::string& p = pupils[rng() % pupils.size()];
      touched.insert(p);
      char date[16];
      std::snprintf(date, sizeof date, "2026-%02d-%02d", int(rng() % 12) + 1, int(rng() % 28) + 1);
      w.small_cycle(p, kinds[rng() % 4], date, comps[rng() % 3], rng() % 2);
    }
    json incremental = expect_ok(dashboard::group_overview(cache, scope, w.group, o));
    CHECK(cache.recomputations() - settled == touched.size());
    dashboard::SummaryCache fresh(*w.db);
    CHECK(expect_ok(dashboard::group_overview(fresh, scope, w.group, o)) == incremental);
    (void)before;
  }
}
