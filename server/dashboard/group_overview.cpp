// The Groep page's read model (group_overview.hpp).
#include "group_overview.hpp"

#include <algorithm>

#include "calendar.hpp"
#include "export/dutch_text.hpp"
#include "export/portfolio_view.hpp"
#include "year_facts.hpp"

namespace werkex::dashboard {

namespace {

using exporter::text_of;

json labelled(const std::string& enum_name, const std::set<std::string>& values) {
  json out = json::array();
  for (const std::string& v : values)
    out.push_back({{"id", v}, {"label", exporter::enum_label(enum_name, v)}});
  return out;
}

json competencies_json(const std::set<std::string>& covered) {
  json out = json::array();
  for (const std::string& c : exporter::competency_names())
    if (covered.count(c))
      out.push_back({{"id", c}, {"label", exporter::enum_label("competency", c)}});
  return out;
}

size_t status_count(const PupilSummary& s, const char* status) {
  auto it = s.progress.signoffs.find(status);
  return it == s.progress.signoffs.end() ? 0 : it->second;
}

json pupil_row(const PupilSummary& s, const YearFacts& f, const GroupOptions& o) {
  json hours = json::array();
  for (const auto& h : s.progress.hours)
    hours.push_back({{"placement", h.placement}, {"company", h.company}, {"hours", h.hours}});
  const std::string& last = s.progress.last;
  bool inactive = last.empty() || days_between(last, o.today) > 7L * o.inactive_weeks;
  return {{"id", s.id},
          {"name", s.name},
          {"activities", f.activities},
          {"complete_cycles", f.complete},
          {"phases", f.phases},
          {"competencies", competencies_json(s.progress.competencies)},
          {"kinds", labelled("activity_kind", f.kinds)},
          {"sectors", f.sectors},
          {"signoffs",
           {{"waiting", status_count(s, "pending")},
            {"stale", status_count(s, "stale")},
            {"invalid", status_count(s, "invalid")},
            {"valid", status_count(s, "valid")}}},
          {"hours", hours},
          {"hours_total", s.progress.total_hours},
          {"last_activity", last},
          {"last_activity_label", exporter::dutch_date(last)},
          {"inactive", inactive}};
}

json charts(const json& rows, const std::map<std::string, size_t>& months, const DateRange& y) {
  json comp = json::array(), cycles = json::array(), per_month = json::array();
  for (const std::string& c : exporter::competency_names()) {
    size_t n = 0;
    for (const json& r : rows)
      for (const json& rc : r["competencies"]) n += rc["id"] == c ? 1 : 0;
    comp.push_back({{"id", c}, {"label", exporter::enum_label("competency", c)}, {"pupils", n}});
  }
  for (const json& r : rows)
    cycles.push_back({{"pupil", r["id"]},
                      {"name", r["name"]},
                      {"activities", r["activities"]},
                      {"complete", r["complete_cycles"]}});
  for (const std::string& m : months_of(y)) {
    auto it = months.find(m);
    per_month.push_back({{"month", m},
                         {"label", month_label(m)},
                         {"activities", it == months.end() ? 0 : it->second}});
  }
  return {{"competencies", comp}, {"cycle_completion", cycles}, {"activity_per_month", per_month}};
}

}  // namespace

Result<json> find_group(const EntityReader& r, const DashboardScope& scope, const std::string& id) {
  auto doc = r.get(id);
  if (!doc && doc.error().code != WX_NOT_FOUND) return doc.error();
  if (!doc || text_of(*doc, "type") != "group" || doc->value("deleted", false))
    return make_error(WX_NOT_FOUND, "no group with id '" + id + "'");
  if (text_of(*doc, "bucket") != scope.school_bucket)
    return make_error(WX_PERMISSION_DENIED, "group " + id + " belongs to another school");
  WX_RETURN_IF_ERROR(scope.may_see_group(id));
  return doc;
}

Result<std::vector<std::string>> group_pupils(const EntityReader& r,
                                              const std::string& school_bucket,
                                              const std::string& group_id) {
  WX_ASSIGN_OR_RETURN(auto people,
                      r.list(Query::where("person", school_bucket, "groups", group_id)));
  std::vector<std::string> out;
  for (const json& p : people)
    if (text_of(p, "role") == "pupil" && text_of(p, "status") != "left")
      out.push_back(text_of(p, "id"));
  std::sort(out.begin(), out.end());
  return out;
}

Result<json> group_overview(SummaryCache& cache, const DashboardScope& scope,
                            const std::string& group_id, const GroupOptions& o) {
  const DateRange year = school_year_of(o.today);
  if (year.first.empty()) return make_error(WX_INVALID_ARGUMENT, "today is not a date: " + o.today);
  WX_ASSIGN_OR_RETURN(json group, find_group(cache.dossiers(), scope, group_id));
  WX_RETURN_IF_ERROR(cache.refresh());
  WX_ASSIGN_OR_RETURN(auto ids, cache.group_pupils(scope.school_bucket, group_id));
  json rows = json::array();
  std::map<std::string, size_t> months;
  for (const std::string& id : ids) {
    WX_ASSIGN_OR_RETURN(auto e, cache.entry(id));
    YearFacts f = year_facts(e->summary, year);
    for (const auto& [m, n] : f.per_month) months[m] += n;
    rows.push_back(pupil_row(e->summary, f, o));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const json& a, const json& b) {
    return std::tie(a["name"].get_ref<const std::string&>(),
                    a["id"].get_ref<const std::string&>()) <
           std::tie(b["name"].get_ref<const std::string&>(), b["id"].get_ref<const std::string&>());
  });
  const std::string level = text_of(group, "level");
  json out = {{"group",
               {{"id", group_id},
                {"name", text_of(group, "name")},
                {"year", group.value("year", json())},
                {"level", level},
                {"level_label", level.empty() ? "" : exporter::enum_label("vmbo_track", level)},
                {"school_year", text_of(group, "school_year")}}},
              {"today", o.today},
              {"school_year", {{"first", year.first}, {"last", year.last}}},
              {"inactive_weeks", o.inactive_weeks}};
  out["charts"] = charts(rows, months, year);
  out["pupils"] = std::move(rows);
  return out;
}

}  // namespace werkex::dashboard
