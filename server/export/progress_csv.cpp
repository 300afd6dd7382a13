// The progress CSV of a group (progress_csv.hpp).
#include "progress_csv.hpp"

#include <cstdio>
#include <map>
#include <set>

#include "dutch_text.hpp"
#include "portfolio_view.hpp"

namespace werkex::exporter {

namespace {

struct Row {
  std::string name, status;
  std::map<std::string, size_t> counts;  // entity type -> count
  std::set<std::string> competencies;
  std::vector<std::pair<std::string, double>> hours;  // per placement, in export order
  double total_hours = 0;
  std::map<std::string, size_t> signoffs;  // status -> count
  std::string last;                        // YYYY-MM-DD
};

// The entry's date for "last activity", as a Dutch local date; "" if it has none.
std::string entry_date(const json& e) {
  const std::string type = text_of(e, "type");
  if (type == "experience") return local_date(text_of(e, "occurred_at"));
  if (type == "comment" && !text_of(e, "written_at").empty())
    return local_date(text_of(e, "written_at"));
  if (type == "signoff") return text_of(e, "statement_date");
  if (type == "preparation" || type == "reflection") return text_of(e, "held_on");
  return "";
}

Row row_of(const json& x) {
  Row row;
  row.name = text_of(object_of(x, "pupil"), "name");
  row.status = text_of(object_of(x, "pupil"), "status") == "left" ? "vertrokken" : "actief";
  for (const json& e : array_of(x, "entities")) {
    ++row.counts[text_of(e, "type")];
    for (const std::string& c : strings_of(e, "competencies")) row.competencies.insert(c);
    row.last = std::max(row.last, entry_date(e));
  }
  std::map<std::string, double> valid;
  for (const json& s : array_of(x, "signoffs")) {
    const std::string status = text_of(s, "status");
    ++row.signoffs[status];
    if (status == "valid") valid[text_of(s, "placement")] += number_of(s, "hours").value_or(0);
  }
  for (const json& p : array_of(x, "placements")) {
    double h = valid[text_of(p, "id")];
    row.hours.emplace_back(text_of(p, "company_name"), h);
    row.total_hours += h;
  }
  return row;
}

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
  for (const auto& [company, h] : r.hours)
    hours += (hours.empty() ? "" : " | ") + company + ": " + number(h, sep);
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

std::string progress_csv(const std::vector<json>& exports, char separator, bool bom) {
  std::string out = bom ? "\xEF\xBB\xBF" : "";
  out += line({"Naam", "Status", "Activiteiten", "Voorbereidingen", "Ervaringen", "Reflecties",
               "Vervolgstappen", "Competenties", "Uren per stage", "Uren totaal",
               "Aftekeningen geldig", "Aftekeningen in afwachting", "Aftekeningen verouderd",
               "Aftekeningen ongeldig", "Laatste activiteit"},
              separator);
  for (const json& x : exports) out += line(fields_of(row_of(x), separator), separator);
  return out;
}

}  // namespace werkex::exporter
