// The Leerling page's read model (pupil_timeline.hpp).
#include "pupil_timeline.hpp"

#include <set>

#include "export/dutch_text.hpp"
#include "export/portfolio_cycles.hpp"
#include "timeline_entries.hpp"
#include "werkex/schema.hpp"

namespace werkex::dashboard {

namespace {

using exporter::text_of;

Status check_pupil(const EntityReader& r, const DashboardScope& scope, const std::string& id) {
  auto doc = r.get(id);
  if (!doc && doc.error().code != WX_NOT_FOUND) return doc.error();
  if (!doc || text_of(*doc, "type") != "person" || text_of(*doc, "role") != "pupil" ||
      doc->value("deleted", false))
    return make_error(WX_NOT_FOUND, "no pupil with id '" + id + "'");
  if (text_of(*doc, "bucket") != scope.school_bucket)
    return make_error(WX_PERMISSION_DENIED, "pupil " + id + " belongs to another school");
  return scope.may_see_pupil(id);
}

json phases_of(const PupilSummary& s, const std::string& activity) {
  for (const ActivityFacts& a : s.activities)
    if (a.id == activity)
      return {{"voorbereid", a.prepared},
              {"ervaren", a.experienced},
              {"gereflecteerd", a.reflected},
              {"vervolgstap", a.next_step},
              {"afgetekend", a.signed_off}};
  return nullptr;
}

// One cycle as JSON; adds the ids of what it shows to `shown`.
json cycle_json(const exporter::PortfolioView& view, const PupilSummary& s,
                const exporter::Cycle& c, std::set<std::string>& shown) {
  auto list = [&](const std::vector<const json*>& entities) {
    json out = json::array();
    for (const json* e : entities) {
      shown.insert(text_of(*e, "id"));
      out.push_back(entry_json(view, *e));
    }
    return out;
  };
  json reflections = json::array();
  for (const json* r : c.reflections) {
    json entry = entry_json(view, *r);
    entry["next_steps"] = list(view.referring("next_step", "reflection", text_of(*r, "id")));
    shown.insert(text_of(*r, "id"));
    reflections.push_back(std::move(entry));
  }
  json activity = nullptr;
  if (c.activity) {
    activity = entry_json(view, *c.activity);
    shown.insert(text_of(*c.activity, "id"));
  }
  return {{"activity", activity},
          {"preparations", list(c.preparations)},
          {"experiences", list(c.experiences)},
          {"reflections", reflections},
          {"phases", c.activity ? phases_of(s, text_of(*c.activity, "id")) : json(nullptr)}};
}

bool in_scope(const DashboardScope& scope, const exporter::Cycle& c) {
  if (scope.role != "supervisor") return true;
  return c.activity && scope.placements.count(text_of(*c.activity, "placement"));
}

json pupil_json(const EntityReader& r, const json& pupil) {
  json groups = json::array();
  for (const std::string& g : exporter::strings_of(pupil, "groups")) {
    auto doc = r.get(g);
    groups.push_back({{"id", g}, {"name", doc ? text_of(*doc, "name") : ""}});
  }
  return {{"id", text_of(pupil, "id")},
          {"name", text_of(pupil, "name")},
          {"status", text_of(pupil, "status")},
          {"groups", groups}};
}

}  // namespace

json conversation_rules_json() {
  json out = json::array();
  auto schema = Schema::builtin();
  const TypeSpec* t = schema ? (*schema)->type("reflection") : nullptr;
  const FieldSpec* f = t ? t->field("conversation_rules") : nullptr;
  if (!f) return out;
  for (size_t i = 0; i < f->enum_values.size(); ++i)
    out.push_back({{"id", f->enum_values[i]},
                   {"number", i + 1},
                   {"label", exporter::enum_label("conversation_rule", f->enum_values[i])}});
  return out;
}

Result<json> pupil_timeline(SummaryCache& cache, const DashboardScope& scope,
                            const std::string& pupil_id) {
  WX_RETURN_IF_ERROR(check_pupil(cache.dossiers(), scope, pupil_id));
  WX_RETURN_IF_ERROR(cache.refresh());
  WX_ASSIGN_OR_RETURN(auto entry, cache.entry(pupil_id));
  exporter::PortfolioView view(entry->export_doc);
  json cycles = json::array(), steps = json::array(), signoffs = json::array();
  std::set<std::string> shown;
  for (const exporter::Cycle& c : exporter::gather_cycles(view))
    if (in_scope(scope, c)) cycles.push_back(cycle_json(view, entry->summary, c, shown));
  for (const json* n : view.of_type("next_step")) {
    if (!shown.count(text_of(*n, "id"))) continue;
    json step = entry_json(view, *n);
    step["open"] = !view.entity(text_of(*n, "became_activity"));
    steps.push_back(std::move(step));
  }
  for (const json& s : exporter::array_of(entry->export_doc, "signoffs")) {
    bool covers_shown = false;
    for (const std::string& c : exporter::strings_of(s, "covers"))
      covers_shown |= shown.count(c) > 0;
    if (!covers_shown && scope.role == "supervisor") continue;
    WX_ASSIGN_OR_RETURN(json so, signoff_json(cache.dossiers(), view, s));
    signoffs.push_back(std::move(so));
  }
  return json{
      {"pupil", pupil_json(cache.dossiers(), exporter::object_of(entry->export_doc, "pupil"))},
      {"cycles", cycles},
      {"next_steps", steps},
      {"signoffs", signoffs},
      {"conversation_rules", conversation_rules_json()}};
}

}  // namespace werkex::dashboard
