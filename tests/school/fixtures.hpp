// Test helpers: the hand-written fixture files (fixtures/, see WERKEX_SCHOOL_FIXTURES) read as
// bytes, and small lookups into a Roster so assertions name what they check.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "school/roster.hpp"

namespace werkex::school::test {

// The bytes of fixtures/<relative>; fails the test when the file cannot be read.
std::string fixture(const std::string& relative);
// Every file of fixtures/<dir>, by file name.
std::map<std::string, std::string> fixture_dir(const std::string& dir);

// The problems as "file:line: column: what" strings, in order.
std::vector<std::string> problem_strings(const RosterRead& read);

// The person/group with that external_id; fails the test when there is none.
const RosterPerson& person(const Roster& roster, const std::string& id);
const RosterGroup& group(const Roster& roster, const std::string& id);
bool has_person(const Roster& roster, const std::string& id);

// "group person" for the members of groups, "group person mentor" for mentors, sorted.
std::vector<std::string> membership_strings(const Roster& roster);

}  // namespace werkex::school::test
