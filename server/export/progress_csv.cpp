// The progress CSV of a group (progress_csv.hpp).
#include "progress_csv.hpp"

#include <cstdio>
#include <map>
#include <set>

#include "dutch_text.hpp"
#include "portfolio_view.hpp"
#include "progress_row.hpp"

namespace werkex::exporter {

namespace {

using Row = ProgressRow;

std::string number(double value, char separator) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", value);
  std::string s = buf;
  if (separator == ';')
    for (char& c : s)
      if (c == '.') c = ',';
  return s;
}

// A text field: guarded against formulas, then quoted as needed.
std::string text_field(const std::string& value, char separator) {
  bool formula = !value.empty() && std::string("=+-@\t").find(value[0]) != std::string::npos;
  return csv_field(formula ? "'" + value : value, separator);
}

std::string line(const std::vector<std::string>& fields, char separator) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i)
    out += (i ? std::string(1, separator) : "") + fields[i];
  return out + "\r\n";
}

std::vector<std::string> fields_of(const Row& r, char sep) {
  std::string competencies, hours;
  for (const std::string& c : competency_names())
    if (r.competencies.count(c))
      competencies += (competencies.empty() ? "" : ", ") + enum_label("competency", c);
  for (const PlacementHours& h : r.hours)
    hours += (hours.empty() ? "" : " | ") + h.company + ": " + number(h.hours, sep);
  auto count = [&](const std::map<std::string, size_t>& m, const char* key) {
    auto it = m.find(key);
    return std::to_string(it == m.end() ? 0 : it->second);
  };
  return {text_field(r.name, sep),
          r.status,
          count(r.counts, "activity"),
          count(r.counts, "preparation"),
          count(r.counts, "experience"),
          count(r.counts, "reflection"),
          count(r.counts, "next_step"),
          text_field(competencies, sep),
          text_field(hours, sep),
          csv_field(number(r.total_hours, sep), sep),
          count(r.signoffs, "valid"),
          count(r.signoffs, "pending"),
          count(r.signoffs, "stale"),
          count(r.signoffs, "invalid"),
          r.last};
}

}  // namespace

std::string csv_field(const std::string& value, char separator) {
  if (value.find_first_of(std::string("\"\r\n") + separator) == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string progress_csv_row(const json& export_doc, char separator) {
  std::string row = line(fields_of(progress_row(export_doc), separator), separator);
  row.resize(row.size() - 2);  // without its CRLF
  return row;
}

std::string progress_csv_of_rows(const std::vector<std::string>& rows, char separator, bool bom) {
  std::string out = bom ? "\xEF\xBB\xBF" : "";
  out += line({"Naam", "Status", "Activiteiten", "Voorbereidingen", "Ervaringen", "Reflecties",
               "Vervolgstappen", "Competenties", "Uren per stage", "Uren totaal",
               "Aftekeningen geldig", "Aftekeningen in afwachting", "Aftekeningen verouderd",
               "Aftekeningen ongeldig", "Laatste activiteit"},
              separator);
  for (const std::string& row : rows) out += row + "\r\n";
  return out;
}

std::string progress_csv(const std::vector<json>& exports, char separator, bool bom) {
  std::vector<std::string> rows;
  for (const json& x : exports) rows.push_back(progress_csv_row(x, separator));
  return progress_csv_of_rows(rows, separator, bom);
}

}  // namespace werkex::exporter
