#include "sis_export.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "csv_reader.hpp"
#include "roster_values.hpp"
#include "sis_mapping.hpp"

namespace werkex::school {
namespace {

// Builds the roster row by row; groups and mentors are made on first sight.
struct SisBuilder {
  SisBuilder(const SisMapping& m, const CsvTable& t, std::vector<RosterProblem>& p)
      : mapping(m), table(t), problems(p) {}
  const SisMapping& mapping;
  const CsvTable& table;
  std::vector<RosterProblem>& problems;
  Roster roster;
  std::vector<RosterPerson> mentors;
  std::map<std::string, size_t> pupil_lines;  // student number → first line
  std::set<std::string> groups, mentor_ids;
  std::set<std::pair<std::string, std::string>> mentorships;

  std::string field(const CsvRecord& record, const std::string& key) const {
    const auto it = mapping.columns.find(key);
    return it == mapping.columns.end() ? "" : std::string(table.value(record, it->second));
  }
  std::string required(const CsvRecord& record, const std::string& key, bool& ok) {
    std::string value = field(record, key);
    if (value.empty()) {
      problems.push_back({table.file, record.line, mapping.columns.at(key), "is empty"});
      ok = false;
    }
    return value;
  }
  std::string group(const std::string& name) {
    std::string id = "klas:" + name;
    if (groups.insert(id).second) {
      const YearLevel yl = year_level_from_name(name);
      roster.groups.push_back(
          {id, name, mapping.school.external_id, mapping.school_year, yl.year, yl.level, false});
    }
    return id;
  }
  void mentor(const std::string& value, const std::string& group_id) {
    const std::string id = "mentor:" + value;
    if (mentor_ids.insert(id).second) {
      RosterPerson teacher;
      teacher.external_id = id;
      teacher.role = "teacher";
      teacher.family_name = value;
      if (value.find('@') != std::string::npos) teacher.email = value;
      teacher.school = mapping.school.external_id;
      mentors.push_back(std::move(teacher));
    }
    if (mentorships.emplace(group_id, id).second) {
      roster.memberships.push_back({group_id, id, true, false});
    }
  }
  void row(const CsvRecord& record);
};

void SisBuilder::row(const CsvRecord& record) {
  bool ok = true;
  RosterPerson pupil;
  pupil.external_id = required(record, "external_id", ok);
  pupil.role = "pupil";
  pupil.given_name = required(record, "given_name", ok);
  pupil.middle_name = field(record, "middle_name");
  pupil.family_name = required(record, "family_name", ok);
  pupil.email = field(record, "email");
  pupil.school = mapping.school.external_id;
  const std::string group_name = required(record, "group", ok);
  if (!pupil.external_id.empty()) {
    const auto [it, fresh] = pupil_lines.emplace(pupil.external_id, record.line);
    if (!fresh) {
      problems.push_back({table.file, record.line, mapping.columns.at("external_id"),
                          "duplicate " + pupil.external_id + " (first on line " +
                              std::to_string(it->second) + ")"});
      ok = false;
    }
  }
  if (!ok) return;
  const std::string group_id = group(group_name);
  roster.memberships.push_back({group_id, pupil.external_id, false, false});
  roster.persons.push_back(std::move(pupil));
  if (const std::string m = field(record, "mentor"); !m.empty()) mentor(m, group_id);
}

// Every mapped column must be in the header; false when one is not.
bool check_header(const SisMapping& mapping, const CsvTable& table,
                  std::vector<RosterProblem>& problems) {
  if (table.header.empty()) return false;  // read_csv has said so
  bool ok = true;
  for (const auto& [key, column] : mapping.columns) {
    if (table.column(column)) continue;
    problems.push_back({table.file, 1, column, "column is missing (mapping columns." + key + ")"});
    ok = false;
  }
  return ok;
}

}  // namespace

RosterRead read_sis_export(const std::string& mapping_json, const std::string& csv_bytes,
                           std::string file_name, std::string mapping_name) {
  RosterRead read;
  const SisMapping mapping = parse_sis_mapping(mapping_json, mapping_name, read.problems);
  const size_t mapping_problems = read.problems.size();
  if (mapping.columns.empty()) return read;
  const CsvTable table = read_csv(csv_bytes, std::move(file_name), mapping.separator);
  read.problems.insert(read.problems.end(), table.problems.begin(), table.problems.end());
  if (!check_header(mapping, table, read.problems) || !mapping.usable) return read;
  SisBuilder builder(mapping, table, read.problems);
  builder.roster.schools.push_back(mapping.school);
  for (const auto& record : table.records) builder.row(record);
  read.roster = std::move(builder.roster);
  for (auto& m : builder.mentors) read.roster.persons.push_back(std::move(m));
  // The CSV's problems came from two passes (the reader's, then the rows'): put them in line
  // order after the mapping's.
  std::stable_sort(read.problems.begin() + static_cast<std::ptrdiff_t>(mapping_problems),
                   read.problems.end(),
                   [](const RosterProblem& a, const RosterProblem& b) { return a.line < b.line; });
  return read;
}

}  // namespace werkex::school
