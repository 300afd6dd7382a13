// Who may see what on the dashboard, from each role's Access, and the manager's own Access.
#include "dashboard/network_overview.hpp"
#include "dashboard_world.hpp"

using namespace werkex;
using namespace werkex::test;

TEST_CASE("scope: mentor, counsellor, manager and supervisor each see their own part",
          "[dashboard][scope]") {
  DashWorld w;
  std::string sem = w.add_pupil("Sem", w.group), noah = w.add_pupil("Noah", w.group_b);
  std::string aisha = w.add_pupil("Aisha", w.group);
  w.add_placement(sem);  // Ans supervises Sem from 1 November to 1 December
  expect_ok(w.db->set_identity(w.as("admin", "", w.admin)));
  w.put({{"id", aisha}, {"status", "left"}});

  auto mentor = w.scope_of(w.teacher);
  CHECK(mentor.groups == std::set<std::string>{w.group});
  CHECK(mentor.pupils == std::set<std::string>{sem});  // Aisha left
  CHECK_FALSE(mentor.aggregates);
  CHECK(mentor.may_see_pupil(noah).error().code == WX_PERMISSION_DENIED);

  auto decaan = w.scope_of(w.decaan);
  CHECK(decaan.groups == std::set<std::string>{w.group, w.group_b});
  CHECK(decaan.pupils == std::set<std::string>{sem, noah});
  CHECK(decaan.network);
  CHECK(decaan.aggregates);

  auto boss = w.scope_of(w.directie);
  CHECK(boss.groups.empty());
  CHECK(boss.pupils.empty());
  CHECK(boss.aggregates);
  CHECK_FALSE(boss.network);
  CHECK(boss.may_see_group(w.group).error().code == WX_PERMISSION_DENIED);

  auto ans = w.scope_of(w.ans, "2026-11-15");
  CHECK(ans.pupils == std::set<std::string>{sem});
  CHECK(ans.groups.empty());
  CHECK(ans.placements.size() == 1);
  CHECK(w.scope_of(w.ans, "2027-03-01").pupils.empty());  // the placement ended long ago
}

TEST_CASE("scope: a manager's device syncs the school and its groups only, and writes nothing",
          "[dashboard][scope][access]") {
  DashWorld w;
  w.add_pupil("Sem", w.group);
  const server::SqliteDossierStore store(*w.db);
  auto a = expect_ok(server::compute_access(store, w.directie, kToday, 7));
  CHECK(a.role == "manager");
  CHECK(a.read == std::set<std::string>{"school:demo"});
  CHECK(a.write.empty());
  REQUIRE(a.school_entities);
  CHECK(*a.school_entities == std::set<std::string>{w.school, w.group, w.group_b});
  CHECK_FALSE(a.school_view.empty());
  Change c{w.group, "group", "school:demo", "name", json(), {}};
  CHECK(server::authorize(a, w.db->schema(), c).error().code == WX_PERMISSION_DENIED);
}
