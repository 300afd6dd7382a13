#include "fixtures.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

namespace werkex::school::test {

std::string fixture(const std::string& relative) {
  const std::string path = std::string(WERKEX_SCHOOL_FIXTURES) + "/" + relative;
  std::ifstream in(path, std::ios::binary);
  INFO(path);
  REQUIRE(in.good());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::map<std::string, std::string> fixture_dir(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(WERKEX_SCHOOL_FIXTURES) + "/" + dir)) {
    const std::string name = entry.path().filename().string();
    files[name] = fixture(dir + "/" + name);
  }
  REQUIRE(!files.empty());
  return files;
}

std::vector<std::string> problem_strings(const RosterRead& read) {
  std::vector<std::string> out;
  for (const auto& p : read.problems) out.push_back(p.to_string());
  return out;
}

const RosterPerson& person(const Roster& roster, const std::string& id) {
  const auto it = std::find_if(roster.persons.begin(), roster.persons.end(),
                               [&](const RosterPerson& p) { return p.external_id == id; });
  INFO("person " << id);
  REQUIRE(it != roster.persons.end());
  return *it;
}

const RosterGroup& group(const Roster& roster, const std::string& id) {
  const auto it = std::find_if(roster.groups.begin(), roster.groups.end(),
                               [&](const RosterGroup& g) { return g.external_id == id; });
  INFO("group " << id);
  REQUIRE(it != roster.groups.end());
  return *it;
}

bool has_person(const Roster& roster, const std::string& id) {
  return std::any_of(roster.persons.begin(), roster.persons.end(),
                     [&](const RosterPerson& p) { return p.external_id == id; });
}

std::vector<std::string> membership_strings(const Roster& roster) {
  std::vector<std::string> out;
  for (const auto& m : roster.memberships) {
    out.push_back(m.group + " " + m.person + (m.mentor ? " mentor" : "") + (m.left ? " left" : ""));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace werkex::school::test
