// The roster import's writing half (server/app/roster_import.hpp) on a real dossiers file,
// with rosters built by hand so each case is exact: first import, a rerun writing nothing,
// a second day in bulk (one left, one moved, a new mentor, a rename), a delta, references
// that cannot be resolved, and people the import did not make left alone.
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

Roster day1() {
  Roster r;
  r.schools = {{"org-1", "Vmbo De Brug", "12AB00"}};
  r.groups = {{"c-1", "3KB-a", "org-1", "2026-2027", 3, "kb"},
              {"c-2", "3KB-b", "org-1", "2026-2027", 3, "kb"}};
  r.persons = {{"t-1", "teacher", "Anna", "", "Jansen", "a.jansen@debrug.example", "org-1"},
               {"t-2", "teacher", "Bram", "de", "Wit", "", "org-1"},
               {"a-1", "counsellor", "Carla", "", "Smit", "", "org-1"},
               {"p-1", "pupil", "Sem", "van der", "Berg", "", "org-1"},
               {"p-2", "pupil", "Zoë", "de", "Vries", "", "org-1"},
               {"p-3", "pupil", "Daan", "'t", "Hart", "", "org-1"}};
  r.memberships = {{"c-1", "t-1", true},
                   {"c-2", "t-2", true},
                   {"c-1", "p-1", false},
                   {"c-1", "p-2", false},
                   {"c-2", "p-3", false}};
  return r;
}

struct Dossiers {
  test::TempDir dir;
  std::unique_ptr<Replica> r;
  std::unique_ptr<server::SqliteDossierStore> store;  // over r, as the server has it
  Dossiers() {
    r = expect_ok(Replica::open(dir.file("dossiers.db")));
    expect_ok(r->set_identity({"server", "admin", "", ""}));
    store = std::make_unique<server::SqliteDossierStore>(*r);
  }
  server::RosterOutcome apply(const Roster& roster) {
    return expect_ok(server::apply_roster(*store, roster, kToday, kNow));
  }
  json person(const std::string& ext) {
    auto found = expect_ok(r->list(Query::where("person", "", "external_id", ext)));
    REQUIRE(found.size() == 1);
    return found[0];
  }
  json group(const std::string& ext) {
    auto found = expect_ok(r->list(Query::where("group", "", "external_id", ext)));
    REQUIRE(found.size() == 1);
    return found[0];
  }
};

}  // namespace

TEST_CASE("roster import: a first import creates everything, a rerun writes nothing",
          "[school][import]") {
  Dossiers d;
  server::RosterOutcome first = d.apply(day1());
  CHECK(first.schools.created == 1);
  CHECK(first.groups.created == 2);
  CHECK(first.persons.created == 6);
  CHECK(first.changes() == 9);
  REQUIRE(first.new_people.size() == 6);
  json sem = d.person("p-1");
  CHECK(sem["name"] == "Sem van der Berg");
  CHECK(sem["role"] == "pupil");
  CHECK(sem["status"] == "active");
  CHECK(sem["groups"] == json::array({d.group("c-1")["id"]}));
  CHECK(d.person("p-2")["name"] == "Zoë de Vries");
  json g1 = d.group("c-1");
  CHECK(g1["mentors"] == json::array({d.person("t-1")["id"]}));
  CHECK(g1["year"] == 3);
  CHECK(g1["level"] == "kb");
  CHECK(g1["bucket"] == "school:" + g1["school"].get<std::string>());
  for (const auto& p : first.new_people)
    if (p.external_id == "t-1" || p.external_id == "p-1")
      CHECK(p.groups == std::vector<std::string>{"3KB-a"});

  const uint64_t seq = d.r->last_seq();
  server::RosterOutcome again = d.apply(day1());
  CHECK(again.changes() == 0);
  CHECK(again.persons.unchanged == 6);
  CHECK(again.groups.unchanged == 2);
  CHECK(again.new_people.empty());
  CHECK(d.r->last_seq() == seq);  // nothing at all reaches any device
}

TEST_CASE("roster import: a second day in bulk is one change per real change", "[school][import]") {
  Dossiers d;
  d.apply(day1());
  // A supervisor the counsellor added (no external_id): never the roster's to touch.
  std::string school = d.group("c-1")["school"];
  expect_ok(d.r->set_identity({"server", "admin", "", "school:" + school}));
  std::string ans = expect_ok(d.r->put(
      {{"type", "person"}, {"name", "Ans Bakker"}, {"role", "supervisor"}, {"school", school}}));
  Roster day2 = day1();
  day2.persons.erase(day2.persons.begin() + 5);  // p-3 left the school
  day2.persons[3].middle_name = "van den";       // p-1 renamed
  day2.memberships[3] = {"c-2", "p-2", false};   // p-2 moved to 3KB-b
  day2.memberships[4] = {"c-1", "t-2", true};    // 3KB-a gets a second mentor
  server::RosterOutcome out = d.apply(day2);
  CHECK(out.persons.left == 1);
  CHECK(out.persons.updated == 2);
  CHECK(out.groups.updated == 1);
  CHECK(out.changes() == 4);
  json daan = d.person("p-3");
  CHECK(daan["status"] == "left");
  CHECK(daan["left_on"] == kToday);
  CHECK(d.person("p-1")["name"] == "Sem van den Berg");
  CHECK(d.person("p-2")["groups"] == json::array({d.group("c-2")["id"]}));
  CHECK(d.group("c-1")["mentors"].size() == 2);
  CHECK(expect_ok(d.r->get(ans))["name"] == "Ans Bakker");
  CHECK_FALSE(expect_ok(d.r->get(ans)).contains("status"));
  CHECK(d.apply(day2).changes() == 0);
  // Back the next year: active again, left_on cleared.
  server::RosterOutcome back = d.apply(day1());
  CHECK(d.person("p-3")["status"] == "active");
  CHECK_FALSE(d.person("p-3").contains("left_on"));
  CHECK(back.persons.updated >= 1);
}

