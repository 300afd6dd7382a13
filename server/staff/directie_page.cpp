// The Directie page (directie_page.hpp).
#include "directie_page.hpp"

#include "dashboard/aggregates.hpp"
#include "dashboard/dashboard_scope.hpp"
#include "staff_http.hpp"
#include "werkex/clock.hpp"

namespace werkex::server::directie {

namespace {

using staff_http::escape;

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

const char* kPhases[] = {"voorbereid", "ervaren", "gereflecteerd", "vervolgstap", "afgetekend"};

std::string figure_cells(const json& row) {
  if (row.value("hidden", true) || !row.contains("figures"))
    return "<td colspan=\"4\" class=\"wx-muted\">te weinig leerlingen om te tonen</td>";
  const json& f = row["figures"];
  std::string phases;
  for (const char* p : kPhases)
    if (f["phases"].contains(p))
      phases += std::string(phases.empty() ? "" : ", ") + p + " " + text(f["phases"], p);
  return "<td>" + text(f, "pupils") + "</td><td>" + text(f, "activities") + "</td><td>" +
         text(f, "cycle_completion_pct") + "%</td><td>" + escape(phases) + "</td>";
}

std::string table(const char* first, const json& rows, const char* label_key) {
  std::string h = "<div class=\"wx-scroll\"><table class=\"wx-table\"><thead><tr><th>" +
                  std::string(first) +
                  "</th><th>Leerlingen</th><th>Activiteiten dit jaar</th><th>Hele cyclus</th>"
                  "<th>Fasen bereikt (leerlingen)</th></tr></thead><tbody>";
  for (const json& r : rows)
    h += "<tr><td>" + escape(text(r, label_key)) + "</td>" + figure_cells(r) + "</tr>";
  return h + "</tbody></table></div>";
}

}  // namespace

Result<json> aggregates_json(App& app, dashboard::SummaryCache& cache, const StaffPrincipal& who) {
  const std::string today = rfc3339_utc(app.now_ms()).substr(0, 10);
  std::lock_guard lock(app.dossier_mutex());
  WX_ASSIGN_OR_RETURN(auto scope, dashboard::dashboard_scope(app.store(), who.access));
  WX_RETURN_IF_ERROR(scope.may_see_aggregates());
  WX_RETURN_IF_ERROR(cache.refresh());
  return dashboard::school_aggregates(cache, scope, today);
}

StaffPage directie_page(const json& a) {
  json shown = json::array();
  for (const json& g : a["groups"])
    if (!g.value("hidden", true)) shown.push_back(g);
  std::string b =
      "<p class=\"wx-lead\">Loopt de cyclus van werkexploratie? Cijfers van dit "
      "schooljaar, nooit over minder dan " +
      text(a, "min_pupils") + " leerlingen en nooit met namen.</p>";
  b += "<p id=\"wx-hidden-groups\" class=\"wx-muted\">" + text(a, "hidden_groups") +
       " groep(en) met minder dan " + text(a, "min_pupils") +
       " leerlingen worden niet getoond en tellen nergens mee.</p>";
  b += "<div class=\"wx-grid\"><section class=\"wx-card\"><h2>Hele cyclus per groep</h2>"
       "<canvas id=\"wx-chart-completion\" height=\"220\" aria-label=\"Percentage leerlingen met "
       "een hele cyclus per groep\"></canvas><p id=\"wx-completion-hidden\" class=\"wx-muted\" "
       "hidden>Geen groep is groot genoeg om te tonen.</p></section><section "
       "class=\"wx-card\"><h2>Activiteiten "
       "per maand</h2><canvas id=\"wx-chart-trend\" height=\"220\" aria-label=\"Activiteiten per "
       "maand\"></canvas><p id=\"wx-trend-hidden\" class=\"wx-muted\" hidden>Te weinig leerlingen "
       "om een trend te tonen.</p></section></div>";
  b += "<section class=\"wx-card\" id=\"wx-groups\"><h2>Per groep</h2>" +
       (shown.empty() ? std::string("<p class=\"wx-muted\">Geen groep is groot genoeg om te "
                                    "tonen.</p>")
                      : table("Groep", shown, "name")) +
       "</section>";
  b += "<section class=\"wx-card\" id=\"wx-years\"><h2>Per leerjaar</h2>" +
       table("Leerjaar", a["years"], "label") + "</section>";
  b += "<section class=\"wx-card\" id=\"wx-levels\"><h2>Per leerweg</h2>" +
       table("Leerweg", a["levels"], "label") + "</section>";
  return {"Directie", "/directie", b, {"/static/chart.js", "/static/management.js"}};
}

}  // namespace werkex::server::directie
