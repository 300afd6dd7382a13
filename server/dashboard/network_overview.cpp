// The Netwerk page's read model (network_overview.hpp).
#include "network_overview.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "calendar.hpp"
#include "export/dutch_text.hpp"
#include "export/portfolio_view.hpp"

namespace werkex::dashboard {

namespace {

using exporter::text_of;

Result<std::map<std::string, json>> by_id(const EntityReader& r, const std::string& bucket,
                                          const std::string& type) {
  Query q;
  q.type = type;
  q.bucket = bucket;
  WX_ASSIGN_OR_RETURN(auto docs, r.list(q));
  std::map<std::string, json> out;
  for (json& d : docs) {
    std::string id = text_of(d, "id");  // before the move: `a[k] = move(d)` moves first
    out[id] = std::move(d);
  }
  return out;
}

std::string name_in(const std::map<std::string, json>& docs, const std::string& id) {
  auto it = docs.find(id);
  return it == docs.end() ? "" : text_of(it->second, "name");
}

struct CompanyTally {
  size_t placements = 0;
  std::set<std::string> pupils, pupils_ever, supervisors;
};

json company_json(const json& c, const CompanyTally& t, const std::map<std::string, json>& people) {
  json offers = json::array(), supervisors = json::array();
  for (const std::string& o : exporter::strings_of(c, "offers"))
    offers.push_back({{"id", o}, {"label", exporter::enum_label("activity_kind", o)}});
  for (const std::string& s : t.supervisors)
    supervisors.push_back({{"id", s}, {"name", name_in(people, s)}});
  return {{"id", text_of(c, "id")},
          {"name", text_of(c, "name")},
          {"sector", text_of(c, "sector")},
          {"size", text_of(c, "size")},
          {"offers", offers},
          {"placements_this_year", t.placements},
          {"pupils_hosted", t.pupils.size()},
          {"pupils_hosted_ever", t.pupils_ever.size()},
          {"supervisors", supervisors}};
}

}  // namespace

json placement_json(const json& p, const NameOf& name_of, const std::string& today) {
  const std::string start = text_of(p, "start_date"), end = text_of(p, "end_date");
  return {{"id", text_of(p, "id")},
          {"pupil", text_of(p, "pupil")},
          {"pupil_name", name_of(text_of(p, "pupil"))},
          {"company", text_of(p, "company")},
          {"company_name", name_of(text_of(p, "company"))},
          {"supervisor", text_of(p, "supervisor")},
          {"supervisor_name", name_of(text_of(p, "supervisor"))},
          {"start_date", start},
          {"end_date", end},
          {"start_label", exporter::dutch_date(start)},
          {"end_label", exporter::dutch_date(end)},
          {"kind", text_of(p, "kind")},
          {"kind_label", exporter::enum_label("placement_kind", text_of(p, "kind"))},
          {"running", start <= today && today <= end},
          {"days_left", days_between(today, end)}};
}

Result<json> network_overview(const EntityReader& r, const DashboardScope& scope,
                              const std::string& today, int within) {
  WX_RETURN_IF_ERROR(scope.may_see_network());
  const DateRange year = school_year_of(today);
  if (year.first.empty()) return make_error(WX_INVALID_ARGUMENT, "today is not a date: " + today);
  WX_ASSIGN_OR_RETURN(auto companies, by_id(r, scope.school_bucket, "company"));
  WX_ASSIGN_OR_RETURN(auto people, by_id(r, scope.school_bucket, "person"));
  WX_ASSIGN_OR_RETURN(auto placements, by_id(r, scope.school_bucket, "placement"));
  const NameOf name_of = [&](const std::string& id) {
    std::string n = name_in(people, id);
    return n.empty() ? name_in(companies, id) : n;
  };
  std::map<std::string, CompanyTally> tally;
  json this_year = json::array(), ending = json::array();
  for (const auto& [id, p] : placements) {
    CompanyTally& t = tally[text_of(p, "company")];
    t.pupils_ever.insert(text_of(p, "pupil"));
    if (!text_of(p, "supervisor").empty()) t.supervisors.insert(text_of(p, "supervisor"));
    if (text_of(p, "end_date") < year.first || text_of(p, "start_date") > year.last) continue;
    ++t.placements;
    t.pupils.insert(text_of(p, "pupil"));
    json pj = placement_json(p, name_of, today);
    if (pj["running"] == true && pj["days_left"].get<long>() <= within) ending.push_back(pj);
    this_year.push_back(std::move(pj));
  }
  auto by = [](const char* key) {
    return [key](const json& a, const json& b) {
      return std::tie(a[key].get_ref<const std::string&>(), a["id"].get_ref<const std::string&>()) <
             std::tie(b[key].get_ref<const std::string&>(), b["id"].get_ref<const std::string&>());
    };
  };
  std::sort(this_year.begin(), this_year.end(), by("start_date"));
  std::sort(ending.begin(), ending.end(), by("end_date"));
  json list = json::array();
  for (const auto& [id, c] : companies) list.push_back(company_json(c, tally[id], people));
  std::sort(list.begin(), list.end(), by("name"));
  return json{{"today", today},
              {"school_year", {{"first", year.first}, {"last", year.last}}},
              {"ending_within_days", within},
              {"companies", list},
              {"placements", this_year},
              {"ending_soon", ending}};
}

}  // namespace werkex::dashboard
