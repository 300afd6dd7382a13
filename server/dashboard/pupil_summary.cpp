// A pupil's dashboard facts (pupil_summary.hpp).
#include "pupil_summary.hpp"

#include <algorithm>
#include <map>

#include "calendar.hpp"
#include "export/dutch_text.hpp"
#include "export/export_dependencies.hpp"
#include "export/portfolio_cycles.hpp"
#include "export/portfolio_view.hpp"

namespace werkex::dashboard {

namespace {

using exporter::text_of;

bool has_valid_signoff(const exporter::PortfolioView& view, const std::string& id) {
  for (const json* s : view.signoffs_covering(id))
    if (text_of(*s, "status") == "valid") return true;
  return false;
}

ActivityFacts activity_facts(const exporter::PortfolioView& view, const exporter::Cycle& c) {
  ActivityFacts f;
  f.id = text_of(*c.activity, "id");
  f.kind = text_of(*c.activity, "kind");
  f.date = text_of(*c.activity, "planned_date");
  if (f.date.empty() && !c.experiences.empty())
    f.date = exporter::local_date(text_of(*c.experiences.front(), "occurred_at"));
  if (f.date.empty()) f.date = uuid_v7_date(f.id);
  f.prepared = !c.preparations.empty();
  f.experienced = !c.experiences.empty();
  f.reflected = !c.reflections.empty();
  for (const json* r : c.reflections)
    if (!view.referring("next_step", "reflection", text_of(*r, "id")).empty()) f.next_step = true;
  f.signed_off = has_valid_signoff(view, f.id);
  for (const auto* list : {&c.preparations, &c.experiences})
    for (const json* e : *list)
      f.signed_off = f.signed_off || has_valid_signoff(view, text_of(*e, "id"));
  return f;
}

// The sector of an activity: its own, else its company's, else its placement's company's.
class Sectors {
 public:
  Sectors(const EntityReader& r, const json& x, std::set<std::string>& deps) : r_(r), deps_(deps) {
    for (const json& p : exporter::array_of(x, "placements"))
      placement_company_[text_of(p, "id")] = text_of(p, "company");
  }
  std::string of(const json& activity) {
    std::string sector = text_of(activity, "sector");
    if (!sector.empty()) return sector;
    std::string company = text_of(activity, "company");
    if (company.empty()) company = placement_company_[text_of(activity, "placement")];
    if (company.empty()) return "";
    deps_.insert(company);
    auto doc = r_.get(company);
    return doc ? text_of(*doc, "sector") : "";
  }

 private:
  const EntityReader& r_;
  std::set<std::string>& deps_;
  std::map<std::string, std::string> placement_company_;
};

}  // namespace

Result<PupilSummary> summarise(const EntityReader& dossiers, const json& x) {
  PupilSummary s;
  const json& pupil = exporter::object_of(x, "pupil");
  s.id = text_of(pupil, "id");
  s.name = text_of(pupil, "name");
  s.status = text_of(pupil, "status");
  s.groups = exporter::strings_of(pupil, "groups");
  s.progress = exporter::progress_row(x);
  s.depends_on = exporter::export_dependencies(x);
  exporter::PortfolioView view(x);
  Sectors sectors(dossiers, x, s.depends_on);
  for (const exporter::Cycle& c : exporter::gather_cycles(view)) {
    std::string kind, sector;
    if (c.activity) {
      s.activities.push_back(activity_facts(view, c));
      kind = text_of(*c.activity, "kind");
      sector = sectors.of(*c.activity);
    }
    for (const json* e : c.experiences)
      s.experiences.push_back({exporter::local_date(text_of(*e, "occurred_at")), kind, sector});
  }
  std::sort(s.activities.begin(), s.activities.end(),
            [](const ActivityFacts& a, const ActivityFacts& b) { return a.id < b.id; });
  return s;
}

}  // namespace werkex::dashboard
