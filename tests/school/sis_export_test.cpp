// A school's own SIS export (fixtures/sis) read with the shipped Dutch mapping
// (tools/werkex-admin/mappings/dutch-sis.json), and mappings that are wrong.
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "school/sis_export.hpp"

using namespace werkex::school;
using namespace werkex::school::test;
using Strings = std::vector<std::string>;

namespace {

std::string shipped_mapping() {
  return fixture("../../../tools/werkex-admin/mappings/dutch-sis.json");
}

RosterRead read_fixture(const std::string& mapping) {
  return read_sis_export(mapping, fixture("sis/leerlingen.csv"), "leerlingen.csv",
                         "dutch-sis.json");
}

}  // namespace

TEST_CASE("sis: the Dutch export reads with the shipped mapping", "[sis]") {
  const RosterRead read = read_fixture(shipped_mapping());
  CHECK(problem_strings(read).empty());
  const Roster& roster = read.roster;
  CHECK_FALSE(roster.delta);
  REQUIRE(roster.schools.size() == 1);
  CHECK(roster.schools[0].external_id == "org-brug");
  CHECK(roster.schools[0].name == "Vmbo De Brug");
  CHECK(roster.schools[0].brin == "12AB00");
  REQUIRE(roster.groups.size() == 3);
  const RosterGroup& kb = group(roster, "klas:1KB-a");
  CHECK(kb.name == "1KB-a");
  CHECK(kb.school == "org-brug");
  CHECK(kb.school_year == "2026-2027");
  CHECK(kb.year == 1);
  CHECK(kb.level == "kb");
  CHECK(group(roster, "klas:3TL-a").level == "tl");
  CHECK(roster.persons.size() == 11);  // 8 pupils, 3 mentors
  const RosterPerson& sem = person(roster, "100234");
  CHECK(sem.role == "pupil");
  CHECK(sem.given_name == "Sem");
  CHECK(sem.middle_name == "van der");
  CHECK(sem.family_name == "Berg");
  CHECK(sem.school == "org-brug");
  CHECK(person(roster, "100235").display_name() == "Zo\xC3\xAB de Vries");
  CHECK(person(roster, "100236").display_name() == "Daan 't Hart");
  CHECK(person(roster, "100240").family_name == "\xC3\x96zt\xC3\xBCrk");
  const RosterPerson& mulder = person(roster, "mentor:f.mulder@debrug.nl");
  CHECK(mulder.role == "teacher");
  CHECK(mulder.email == "f.mulder@debrug.nl");
  const RosterPerson& broek = person(roster, "mentor:Broek; K. van den");
  CHECK(broek.email.empty());
  CHECK(broek.family_name == "Broek; K. van den");
}

TEST_CASE("sis: each klas gets its pupils and its mentors", "[sis]") {
  const Roster roster = read_fixture(shipped_mapping()).roster;
  CHECK(membership_strings(roster) ==
        Strings{"klas:1KB-a 100234", "klas:1KB-a 100235", "klas:1KB-a 100236",
                "klas:1KB-a mentor:f.mulder@debrug.nl mentor", "klas:2BB-b 100237",
                "klas:2BB-b 100238", "klas:2BB-b mentor:A. Bouzid mentor", "klas:3TL-a 100239",
                "klas:3TL-a 100240", "klas:3TL-a 100241",
                "klas:3TL-a mentor:Broek; K. van den mentor"});
}

TEST_CASE("sis: unknown mapping keys are problems", "[sis]") {
  const std::string mapping = R"({
    "separator": ";", "sheet": 1,
    "school": {"external_id": "org-brug", "name": "Vmbo De Brug", "bring": "12AB00"},
    "columns": {"external_id": "leerlingnummer", "given_name": "roepnaam",
                "family_name": "achternaam", "group": "klas", "klas": "klas"}})";
  const RosterRead read = read_fixture(mapping);
  CHECK_FALSE(read.ok());
  CHECK(problem_strings(read) == Strings{"dutch-sis.json: sheet: unknown key",
                                         "dutch-sis.json: school.bring: unknown key",
                                         "dutch-sis.json: columns.klas: unknown key"});
  CHECK(read.roster.persons.empty());
}

TEST_CASE("sis: mapped columns missing from the export are problems at line 1", "[sis]") {
  const std::string mapping = R"({
    "separator": ";",
    "school": {"external_id": "org-brug", "name": "Vmbo De Brug"},
    "columns": {"external_id": "leerlingnummer", "given_name": "voornaam",
                "family_name": "achternaam", "group": "klas", "email": "e-mail"}})";
  const RosterRead read = read_fixture(mapping);
  CHECK(problem_strings(read) ==
        Strings{"leerlingen.csv:1: e-mail: column is missing (mapping columns.email)",
                "leerlingen.csv:1: voornaam: column is missing (mapping columns.given_name)"});
  CHECK(read.roster.persons.empty());
}

TEST_CASE("sis: a mapping that is not JSON or lacks what is required is a problem", "[sis]") {
  CHECK(problem_strings(read_fixture("{\"separator\": \";\",")) ==
        Strings{"dutch-sis.json: is not a JSON object"});
  CHECK(problem_strings(read_fixture(R"({"separator": "|", "columns": {"group": 3}})")) ==
        Strings{"dutch-sis.json: separator: must be \";\" or \",\"",
                "dutch-sis.json: school: is missing",
                "dutch-sis.json: columns.external_id: is missing",
                "dutch-sis.json: columns.given_name: is missing",
                "dutch-sis.json: columns.family_name: is missing",
                "dutch-sis.json: columns.group: must be a non-empty string"});
}

TEST_CASE("sis: empty and duplicate student numbers are problems at their lines", "[sis]") {
  const std::string csv =
      "leerlingnummer;roepnaam;tussenvoegsel;achternaam;klas;mentor\n"
      "1;Sem;van der;Berg;1KB-a;Mulder\n"
      "1;Zoë;de;Vries;1KB-a;Mulder\n"
      ";Daan;'t;Hart;1KB-a;Mulder\n"
      "4;Noor;;;2BB-b\n";
  const RosterRead read = read_sis_export(shipped_mapping(), csv, "export.csv");
  CHECK(problem_strings(read) ==
        Strings{"export.csv:3: leerlingnummer: duplicate 1 (first on line 2)",
                "export.csv:4: leerlingnummer: is empty",
                "export.csv:5: has 5 fields, the header has 6"});
}
