// The cycles of a dossier (portfolio_cycles.hpp).
#include "portfolio_cycles.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace werkex::exporter {

namespace {

void place_experiences(const PortfolioView& view, std::map<std::string, Cycle>& cycles) {
  auto by_time = [](const json* x, const json* y) {
    return text_of(*x, "occurred_at") < text_of(*y, "occurred_at");
  };
  std::vector<const json*> experiences = view.of_type("experience");
  std::stable_sort(experiences.begin(), experiences.end(), by_time);
  for (const json* e : experiences) {
    std::string a = text_of(*e, "activity");
    Cycle& c = cycles[view.entity(a) ? a : ""];
    c.experiences.push_back(e);
    c.when = std::max(c.when, text_of(*e, "occurred_at"));
  }
}

}  // namespace

std::vector<Cycle> gather_cycles(const PortfolioView& view) {
  std::map<std::string, Cycle> cycles;  // by activity id; "" = outside an activity
  for (const json* a : view.of_type("activity")) {
    Cycle& c = cycles[text_of(*a, "id")];
    c.activity = a;
    c.when = text_of(*a, "planned_date");
    c.preparations = view.referring("preparation", "activity", text_of(*a, "id"));
  }
  place_experiences(view, cycles);
  for (const json* r : view.of_type("reflection")) {
    std::string home, latest;
    for (const std::string& id : strings_of(*r, "experiences"))
      if (const json* e = view.entity(id); e && text_of(*e, "occurred_at") >= latest) {
        latest = text_of(*e, "occurred_at");
        home = view.entity(text_of(*e, "activity")) ? text_of(*e, "activity") : "";
      }
    cycles[home].reflections.push_back(r);
  }
  std::vector<Cycle> out;
  for (auto& [id, c] : cycles) out.push_back(std::move(c));
  std::stable_sort(out.begin(), out.end(), [](const Cycle& a, const Cycle& b) {
    std::string ida = a.activity ? text_of(*a.activity, "id") : "";
    std::string idb = b.activity ? text_of(*b.activity, "id") : "";
    return std::tie(a.when, ida) > std::tie(b.when, idb);  // newest first
  });
  return out;
}

}  // namespace werkex::exporter
