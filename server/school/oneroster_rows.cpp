#include "oneroster_run.hpp"

namespace werkex::school {

bool require_columns(const CsvTable& table, std::initializer_list<std::string_view> columns,
                     OneRosterRun& run) {
  bool ok = true;
  for (auto column : columns) {
    if (table.column(column)) continue;
    run.problem(table, 1, std::string(column), "column is missing");
    ok = false;
  }
  return ok;
}

std::string required(const CsvTable& table, const CsvRecord& record, std::string_view column,
                     OneRosterRun& run, bool& row_ok) {
  std::string value(table.value(record, column));
  if (value.empty()) {
    run.problem(table, record.line, std::string(column), "is empty");
    row_ok = false;
  }
  return value;
}

std::optional<bool> read_status(const CsvTable& table, const CsvRecord& record, OneRosterRun& run) {
  const auto status = table.value(record, "status");
  if (status.empty() || status == "active") return false;
  if (status == "tobedeleted") {
    if (run.delta) return true;
    run.problem(table, record.line, "status", "is tobedeleted, but the manifest says bulk");
    return std::nullopt;
  }
  run.problem(table, record.line, "status", "unknown status \"" + std::string(status) + "\"");
  return std::nullopt;
}

bool claim_id(const CsvTable& table, const CsvRecord& record, Known& known, std::string info,
              OneRosterRun& run, std::map<std::string, size_t, std::less<>>& lines) {
  const std::string id(table.value(record, "sourcedId"));
  if (id.empty()) {
    run.problem(table, record.line, "sourcedId", "is empty");
    return false;
  }
  const auto [it, fresh] = lines.emplace(id, record.line);
  if (!fresh) {
    run.problem(table, record.line, "sourcedId",
                "duplicate " + id + " (first on line " + std::to_string(it->second) + ")");
    return false;
  }
  known.ids.emplace(id, std::move(info));
  return true;
}

bool check_one_of(const CsvTable& table, const CsvRecord& record, std::string_view column,
                  std::string_view value, std::initializer_list<std::string_view> allowed,
                  OneRosterRun& run) {
  for (auto a : allowed) {
    if (value == a) return true;
  }
  if (value.empty()) return false;  // `required` has said so
  run.problem(table, record.line, std::string(column),
              "unknown " + std::string(column) + " \"" + std::string(value) + "\"");
  return false;
}

bool check_ref(const CsvTable& table, const CsvRecord& record, std::string_view column,
               std::string_view id, const Known& known, std::string_view what,
               std::string_view file, OneRosterRun& run) {
  if (id.empty()) return false;  // `required` has said so
  if (!known.complete || known.ids.contains(id)) return true;
  run.problem(table, record.line, std::string(column),
              "names " + std::string(what) + " " + std::string(id) + " that " + std::string(file) +
                  " does not have");
  return false;
}

bool check_school(const CsvTable& table, const CsvRecord& record, std::string_view column,
                  std::string_view id, OneRosterRun& run) {
  if (!id.empty()) run.schools_named.emplace(id);
  if (!check_ref(table, record, column, id, run.orgs, "org", "orgs.csv", run)) return false;
  const auto it = run.orgs.ids.find(id);
  if (it == run.orgs.ids.end() || it->second == "school") return true;
  run.problem(table, record.line, std::string(column),
              "names org " + std::string(id) + ", a " + it->second + ", not a school");
  return false;
}

}  // namespace werkex::school
