// The first import of a small school (fixtures/day1), field by field, and the file-level
// rules of the manifest.
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "school/oneroster.hpp"

using namespace werkex::school;
using namespace werkex::school::test;
using Strings = std::vector<std::string>;

TEST_CASE("oneroster: day1 reads as bulk with no problems", "[oneroster]") {
  // The fixture has what a school's export has: a BOM, CRLF, quoted commas and newlines.
  CHECK(fixture("day1/users.csv").starts_with("\xEF\xBB\xBF"));
  CHECK(fixture("day1/classes.csv").find("\"Lokaal 3.02\r\n(noodgebouw, ") != std::string::npos);
  const RosterRead read = read_oneroster(fixture_dir("day1"));
  CHECK(problem_strings(read).empty());
  CHECK(read.ok());
  CHECK_FALSE(read.roster.delta);
  REQUIRE(read.roster.schools.size() == 1);  // the district is only a reference
  const RosterSchool& school = read.roster.schools[0];
  CHECK(school.external_id == "org-brug");
  CHECK(school.name == "Vmbo De Brug");
  CHECK(school.brin == "12AB00");
  CHECK_FALSE(school.left);
  CHECK(read.roster.groups.size() == 3);
  CHECK(read.roster.persons.size() == 16);  // 12 pupils, 3 teachers, 1 administrator
  CHECK(read.notes ==
        Strings{"classes.csv: 1 scheduled class(es) skipped: only homeroom classes are groups",
                "users.csv: 1 user(s) skipped: parents, guardians, relatives, aides and "
                "proctors are not imported",
                "enrollments.csv: 2 enrollment(s) skipped: not a student or teacher in a "
                "homeroom class"});
}

TEST_CASE("oneroster: day1 groups take year, track and school year", "[oneroster]") {
  const Roster roster = read_oneroster(fixture_dir("day1")).roster;
  const RosterGroup& kb = group(roster, "cls-1kb");
  CHECK(kb.name == "1KB-a");
  CHECK(kb.school == "org-brug");
  CHECK(kb.school_year == "2026-2027");
  CHECK(kb.year == 1);  // grades 07
  CHECK(kb.level == "kb");
  const RosterGroup& bb = group(roster, "cls-2bb");  // no grades: the title's digit
  CHECK(bb.year == 2);
  CHECK(bb.level == "bb");
  CHECK(bb.school_year == "2026-2027");
  const RosterGroup& tl = group(roster, "cls-3tl");  // only a term, whose parent is the year
  CHECK(tl.name == "3TL-a");
  CHECK(tl.year == 3);
  CHECK(tl.level == "tl");
  CHECK(tl.school_year == "2026-2027");
}

TEST_CASE("oneroster: day1 people keep diacritics and tussenvoegsels byte for byte",
          "[oneroster]") {
  const Roster roster = read_oneroster(fixture_dir("day1")).roster;
  const RosterPerson& sem = person(roster, "p-1001");
  CHECK(sem.role == "pupil");
  CHECK(sem.given_name == "Sem");
  CHECK(sem.middle_name == "van der");
  CHECK(sem.family_name == "Berg");
  CHECK(sem.email.empty());
  CHECK(sem.school == "org-brug");
  CHECK_FALSE(sem.left);
  CHECK(sem.display_name() == "Sem van der Berg");
  const RosterPerson& zoe = person(roster, "p-1002");
  CHECK(zoe.given_name == "Zo\xC3\xAB");  // ë as UTF-8, after the file's BOM
  CHECK(zoe.display_name() == "Zo\xC3\xAB de Vries");
  CHECK(person(roster, "p-1003").display_name() == "Daan 't Hart");
  CHECK(person(roster, "p-1004").display_name() == "Noor El Amrani");
  CHECK(person(roster, "p-1004").middle_name.empty());
  CHECK(person(roster, "p-1005").display_name() ==
        "Luc\xC3\xAD"
        "a G\xC3\xB3mez");
  CHECK(person(roster, "p-1010").family_name == "\xC3\x96zt\xC3\xBCrk");
  CHECK(person(roster, "p-1007").role == "pupil");  // enabledUser false is still on the roster
  const RosterPerson& karin = person(roster, "t-03");
  CHECK(karin.role == "teacher");
  CHECK(karin.display_name() == "Karin van den Broek");
  CHECK(karin.email == "k.vandenbroek@debrug.nl");
  CHECK(karin.school == "org-brug");  // the district listed first is not a school
  CHECK(person(roster, "a-01").role == "counsellor");
  CHECK_FALSE(has_person(roster, "g-01"));  // a guardian: werkex never imports parents
}

