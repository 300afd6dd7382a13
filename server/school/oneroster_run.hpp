// Private to the OneRoster reader (oneroster*.cpp): the state of one read and the row
// helpers every file uses. Files are read in dependency order (orgs, academicSessions,
// classes, users, enrollments), so a reference always looks back at files already read.
//
// Invariant: `Known::complete` is true only for a file read in bulk with all its required
// columns; only then is a reference to an id it lacks a problem.
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "csv_reader.hpp"
#include "oneroster.hpp"
#include "roster.hpp"

namespace werkex::school {

// The ids one file defined, each with what the reference checks need: an org's type, a
// session's type, a class's classType, a user's role when imported ("" when skipped).
struct Known {
  std::map<std::string, std::string, std::less<>> ids;
  bool complete = false;
};

struct OneRosterRun {
  explicit OneRosterRun(const RoleMapping& r) : roles(r) {}
  const RoleMapping& roles;
  bool delta = false;
  Roster roster;
  std::vector<RosterProblem> problems;
  std::vector<std::string> notes;
  Known orgs, sessions, classes, users;
  std::map<std::string, std::string, std::less<>> school_year_of_session;  // id → title
  // Delta only: a person whose orgSourcedIds name several orgs this set does not have, with
  // those candidates; resolved after all files by the schools classes and enrollments name.
  std::map<std::string, std::vector<std::string>> unsure_school;
  std::set<std::string, std::less<>> schools_named;  // every schoolSourcedId seen

  void problem(const CsvTable& table, size_t line, std::string column, std::string what) {
    problems.push_back({table.file, line, std::move(column), std::move(what)});
  }
};

// Reports each missing column at line 1; true when all are there.
bool require_columns(const CsvTable& table, std::initializer_list<std::string_view> columns,
                     OneRosterRun& run);

// The value of a required column; an empty one is reported ("is empty") and clears `row_ok`.
std::string required(const CsvTable& table, const CsvRecord& record, std::string_view column,
                     OneRosterRun& run, bool& row_ok);

// The row's status: false for present ("" or active), true for tobedeleted; nullopt (and a
// problem) for anything else, or tobedeleted in a bulk file.
std::optional<bool> read_status(const CsvTable& table, const CsvRecord& record, OneRosterRun& run);

// Records the row's sourcedId in `known` with `info`; false (and a problem) for an empty id or
// one an earlier row of the file already has.
bool claim_id(const CsvTable& table, const CsvRecord& record, Known& known, std::string info,
              OneRosterRun& run, std::map<std::string, size_t, std::less<>>& lines);

// Whether `value` is one of `allowed`; if not, reports `unknown <column> "<value>"`.
bool check_one_of(const CsvTable& table, const CsvRecord& record, std::string_view column,
                  std::string_view value, std::initializer_list<std::string_view> allowed,
                  OneRosterRun& run);

// Whether `id` (in `column`) names a row of `known`, read from `file` ("classes.csv"); when
// not, and the file was complete, reports `names <what> <id> that <file> does not have`.
bool check_ref(const CsvTable& table, const CsvRecord& record, std::string_view column,
               std::string_view id, const Known& known, std::string_view what,
               std::string_view file, OneRosterRun& run);

// check_ref against orgs.csv, and the org must be a school.
bool check_school(const CsvTable& table, const CsvRecord& record, std::string_view column,
                  std::string_view id, OneRosterRun& run);

// Gives each person in `unsure_school` the first candidate a class or enrollment names as a
// school (else the first candidate stays).
void settle_unsure_schools(OneRosterRun& run);

void read_orgs(const CsvTable& table, bool bulk, OneRosterRun& run);
void read_sessions(const CsvTable& table, bool bulk, OneRosterRun& run);
void read_classes(const CsvTable& table, bool bulk, OneRosterRun& run);
void read_users(const CsvTable& table, bool bulk, OneRosterRun& run);
void read_enrollments(const CsvTable& table, bool bulk, OneRosterRun& run);

}  // namespace werkex::school
