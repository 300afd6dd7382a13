// One pupil's progress figures (progress_row.hpp).
#include "progress_row.hpp"

#include <algorithm>

#include "dutch_text.hpp"
#include "portfolio_view.hpp"
#include "werkex/signoff_count.hpp"

namespace werkex::exporter {

std::string entry_date(const json& e) {
  const std::string type = text_of(e, "type");
  if (type == "experience") return local_date(text_of(e, "occurred_at"));
  if (type == "comment" && !text_of(e, "written_at").empty())
    return local_date(text_of(e, "written_at"));
  if (type == "signoff") return text_of(e, "statement_date");
  if (type == "preparation" || type == "reflection") return text_of(e, "held_on");
  return "";
}

ProgressRow progress_row(const json& x) {
  ProgressRow row;
  row.name = text_of(object_of(x, "pupil"), "name");
  row.status = text_of(object_of(x, "pupil"), "status") == "left" ? "vertrokken" : "actief";
  for (const json& e : array_of(x, "entities")) {
    ++row.counts[text_of(e, "type")];
    for (const std::string& c : strings_of(e, "competencies")) row.competencies.insert(c);
    row.last = std::max(row.last, entry_date(e));
  }
  for (const json& s : array_of(x, "signoffs")) ++row.signoffs[text_of(s, "status")];
  for (const json& p : array_of(x, "placements")) {
    // The one rule of what counts (superseded, stale, pending do not): signoff_count.hpp.
    double h = signed_hours(array_of(x, "signoffs"), text_of(p, "id"));
    row.hours.push_back({text_of(p, "id"), text_of(p, "company_name"), h});
    row.total_hours += h;
  }
  return row;
}

}  // namespace werkex::exporter
