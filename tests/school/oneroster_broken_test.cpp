// fixtures/broken: bad rows at known lines. Every problem is listed, in file and line order,
// and the read is not ok, so the import applies nothing.
#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "school/oneroster.hpp"

using namespace werkex::school;
using namespace werkex::school::test;

TEST_CASE("oneroster: the broken set lists every problem with file, line and column",
          "[oneroster][broken]") {
  const RosterRead read = read_oneroster(fixture_dir("broken"));
  CHECK_FALSE(read.ok());
  CHECK(problem_strings(read) ==
        std::vector<std::string>{
            "academicSessions.csv:3: endDate: is not a date (YYYY-MM-DD): \"2027-02-30\"",
            "classes.csv:3: has 13 fields, the header has 14",
            "classes.csv:4: schoolSourcedId: names org org-elders that orgs.csv does not have",
            "users.csv:5: sourcedId: duplicate p-1001 (first on line 2)",
            "users.csv:6: role: unknown role \"principal\"",
            "users.csv:7: familyName: is empty",
            "users.csv:7: orgSourcedIds: names no school of orgs.csv: \"org-bestuur\"",
            "enrollments.csv:4: classSourcedId: names class cls-9 that classes.csv does not "
            "have",
            "enrollments.csv:6: userSourcedId: names user p-1099 that users.csv does not have",
            "enrollments.csv:7: role: unknown role \"mentor\"",
        });
}

TEST_CASE("oneroster: problems carry file, line and column apart", "[oneroster][broken]") {
  const RosterRead read = read_oneroster(fixture_dir("broken"));
  REQUIRE(read.problems.size() >= 6);
  const RosterProblem& p = read.problems[5];
  CHECK(p.file == "users.csv");
  CHECK(p.line == 7);
  CHECK(p.column == "familyName");
  CHECK(p.what == "is empty");
}
