// Group names, grades, dates and lists; the problem and name formats.
#include <catch2/catch.hpp>

#include "school/roster.hpp"
#include "school/roster_values.hpp"

using namespace werkex::school;

TEST_CASE("values: a group name gives year and vmbo track", "[values]") {
  const auto check = [](const char* name, int year, const char* level) {
    const YearLevel yl = year_level_from_name(name);
    INFO(name);
    CHECK(yl.year == year);
    CHECK(yl.level == level);
  };
  check("3KB-a", 3, "kb");
  check("1bb", 1, "bb");
  check("4 TL b", 4, "tl");
  check("2GLa", 2, "gl");
  check("Nederlands 3TL", 0, "tl");  // no leading digit
  check("12KB", 0, "kb");            // not a leerjaar
  check("Klas 7", 0, "");
  check("", 0, "");
}

TEST_CASE("values: OneRoster grades give the leerjaar", "[values]") {
  CHECK(year_from_grades("07") == 1);
  CHECK(year_from_grades("09") == 3);
  CHECK(year_from_grades("12") == 6);
  CHECK(year_from_grades("4") == 4);
  CHECK(year_from_grades("06") == 0);
  CHECK(year_from_grades("09,10") == 0);
  CHECK(year_from_grades("") == 0);
}

TEST_CASE("values: only real calendar dates are dates", "[values]") {
  CHECK(is_calendar_date("2026-08-17"));
  CHECK(is_calendar_date("2028-02-29"));
  CHECK_FALSE(is_calendar_date("2027-02-29"));
  CHECK_FALSE(is_calendar_date("2100-02-29"));
  CHECK(is_calendar_date("2000-02-29"));
  CHECK_FALSE(is_calendar_date("2027-02-30"));
  CHECK_FALSE(is_calendar_date("2026-13-01"));
  CHECK_FALSE(is_calendar_date("2026-8-17"));
  CHECK_FALSE(is_calendar_date("17-08-2026"));
  CHECK_FALSE(is_calendar_date("2026-08-17T00:00"));
}

TEST_CASE("values: id lists split on commas", "[values]") {
  CHECK(split_list("a, b,,c ") == std::vector<std::string>{"a", "b", "c"});
  CHECK(split_list("").empty());
}

TEST_CASE("values: problem strings and display names", "[values]") {
  CHECK(RosterProblem{"users.csv", 12, "familyName", "is empty"}.to_string() ==
        "users.csv:12: familyName: is empty");
  CHECK(RosterProblem{"users.csv", 0, "", "is missing"}.to_string() == "users.csv: is missing");
  CHECK(RosterProblem{"x.csv", 3, "", "has 2 fields"}.to_string() == "x.csv:3: has 2 fields");
  RosterPerson p;
  p.given_name = "Sem";
  p.middle_name = "van der";
  p.family_name = "Berg";
  CHECK(p.display_name() == "Sem van der Berg");
  p.middle_name.clear();
  CHECK(p.display_name() == "Sem Berg");
}
