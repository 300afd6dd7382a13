// The second day: the same changes as a bulk set (fixtures/day2) and as a delta
// (fixtures/day2-delta): a pupil left, one moved group, a group got a new mentor, a pupil
// was renamed. Applying the delta to day 1 must give day 2.
#include <algorithm>
#include <map>

#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "school/oneroster.hpp"

using namespace werkex::school;
using namespace werkex::school::test;
using Strings = std::vector<std::string>;

namespace {

// Day 1 changed by a delta, as the import will do it: people and memberships marked left go,
// the others are added or replace the one with the same key.
Roster apply_delta(Roster roster, const Roster& delta) {
  std::map<std::string, RosterPerson> people;
  for (auto& p : roster.persons) people[p.external_id] = p;
  for (const auto& p : delta.persons) {
    if (p.left) {
      people.erase(p.external_id);
    } else {
      people[p.external_id] = p;
    }
  }
  roster.persons.clear();
  for (auto& [id, p] : people) roster.persons.push_back(p);
  for (const auto& m : delta.memberships) {
    auto& all = roster.memberships;
    all.erase(std::remove_if(all.begin(), all.end(),
                             [&](const RosterMembership& x) {
                               return x.group == m.group && x.person == m.person;
                             }),
              all.end());
    if (!m.left) all.push_back(m);
  }
  return roster;
}

Strings person_strings(const Roster& roster) {
  Strings out;
  for (const auto& p : roster.persons) {
    out.push_back(p.external_id + " " + p.role + " " + p.display_name() + " " + p.email + " " +
                  p.school + (p.left ? " left" : ""));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("oneroster: day2 bulk shows who left, moved, mentors anew and was renamed",
          "[oneroster][changes]") {
  const Roster day1 = read_oneroster(fixture_dir("day1")).roster;
  const RosterRead read = read_oneroster(fixture_dir("day2"));
  REQUIRE(problem_strings(read).empty());
  const Roster& day2 = read.roster;
  CHECK_FALSE(day2.delta);
  CHECK(has_person(day1, "p-1007"));
  CHECK_FALSE(has_person(day2, "p-1007"));  // bulk: absent means left
  CHECK(person(day2, "p-1005").family_name ==
        "G\xC3\xB3mez Garc\xC3\xAD"
        "a");
  CHECK(person(day2, "t-04").display_name() == "Joost de Graaf");
  const Strings members = membership_strings(day2);
  const auto has = [&](const char* m) {
    return std::find(members.begin(), members.end(), m) != members.end();
  };
  CHECK(has("cls-2bb p-1011"));  // moved from 1KB-a
  CHECK_FALSE(has("cls-1kb p-1011"));
  CHECK(has("cls-3tl t-04 mentor"));  // the new mentor
  CHECK_FALSE(has("cls-3tl t-03 mentor"));
  CHECK(has_person(day2, "t-03"));                    // still teaches (a scheduled class)
  CHECK(day2.persons.size() == day1.persons.size());  // one left, one teacher came
}

TEST_CASE("oneroster: day2 delta marks the same changes", "[oneroster][changes]") {
  const RosterRead read = read_oneroster(fixture_dir("day2-delta"));
  REQUIRE(problem_strings(read).empty());
  const Roster& delta = read.roster;
  CHECK(delta.delta);
  CHECK(delta.schools.empty());
  CHECK(delta.groups.empty());
  CHECK(person_strings(delta) ==
        Strings{"p-1005 pupil Luc\xC3\xAD"
                "a G\xC3\xB3mez Garc\xC3\xAD"
                "a  org-brug",
                "p-1007 pupil Fenna Bakker  org-brug left",
                "t-04 teacher Joost de Graaf j.degraaf@debrug.nl org-brug"});
  // Classes and p-1011 and t-03 are not in this delta: an earlier run brought them.
  CHECK(membership_strings(delta) == Strings{"cls-1kb p-1011 left", "cls-2bb p-1007 left",
                                             "cls-2bb p-1011", "cls-3tl t-03 mentor left",
                                             "cls-3tl t-04 mentor"});
}

TEST_CASE("oneroster: day1 with the day2 delta applied is day2 bulk", "[oneroster][changes]") {
  const Roster day1 = read_oneroster(fixture_dir("day1")).roster;
  const Roster day2 = read_oneroster(fixture_dir("day2")).roster;
  const Roster delta = read_oneroster(fixture_dir("day2-delta")).roster;
  const Roster applied = apply_delta(day1, delta);
  CHECK(person_strings(applied) == person_strings(day2));
  CHECK(membership_strings(applied) == membership_strings(day2));
}

TEST_CASE("oneroster: a delta still checks what it can", "[oneroster][changes]") {
  auto files = fixture_dir("day2-delta");
  files["enrollments.csv"] +=
      "e-x,cls-9,org-brug,p-1099,student,active,,,,\n"  // unknown ids: fine in a delta
      "e-y,cls-1kb,org-brug,p-1001,student,removed,,,,\n";
  CHECK(problem_strings(read_oneroster(files)) ==
        Strings{"enrollments.csv:8: status: unknown status \"removed\""});
}