TEST_CASE("roster import: a delta adds, moves and marks who left", "[school][import]") {
  Dossiers d;
  d.apply(day1());
  Roster delta;
  delta.delta = true;
  delta.persons = {{"p-4", "pupil", "Noor", "", "El Amrani", "", "org-1"},
                   {"p-2", "pupil", "Zoë", "de", "Vries", "", "org-1", true}};
  delta.memberships = {{"c-2", "p-4", false}, {"c-1", "p-1", false, true}};
  server::RosterOutcome out = d.apply(delta);
  CHECK(out.persons.created == 1);
  CHECK(out.persons.left == 1);
  CHECK(out.persons.updated == 1);  // p-1 out of 3KB-a
  CHECK(d.person("p-4")["groups"] == json::array({d.group("c-2")["id"]}));
  CHECK(d.person("p-2")["status"] == "left");
  CHECK_FALSE(d.person("p-1").contains("groups"));
  // Absent from a delta means nothing: p-3 is still there and active.
  CHECK(d.person("p-3")["status"] == "active");
  CHECK(d.apply(delta).changes() == 0);
}

TEST_CASE("roster import: an unresolvable reference applies nothing", "[school][import]") {
  Dossiers d;
  d.apply(day1());
  const std::string before = expect_ok(d.r->dump());
  const uint64_t seq = d.r->last_seq();
  Roster bad = day1();
  bad.persons[3].middle_name = "van den";  // would be a change
  bad.groups.push_back({"c-9", "4TL", "org-9", "", 4, "tl"});
  auto r = server::apply_roster(*d.store, bad, kToday, kNow);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == WX_INVALID_ARGUMENT);
  CHECK_THAT(r.error().message, Catch::Contains("org-9") && Catch::Contains("nothing was applied"));
  CHECK(expect_ok(d.r->dump()) == before);
  CHECK(expect_ok(d.r->changes_since(seq)).changes.empty());
  CHECK(d.person("p-1")["name"] == "Sem van der Berg");
  CHECK(d.r->identity().role == "admin");
}

TEST_CASE("roster import: when the enrolment codes cannot be made, nothing is imported",
          "[school][import]") {
  Dossiers d;
  const std::string before = expect_ok(d.r->dump());
  size_t seen_new = 0;
  auto refuse = [&](const server::RosterOutcome& outcome) -> Status {
    seen_new = outcome.new_people.size();
    return make_error(WX_IO, "server.db is full");
  };
  auto r = server::apply_roster(*d.store, day1(), kToday, kNow, refuse);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == WX_IO);
  CHECK(seen_new == 6);  // the hook saw everyone it would have had to make codes for
  CHECK(expect_ok(d.r->dump()) == before);
  // The next night imports them all, so every one of them gets a code then.
  server::RosterOutcome again = d.apply(day1());
  CHECK(again.new_people.size() == 6);
  CHECK(again.persons.created == 6);
}

TEST_CASE("roster import: a school's admin token writes into its own school only",
          "[school][import][schools]") {
  Dossiers d;
  d.apply(day1());
  Roster other;  // a second school, by the deployment
  other.schools = {{"org-2", "Vmbo Het Anker", "34CD00"}};
  other.persons = {{"p-9", "pupil", "Noor", "", "Bakker", "", "org-2"}};
  d.apply(other);
  const std::string brug = d.person("p-1")["school"], anker = d.person("p-9")["school"];
  REQUIRE(brug != anker);
  auto refused = [&](const Roster& roster, const std::string& only, const std::string& why) {
    const std::string before = expect_ok(d.r->dump());
    auto r = server::apply_roster(*d.store, roster, kToday, kNow, nullptr, only);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == WX_PERMISSION_DENIED);
    CHECK_THAT(r.error().message, Catch::Contains(why) && Catch::Contains("nothing was applied"));
    CHECK(expect_ok(d.r->dump()) == before);
  };
  Roster brug_day2 = day1();
  brug_day2.persons[3].middle_name = "van den";
  refused(brug_day2, anker, "another school");  // De Brug's roster with Het Anker's token
  Roster added = day1();
  added.schools.push_back({"org-3", "Vmbo Nieuw", "56EF00"});
  refused(added, brug, "a new school");  // only the deployment adds schools
  // A person of De Brug's roster in Het Anker (imported before): a write into the other school.
  Roster moved = day1();
  moved.persons[3].school = "org-2";
  refused(moved, brug, "writes into school " + anker);
  // Its own roster goes in as always.
  server::RosterOutcome own =
      expect_ok(server::apply_roster(*d.store, brug_day2, kToday, kNow, nullptr, brug));
  CHECK(own.persons.updated == 1);
  CHECK(d.person("p-1")["name"] == "Sem van den Berg");
}
