// The roster import across the schools of one deployment (server/app/roster_ids.hpp): a
// group or person is known within its school, so two schools' registers may share
// sourcedIds without touching each other, and a pupil who moves school is a leaver in the old
// one and a new person (a new dossier, the new board's) in the new one.
#include <catch2/catch.hpp>

#include "dossier_store_sqlite.hpp"
#include "roster_import.hpp"
#include "test_support.hpp"

using namespace werkex;
using namespace werkex::school;
using werkex::test::expect_ok;

namespace {

const std::string kToday = "2026-12-02";
constexpr uint64_t kNow = 1795000000000;

// One school's register: ids "c-1", "t-1", "p-1" (after `prefix`), which two schools' own
// registers may share; one roster of several schools has ids unique across it.
void add_school(Roster& r, const std::string& org, const std::string& name,
                const std::string& pupil_first, const std::string& prefix = "") {
  r.schools.push_back({org, name, ""});
  r.groups.push_back({prefix + "c-1", "3KB-a", org, "2026-2027", 3, "kb"});
  r.persons.push_back({prefix + "t-1", "teacher", "Mentor of " + name, "", "", "", org});
  r.persons.push_back({prefix + "p-1", "pupil", pupil_first, "", "Jansen", "", org});
  r.memberships.push_back({prefix + "c-1", prefix + "t-1", true});
  r.memberships.push_back({prefix + "c-1", prefix + "p-1", false});
}

// A board's register of both schools in one roster (ids unique across it), with Noor (p-7)
// in De Brug's group ac-1.
Roster board_with_noor() {
  Roster board;
  add_school(board, "org-a", "De Brug", "Sem", "a");
  add_school(board, "org-b", "Het Anker", "Lotte", "b");
  board.persons.push_back({"p-7", "pupil", "Noor", "", "El Amrani", "", "org-a"});
  board.memberships.push_back({"ac-1", "p-7", false});
  return board;
}

struct Deployment {
  test::TempDir dir;
  std::unique_ptr<Replica> r = expect_ok(Replica::open(dir.file("dossiers.db")));
  server::SqliteDossierStore store{*r};
  Deployment() { expect_ok(r->set_identity({"server", "admin", "", ""})); }
  server::RosterOutcome apply(const Roster& roster) {
    return expect_ok(server::apply_roster(store, roster, kToday, kNow));
  }
  std::string school(const std::string& org) {
    auto found = expect_ok(r->list(Query::where("school", "", "external_id", org)));
    REQUIRE(found.size() == 1);
    return found[0]["id"];
  }
  // The person `ext` of school `org`.
  json person(const std::string& org, const std::string& ext) {
    std::vector<json> out;
    for (json& p : expect_ok(r->list(Query::where("person", "", "external_id", ext))))
      if (p["school"] == school(org)) out.push_back(std::move(p));
    REQUIRE(out.size() == 1);
    return out[0];
  }
};

}  // namespace

TEST_CASE("roster import: two schools' registers with the same ids stay two schools",
          "[school][import][schools]") {
  Deployment d;
  Roster a, b;
  add_school(a, "org-a", "De Brug", "Sem");
  add_school(b, "org-b", "Het Anker", "Lotte");
  d.apply(a);
  server::RosterOutcome second = d.apply(b);  // B's own nightly, hours later
  CHECK(second.persons.created == 2);
  CHECK(second.persons.updated == 0);
  CHECK(second.groups.created == 1);
  json sem = d.person("org-a", "p-1"), lotte = d.person("org-b", "p-1");
  CHECK(sem["name"] == "Sem Jansen");
  CHECK(sem["bucket"] == "school:" + d.school("org-a"));
  CHECK(lotte["name"] == "Lotte Jansen");
  CHECK(lotte["bucket"] == "school:" + d.school("org-b"));
  CHECK(lotte["groups"].size() == 1);
  CHECK(lotte["groups"] != sem["groups"]);
  // A's rerun changes nothing of B, and B's nothing of A.
  CHECK(d.apply(a).changes() == 0);
  CHECK(d.apply(b).changes() == 0);
  CHECK(d.person("org-b", "p-1")["name"] == "Lotte Jansen");
}

TEST_CASE("roster import: a pupil who moves school leaves the old one and starts anew",
          "[school][import][schools]") {
  Deployment d;
  Roster board = board_with_noor();
  d.apply(board);
  const std::string old_id = d.person("org-a", "p-7")["id"];

  Roster moved = board;
  moved.persons.back().school = "org-b";
  moved.memberships.back().group = "bc-1";
  server::RosterOutcome out = d.apply(moved);
  CHECK(out.persons.created == 1);
  CHECK(out.persons.left == 1);
  json old = expect_ok(d.r->get(old_id));
  CHECK(old["status"] == "left");
  CHECK(old["left_on"] == kToday);
  CHECK(old["school"] == d.school("org-a"));  // the old school's record, as it was
  json now = d.person("org-b", "p-7");
  CHECK(now["id"] != old_id);
  CHECK(now["status"] == "active");
  CHECK(now["bucket"] == "school:" + d.school("org-b"));
  CHECK(now["groups"] == json::array({d.person("org-b", "bp-1")["groups"][0]}));
  REQUIRE(out.new_people.size() == 1);  // an enrolment letter for the new school
  CHECK(out.new_people[0].id == now["id"]);
  CHECK(out.left_people == std::vector<std::string>{old_id});  // her export, before access ends
  CHECK(d.apply(moved).changes() == 0);
}

TEST_CASE("roster import: a delta names a person by the group's school, or says which",
          "[school][import][schools]") {
  Deployment d;
  Roster a, b;
  add_school(a, "org-a", "De Brug", "Sem");
  add_school(b, "org-b", "Het Anker", "Lotte");
  d.apply(a);
  d.apply(b);
  Roster delta;  // B's delta lists B's group: its p-1 is Lotte, not Sem
  delta.delta = true;
  delta.groups = {b.groups[0]};
  delta.memberships = {{"c-1", "p-1", false, true}};
  d.apply(delta);
  CHECK_FALSE(d.person("org-b", "p-1").contains("groups"));
  CHECK(d.person("org-a", "p-1")["groups"].size() == 1);

  Roster unsaid;  // neither the group nor the person listed: both schools have "c-1"
  unsaid.delta = true;
  unsaid.memberships = {{"c-1", "p-1", false}};
  const uint64_t seq = d.r->last_seq();
  auto refused = server::apply_roster(d.store, unsaid, kToday, kNow);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == WX_CONFLICT);
  CHECK_THAT(refused.error().message,
             Catch::Contains("more than one school") && Catch::Contains("nothing was applied"));
  CHECK(d.r->last_seq() == seq);
}

TEST_CASE("roster import: a row an older import moved in place stays its old school's",
          "[school][import][schools]") {
  Deployment d;
  Roster board = board_with_noor();
  d.apply(board);
  // What the import before register ids per school left: her row in A's bucket, naming B.
  const std::string old_id = d.person("org-a", "p-7")["id"];
  expect_ok(d.r->put({{"id", old_id}, {"school", d.school("org-b")}}));
  Roster moved = board;
  moved.persons.back().school = "org-b";
  moved.memberships.back().group = "bc-1";
  server::RosterOutcome out = d.apply(moved);
  CHECK(out.persons.created == 1);  // a new pupil in B
  CHECK(out.persons.left == 1);     // the old row leaves A
  json old = expect_ok(d.r->get(old_id));
  CHECK(old["status"] == "left");
  CHECK(old["bucket"] == "school:" + d.school("org-a"));
}