TEST_CASE("oneroster: day1 enrollments give members and mentors of homeroom groups only",
          "[oneroster]") {
  const Roster roster = read_oneroster(fixture_dir("day1")).roster;
  CHECK(membership_strings(roster) ==
        Strings{"cls-1kb p-1001", "cls-1kb p-1002", "cls-1kb p-1003", "cls-1kb p-1011",
                "cls-1kb t-01 mentor", "cls-2bb p-1004", "cls-2bb p-1005", "cls-2bb p-1006",
                "cls-2bb p-1007", "cls-2bb t-02 mentor", "cls-3tl p-1008", "cls-3tl p-1009",
                "cls-3tl p-1010", "cls-3tl p-1012", "cls-3tl t-03 mentor"});
}

TEST_CASE("oneroster: the role mapping makes administrators and named staff managers",
          "[oneroster]") {
  RoleMapping roles;
  roles.administrator = "manager";
  roles.managers = {"t-02"};
  const RosterRead read = read_oneroster(fixture_dir("day1"), roles);
  CHECK(read.ok());
  CHECK(person(read.roster, "a-01").role == "manager");
  CHECK(person(read.roster, "t-02").role == "manager");
  CHECK(person(read.roster, "t-01").role == "teacher");
  roles.administrator = "principal";
  CHECK(problem_strings(read_oneroster(fixture_dir("day1"), roles)) ==
        Strings{"roles: administrator: must be counsellor or manager, not \"principal\""});
  // A manager the files do not have, or a pupil, is a problem, not silently a teacher.
  roles.administrator = "counsellor";
  roles.managers = {"t-2", "p-1001"};
  CHECK(problem_strings(read_oneroster(fixture_dir("day1"), roles)) ==
        Strings{"roles: managers: \"p-1001\" is a pupil in users.csv; only teachers and "
                "administrators can be manager",
                "roles: managers: no teacher or administrator \"t-2\" in users.csv"});
}

TEST_CASE("oneroster: a missing required column is a problem at line 1", "[oneroster]") {
  auto files = fixture_dir("day1");
  files["users.csv"] =
      "sourcedId,orgSourcedIds,role,givenName\n"
      "p-1,org-brug,student,Sem\n";
  const RosterRead read = read_oneroster(files);
  CHECK(problem_strings(read) == Strings{"users.csv:1: familyName: column is missing"});
  CHECK_FALSE(read.ok());
}

TEST_CASE("oneroster: a required file is missing unless the manifest says absent", "[oneroster]") {
  auto files = fixture_dir("day1");
  files.erase("enrollments.csv");
  files.erase("academicSessions.csv");
  CHECK(problem_strings(read_oneroster(files)) ==
        Strings{"academicSessions.csv: is missing (the manifest says bulk)",
                "enrollments.csv: is missing (the manifest says bulk)"});
  files["manifest.csv"] =
      "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\nfile.orgs,bulk\n"
      "file.academicSessions,absent\nfile.classes,bulk\nfile.users,bulk\n"
      "file.enrollments,absent\n";
  const RosterRead read = read_oneroster(files);
  CHECK(problem_strings(read).empty());
  CHECK(read.roster.memberships.empty());
  CHECK(group(read.roster, "cls-1kb").school_year.empty());
  files["enrollments.csv"] = fixture("day1/enrollments.csv");
  CHECK(problem_strings(read_oneroster(files)) ==
        Strings{"enrollments.csv: is given, but the manifest says absent"});
  files.erase("enrollments.csv");
  files.erase("manifest.csv");
  CHECK(problem_strings(read_oneroster(files)) ==
        Strings{"manifest.csv: is missing", "enrollments.csv: is missing"});
}

TEST_CASE("oneroster: the manifest must not mix bulk and delta", "[oneroster]") {
  auto files = fixture_dir("day1");
  files["manifest.csv"] =
      "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\nfile.orgs,bulk\n"
      "file.academicSessions,bulk\nfile.classes,bulk\nfile.users,delta\n"
      "file.enrollments,full\n";
  CHECK(problem_strings(read_oneroster(files)) ==
        Strings{"manifest.csv:3: oneroster.version: must be 1.1, not \"1.2\"",
                "manifest.csv:7: file.users: is delta, but file.orgs is bulk (a set is all "
                "bulk or all delta)",
                "manifest.csv:8: file.enrollments: must be bulk, delta or absent, not \"full\""});
}

TEST_CASE("oneroster: status is checked: tobedeleted only in a delta", "[oneroster]") {
  auto files = fixture_dir("day1");
  files["orgs.csv"] =
      "sourcedId,status,name,type,identifier\n"
      "org-brug,tobedeleted,Vmbo De Brug,school,12AB00\n"
      "org-x,gone,X,school,\n";
  CHECK(problem_strings(read_oneroster(files)) ==
        Strings{"orgs.csv:2: status: is tobedeleted, but the manifest says bulk",
                "orgs.csv:3: status: unknown status \"gone\""});
}
