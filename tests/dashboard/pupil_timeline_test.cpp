// The Leerling page's read model over real dossiers: the chain, comments, photos, sign-offs
// and why one is stale.
#include "dashboard/pupil_timeline.hpp"
#include "dashboard_world.hpp"

using namespace werkex;
using namespace werkex::test;

TEST_CASE("pupil: the dossier as cycle chains with comments, photos, sign-offs and rules",
          "[dashboard][pupil]") {
  DashWorld w;
  std::string sem = w.add_pupil("Sem", w.group);
  FullDossier d = w.build_dossier(sem, true);
  dashboard::SummaryCache cache(*w.db);
  json page = expect_ok(dashboard::pupil_timeline(cache, w.scope_of(w.teacher), sem));
  CHECK(page["pupil"]["name"] == "Sem");
  CHECK(page["pupil"]["groups"] == json::array({{{"id", w.group}, {"name", "3KB-a"}}}));
  REQUIRE(page["cycles"].size() == 2);
  json second = page["cycles"][0], first = page["cycles"][1];  // newest first
  CHECK(second["activity"]["id"] == d.activity2);
  CHECK(second["activity"]["fields"]["from_next_step"] == d.next_step);
  CHECK(first["activity"]["labels"]["kind"] == "Snuffelstage");
  CHECK(first["preparations"][0]["labels"]["learning_verbs"] == json({"leren", "uitproberen"}));
  REQUIRE(first["experiences"].size() == 2);
  json exp1 = first["experiences"][0];
  CHECK(exp1["id"] == d.exp1);
  CHECK(exp1["labels"]["emotion"] == "trots");
  CHECK(exp1["photos"].size() == 3);  // the JSON keeps every photo, marked
  size_t others = 0;
  for (const json& p : exp1["photos"]) others += p["shows_others"] == true ? 1 : 0;
  CHECK(others == 1);
  REQUIRE(exp1["comments"].size() == 1);
  CHECK(exp1["comments"][0]["author_name"] == "Mevr. Jansen");
  CHECK(exp1["signoffs"] == json::array({d.signoff}));
  REQUIRE(first["reflections"].size() == 1);
  CHECK(first["reflections"][0]["labels"]["conversation_rules"] ==
        json({"1 ruimte geven", "3 inzoomen op ervaringen"}));
  CHECK(first["reflections"][0]["next_steps"][0]["id"] == d.next_step);
  CHECK(first["phases"]["afgetekend"] == true);
  REQUIRE(page["next_steps"].size() == 1);
  CHECK(page["next_steps"][0]["open"] == false);  // it became activity 2
  REQUIRE(page["signoffs"].size() == 1);
  CHECK(page["signoffs"][0]["status"] == "valid");
  CHECK(page["signoffs"][0]["status_label"] == "geldig");
  CHECK(page["signoffs"][0]["signer_name"] == "Ans de Vries");
  CHECK(page["signoffs"][0]["changed"] == json::array());
  REQUIRE(page["conversation_rules"].size() == 8);
  CHECK(page["conversation_rules"][7] ==
        json({{"id", "netwerken"}, {"number", 8}, {"label", "8 netwerken"}}));
}

TEST_CASE("pupil: a stale sign-off says which fields of which entry changed after signing",
          "[dashboard][pupil][signoff]") {
  DashWorld w;
  std::string sem = w.add_pupil("Sem", w.group);
  FullDossier d = w.build_dossier(sem, false);
  dashboard::SummaryCache cache(*w.db);
  auto scope = w.scope_of(w.teacher);
  REQUIRE(expect_ok(dashboard::pupil_timeline(cache, scope, sem))["signoffs"][0]["status"] ==
          "valid");
  w.clock.advance(60'000);
  w.as_pupil(sem);
  w.put({{"id", d.exp2}, {"note", "Klanten geholpen (en de kassa gedaan)"}, {"emotion", "trots"}});
  json page = expect_ok(dashboard::pupil_timeline(cache, scope, sem));
  json s = page["signoffs"][0];
  CHECK(s["status"] == "stale");
  CHECK(s["status_label"] == "verouderd");
  CHECK(
      s["changed"] ==
      json::array({{{"entry", d.exp2}, {"type", "experience"}, {"fields", {"emotion", "note"}}}}));
  CHECK(page["cycles"][1]["phases"]["afgetekend"] == false);  // no valid sign-off now
}

TEST_CASE("pupil: unknown, other school's and other groups' pupils are refused",
          "[dashboard][pupil][bad-input]") {
  DashWorld w;
  std::string sem = w.add_pupil("Sem", w.group);
  std::string noah = w.add_pupil("Noah", w.group_b);
  dashboard::SummaryCache cache(*w.db);
  auto mentor = w.scope_of(w.teacher);
  CHECK(dashboard::pupil_timeline(cache, mentor, "0190a000-0000-7000-8000-00000000dead")
            .error()
            .code == WX_NOT_FOUND);
  CHECK(dashboard::pupil_timeline(cache, mentor, w.teacher).error().code == WX_NOT_FOUND);
  CHECK(dashboard::pupil_timeline(cache, mentor, noah).error().code == WX_PERMISSION_DENIED);
  CHECK(dashboard::pupil_timeline(cache, w.scope_of(w.directie), sem).error().code ==
        WX_PERMISSION_DENIED);
  // The mentor's relation ends (Sem moves to 3KB-b): the next request is refused.
  REQUIRE(dashboard::pupil_timeline(cache, mentor, sem));
  expect_ok(w.db->set_identity(w.as("admin", "", w.admin)));
  w.put({{"id", sem}, {"groups", {w.group_b}}});
  CHECK(dashboard::pupil_timeline(cache, w.scope_of(w.teacher), sem).error().code ==
        WX_PERMISSION_DENIED);
  expect_ok(w.db->set_identity({w.admin, "admin", "", "school:other"}));
  std::string other_school = w.put({{"type", "school"}, {"name", "Het Andere College"}});
  std::string stranger =
      w.put({{"type", "person"}, {"name", "Vreemde"}, {"role", "pupil"}, {"school", other_school}});
  CHECK(dashboard::pupil_timeline(cache, w.scope_of(w.decaan), stranger).error().code ==
        WX_PERMISSION_DENIED);
}

TEST_CASE("pupil: a supervisor sees only the cycles of her placement, while it runs",
          "[dashboard][pupil][scope]") {
  DashWorld w;
  std::string sem = w.add_pupil("Sem", w.group);
  FullDossier d = w.build_dossier(sem, false);  // activity 1 at Ans's placement, 2 not
  dashboard::SummaryCache cache(*w.db);
  json page = expect_ok(dashboard::pupil_timeline(cache, w.scope_of(w.ans, "2026-11-30"), sem));
  REQUIRE(page["cycles"].size() == 1);
  CHECK(page["cycles"][0]["activity"]["id"] == d.activity);
  CHECK(page["next_steps"].size() == 1);  // the step of that cycle's reflection
  CHECK(page["signoffs"].size() == 1);
  // Activity 2 is named only as where that step led, never shown.
  for (const json& c : page["cycles"]) CHECK(c["activity"]["id"] != d.activity2);
  CHECK(dashboard::pupil_timeline(cache, w.scope_of(w.ans, "2027-02-01"), sem).error().code ==
        WX_PERMISSION_DENIED);  // placement over, grace days past
}
