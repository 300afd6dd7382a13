// The Directie page's read model (aggregates.hpp).
#include "aggregates.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "calendar.hpp"
#include "export/dutch_text.hpp"
#include "export/portfolio_view.hpp"
#include "group_overview.hpp"
#include "year_facts.hpp"

namespace werkex::dashboard {

namespace {

using exporter::text_of;
using Pupils = std::set<std::string>;

struct Facts {  // what a cell needs of one pupil
  YearFacts year;
  std::set<std::string> competencies;
};

json months_json(const std::map<std::string, size_t>& counts, const DateRange& y) {
  json out = json::array();
  for (const std::string& m : months_of(y)) {
    auto it = counts.find(m);
    out.push_back({{"month", m},
                   {"label", month_label(m)},
                   {"activities", it == counts.end() ? 0 : it->second}});
  }
  return out;
}

json figures(const Pupils& pupils, const std::map<std::string, Facts>& facts, const DateRange& y) {
  size_t activities = 0, complete = 0, with_complete = 0;
  std::map<std::string, size_t> phases, competencies, months;
  for (const std::string& p : pupils) {
    const Facts& f = facts.at(p);
    activities += f.year.activities;
    complete += f.year.complete;
    with_complete += f.year.complete > 0 ? 1 : 0;
    for (const auto& [phase, reached] : f.year.phases) phases[phase] += reached ? 1 : 0;
    for (const std::string& c : f.competencies) ++competencies[c];
    for (const auto& [m, n] : f.year.per_month) months[m] += n;
  }
  json comp = json::array();
  for (const std::string& c : exporter::competency_names())
    comp.push_back(
        {{"id", c}, {"label", exporter::enum_label("competency", c)}, {"pupils", competencies[c]}});
  return {{"pupils", pupils.size()},
          {"activities", activities},
          {"complete_cycles", complete},
          {"pupils_with_complete_cycle", with_complete},
          {"cycle_completion_pct",
           std::lround(100.0 * double(with_complete) / double(std::max<size_t>(pupils.size(), 1)))},
          {"phases", phases},
          {"competencies", comp},
          {"per_month", months_json(months, y)}};
}

// A year's or level's cell over the shown groups' pupils.
json cell(json head, size_t groups, const Pupils& pupils, const std::map<std::string, Facts>& f,
          const DateRange& y) {
  head["groups"] = groups;
  head["hidden"] = pupils.size() < kMinPupils;
  if (pupils.size() >= kMinPupils) head["figures"] = figures(pupils, f, y);
  return head;
}

struct Shown {
  std::map<std::string, std::pair<size_t, Pupils>> years, levels;  // key -> (groups, pupils)
  Pupils all;
};

json years_json(const Shown& shown, const std::map<std::string, Facts>& facts, const DateRange& y) {
  json out = json::array();
  for (const auto& [key, c] : shown.years) {
    json year = json::parse(key);
    std::string label = year.is_number() ? "leerjaar " + year.dump() : "leerjaar onbekend";
    out.push_back(cell({{"year", year}, {"label", label}}, c.first, c.second, facts, y));
  }
  return out;
}

json levels_json(const Shown& shown, const std::map<std::string, Facts>& facts,
                 const DateRange& y) {
  json out = json::array();
  for (const auto& [level, c] : shown.levels) {
    std::string label =
        level.empty() ? "leerweg onbekend" : exporter::enum_label("vmbo_track", level);
    out.push_back(cell({{"level", level}, {"label", label}}, c.first, c.second, facts, y));
  }
  return out;
}

}  // namespace

Result<json> school_aggregates(SummaryCache& cache, const DashboardScope& scope,
                               const std::string& today) {
  WX_RETURN_IF_ERROR(scope.may_see_aggregates());
  const DateRange year = school_year_of(today);
  if (year.first.empty()) return make_error(WX_INVALID_ARGUMENT, "today is not a date: " + today);
  WX_RETURN_IF_ERROR(cache.refresh());
  Query q;
  q.type = "group";
  q.bucket = scope.school_bucket;
  WX_ASSIGN_OR_RETURN(auto groups, cache.dossiers().list(q));
  // By name, then id (list() gives id order), on any engine.
  std::stable_sort(groups.begin(), groups.end(), [](const json& a, const json& b) {
    return text_of(a, "name") < text_of(b, "name");
  });
  std::map<std::string, Facts> facts;
  Shown shown;
  json group_rows = json::array();
  size_t hidden = 0;
  for (const json& g : groups) {
    WX_ASSIGN_OR_RETURN(auto ids, cache.group_pupils(scope.school_bucket, text_of(g, "id")));
    json row = {{"id", text_of(g, "id")},
                {"name", text_of(g, "name")},
                {"year", g.value("year", json())},
                {"level", text_of(g, "level")},
                {"hidden", ids.size() < kMinPupils}};
    if (ids.size() < kMinPupils) {
      ++hidden;
      group_rows.push_back(std::move(row));
      continue;
    }
    for (const std::string& id : ids) {
      WX_ASSIGN_OR_RETURN(auto e, cache.entry(id));
      facts[id] = {year_facts(e->summary, year), e->summary.progress.competencies};
    }
    Pupils set(ids.begin(), ids.end());
    row["figures"] = figures(set, facts, year);
    group_rows.push_back(std::move(row));
    auto add = [&](std::pair<size_t, Pupils>& c) {
      ++c.first;
      c.second.insert(ids.begin(), ids.end());
    };
    add(shown.years[g.contains("year") ? g["year"].dump() : "null"]);
    add(shown.levels[text_of(g, "level")]);
    shown.all.insert(ids.begin(), ids.end());
  }
  json trend = {{"hidden", shown.all.size() < kMinPupils}};
  if (shown.all.size() >= kMinPupils)
    trend["months"] = figures(shown.all, facts, year)["per_month"];
  return json{{"min_pupils", kMinPupils},
              {"today", today},
              {"school_year", {{"first", year.first}, {"last", year.last}}},
              {"hidden_groups", hidden},
              {"groups", group_rows},
              {"years", years_json(shown, facts, year)},
              {"levels", levels_json(shown, facts, year)},
              {"trend", trend}};
}

}  // namespace werkex::dashboard
