// The Begeleider page's read model (supervision.hpp).
#include "supervision.hpp"

#include <algorithm>
#include <map>

#include "calendar.hpp"
#include "export/dutch_text.hpp"
#include "export/portfolio_view.hpp"
#include "network_overview.hpp"
#include "werkex/todo.hpp"

namespace werkex::dashboard {

namespace {

using exporter::text_of;

// The name of the entity `id` if it is a person or company of the school bucket.
NameOf names_in(const EntityReader& r, const std::string& school_bucket) {
  return [&r, school_bucket](const std::string& id) -> std::string {
    auto doc = r.get(id);
    if (!doc || text_of(*doc, "bucket") != school_bucket) return "";
    return text_of(*doc, "name");
  };
}

// The placement of an experience's activity, "" when the item is not about one.
std::string placement_of(const EntityReader& r, const std::string& experience) {
  auto e = r.get(experience);
  if (!e) return "";
  auto a = r.get(text_of(*e, "activity"));
  return a ? text_of(*a, "placement") : "";
}

}  // namespace

Result<json> supervision(const EntityReader& r, const DashboardScope& scope,
                         const std::string& today) {
  if (scope.role != "supervisor")
    return make_error(WX_PERMISSION_DENIED, "alleen voor praktijkbegeleiders");
  if (school_year_of(today).first.empty())
    return make_error(WX_INVALID_ARGUMENT, "today is not a date: " + today);
  const NameOf name_of = names_in(r, scope.school_bucket);
  std::map<std::string, json> placements;  // by id
  for (const std::string& id : scope.placements) {
    WX_ASSIGN_OR_RETURN(json p, r.get(id));
    placements[id] = placement_json(p, name_of, today);
    placements[id]["waiting"] = 0;
  }
  WX_ASSIGN_OR_RETURN(auto items, todo_list(r, {today, scope.person, "supervisor"}));
  json waiting = json::array();
  for (const TodoItem& item : items) {
    if (item.kind != "signoff_waiting" || !scope.pupils.count(item.pupil)) continue;
    auto p = placements.find(placement_of(r, item.entity));
    if (p == placements.end()) continue;
    p->second["waiting"] = p->second["waiting"].get<int>() + 1;
    json w = item.to_json();
    w["pupil_name"] = name_of(item.pupil);
    w["due_label"] = exporter::dutch_date(item.due);
    w["placement"] = p->first;
    waiting.push_back(std::move(w));
  }
  json list = json::array();
  for (auto& [id, p] : placements) list.push_back(std::move(p));
  std::stable_sort(list.begin(), list.end(), [](const json& a, const json& b) {
    return text_of(a, "start_date") < text_of(b, "start_date");
  });
  return json{{"today", today}, {"placements", std::move(list)}, {"waiting", std::move(waiting)}};
}

}  // namespace werkex::dashboard
