// orgs.csv, academicSessions.csv and classes.csv: schools, school years and groups.
#include "oneroster_run.hpp"
#include "roster_values.hpp"

namespace werkex::school {

void read_orgs(const CsvTable& table, bool bulk, OneRosterRun& run) {
  if (!require_columns(table, {"sourcedId", "name", "type"}, run)) return;
  std::map<std::string, size_t, std::less<>> lines;
  for (const auto& record : table.records) {
    bool row_ok = true;
    const auto left = read_status(table, record, run);
    const std::string type(table.value(record, "type"));
    if (!claim_id(table, record, run.orgs, type, run, lines)) continue;
    const std::string name = required(table, record, "name", run, row_ok);
    required(table, record, "type", run, row_ok);
    row_ok =
        check_one_of(table, record, "type", type,
                     {"department", "school", "district", "local", "state", "national"}, run) &&
        row_ok;
    if (!row_ok || !left || type != "school") continue;
    run.roster.schools.push_back({std::string(table.value(record, "sourcedId")), name,
                                  std::string(table.value(record, "identifier")), *left});
  }
  run.orgs.complete = bulk;
}

namespace {

void check_dates(const CsvTable& table, const CsvRecord& record, OneRosterRun& run) {
  bool both = true;
  for (const char* column : {"startDate", "endDate"}) {
    const auto date = table.value(record, column);
    if (date.empty()) {
      run.problem(table, record.line, column, "is empty");
      both = false;
    } else if (!is_calendar_date(date)) {
      run.problem(table, record.line, column,
                  "is not a date (YYYY-MM-DD): \"" + std::string(date) + "\"");
      both = false;
    }
  }
  if (both && table.value(record, "endDate") < table.value(record, "startDate")) {
    run.problem(table, record.line, "endDate", "is before startDate");
  }
}

}  // namespace

void read_sessions(const CsvTable& table, bool bulk, OneRosterRun& run) {
  if (!require_columns(table, {"sourcedId", "title", "type", "startDate", "endDate"}, run)) {
    return;
  }
  std::map<std::string, size_t, std::less<>> lines;
  std::map<std::string, std::string> parent_of;  // a term's school year, resolved below
  for (const auto& record : table.records) {
    bool row_ok = true;
    read_status(table, record, run);
    const std::string type(table.value(record, "type"));
    if (!claim_id(table, record, run.sessions, type, run, lines)) continue;
    const std::string id(table.value(record, "sourcedId"));
    const std::string title = required(table, record, "title", run, row_ok);
    required(table, record, "type", run, row_ok);
    check_one_of(table, record, "type", type, {"gradingPeriod", "semester", "schoolYear", "term"},
                 run);
    check_dates(table, record, run);
    if (type == "schoolYear") {
      run.school_year_of_session[id] = title;
    } else if (!table.value(record, "parentSourcedId").empty()) {
      parent_of[id] = table.value(record, "parentSourcedId");
    }
  }
  for (const auto& [id, parent] : parent_of) {
    const auto it = run.school_year_of_session.find(parent);
    if (it != run.school_year_of_session.end()) run.school_year_of_session[id] = it->second;
  }
  run.sessions.complete = bulk;
}

namespace {

// The school year of the first session in termSourcedIds that is, or lies in, one.
std::string school_year(const CsvTable& table, const CsvRecord& record, OneRosterRun& run) {
  std::string found;
  for (const auto& term : split_list(table.value(record, "termSourcedIds"))) {
    if (!check_ref(table, record, "termSourcedIds", term, run.sessions, "session",
                   "academicSessions.csv", run)) {
      continue;
    }
    const auto it = run.school_year_of_session.find(term);
    if (found.empty() && it != run.school_year_of_session.end()) found = it->second;
  }
  return found;
}

}  // namespace

void read_classes(const CsvTable& table, bool bulk, OneRosterRun& run) {
  if (!require_columns(table, {"sourcedId", "title", "classType", "schoolSourcedId"}, run)) {
    return;
  }
  std::map<std::string, size_t, std::less<>> lines;
  size_t scheduled = 0;
  for (const auto& record : table.records) {
    bool row_ok = true;
    const auto left = read_status(table, record, run);
    const std::string type(table.value(record, "classType"));
    if (!claim_id(table, record, run.classes, type, run, lines)) continue;
    const std::string title = required(table, record, "title", run, row_ok);
    required(table, record, "classType", run, row_ok);
    row_ok =
        check_one_of(table, record, "classType", type, {"homeroom", "scheduled"}, run) && row_ok;
    const std::string school = required(table, record, "schoolSourcedId", run, row_ok);
    row_ok = check_school(table, record, "schoolSourcedId", school, run) && row_ok;
    const std::string year_title = school_year(table, record, run);
    if (!row_ok || !left) continue;
    if (type != "homeroom") {
      ++scheduled;
      continue;
    }
    YearLevel yl = year_level_from_name(title);
    if (const int year = year_from_grades(table.value(record, "grades")); year != 0) {
      yl.year = year;
    }
    run.roster.groups.push_back({std::string(table.value(record, "sourcedId")), title, school,
                                 year_title, yl.year, yl.level, *left});
  }
  if (scheduled > 0) {
    run.notes.push_back("classes.csv: " + std::to_string(scheduled) +
                        " scheduled class(es) skipped: only homeroom classes are groups");
  }
  run.classes.complete = bulk;
}

}  // namespace werkex::school
