// The Groep page's HTML (mentor_pages.hpp).
#include "mentor_pages.hpp"
#include "staff_http.hpp"

namespace werkex::server {

namespace {

using staff_http::escape;

const char* const kPhases[] = {"voorbereid", "ervaren", "gereflecteerd", "vervolgstap",
                               "afgetekend"};

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string num(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->dump() : "0";
}

std::string picker(const json& groups, const std::string& current) {
  const json& list = groups["groups"];
  if (list.size() < 2) return "";
  std::string h =
      "<form class=\"wx-picker\" method=\"get\" action=\"/groep\">"
      "<label for=\"wx-group-picker\">Groep</label> <select id=\"wx-group-picker\" name=\"id\">";
  for (const json& g : list)
    h += "<option value=\"" + escape(str(g, "id")) + "\"" +
         (str(g, "id") == current ? " selected" : "") + ">" + escape(str(g, "name")) + " (" +
         num(g, "pupils") + ")</option>";
  return h + "</select> <button type=\"submit\" class=\"wx-button\">Toon</button></form>\n";
}

std::string labels(const json& list) {
  std::string h;
  for (const json& item : list) {
    std::string label = item.is_string() ? item.get<std::string>() : str(item, "label");
    h += "<span class=\"wx-badge\">" + escape(label) + "</span> ";
  }
  return h;
}

std::string phases(const json& p) {
  std::string h = "<ul class=\"wx-phases\">";
  for (const char* name : kPhases) {
    bool on = p.value(name, false);
    h += std::string("<li class=\"wx-phase") + (on ? " wx-phase-on" : "") + "\" data-phase=\"" +
         name + "\" data-reached=\"" + (on ? "ja" : "nee") + "\">" + (on ? "✓ " : "– ") + name +
         "</li>";
  }
  return h + "</ul>";
}

std::string row(const json& p) {
  const bool inactive = p.value("inactive", false);
  const json& s = p["signoffs"];
  const std::string last = str(p, "last_activity_label");
  std::string h = "<tr class=\"wx-pupil-row" + std::string(inactive ? " wx-inactive" : "") +
                  "\" data-pupil=\"" + escape(str(p, "id")) + "\" data-inactive=\"" +
                  (inactive ? "ja" : "nee") + "\">";
  h += "<td data-label=\"Leerling\" data-value=\"" + escape(str(p, "name")) +
       "\"><a href=\"/leerling/" + escape(str(p, "id")) + "\">" + escape(str(p, "name")) + "</a>";
  if (inactive) h += " <span class=\"wx-badge wx-badge-warn\">stil</span>";
  h += "</td><td data-label=\"Activiteiten\" data-value=\"" + num(p, "activities") + "\">" +
       num(p, "activities") + " <span class=\"wx-muted\">(" + num(p, "complete_cycles") +
       " rond)</span></td>";
  h += "<td data-label=\"Fasen\" class=\"wx-phase-cell\">" + phases(p["phases"]) + "</td>";
  h += "<td data-label=\"Competenties\" class=\"wx-competencies\" data-value=\"" +
       std::to_string(p["competencies"].size()) + "\">" + labels(p["competencies"]) + "</td>";
  h += "<td data-label=\"Variatie\">" + labels(p["kinds"]) + labels(p["sectors"]) + "</td>";
  h += "<td data-label=\"Aftekeningen\" data-value=\"" + num(s, "waiting") + "\">wacht " +
       num(s, "waiting") + " · verouderd " + num(s, "stale") + " · ongeldig " + num(s, "invalid") +
       "</td>";
  h += "<td data-label=\"Laatste activiteit\" data-value=\"" + escape(str(p, "last_activity")) +
       "\">" + (last.empty() ? "nog niets" : escape(last)) + "</td></tr>\n";
  return h;
}

const char* kTableHead =
    "<div class=\"wx-filters\"><label for=\"wx-group-filter\">Zoek</label> "
    "<input id=\"wx-group-filter\" type=\"search\" placeholder=\"naam, competentie, sector…\"> "
    "<label><input id=\"wx-only-inactive\" type=\"checkbox\"> alleen stille leerlingen</label>"
    "</div>\n<table class=\"wx-table wx-rows-table\" id=\"wx-group-table\"><thead><tr>"
    "<th data-sort=\"text\" scope=\"col\"><button type=\"button\">Leerling</button></th>"
    "<th data-sort=\"num\" scope=\"col\"><button type=\"button\">Activiteiten</button></th>"
    "<th scope=\"col\">Fasen</th>"
    "<th data-sort=\"num\" scope=\"col\"><button type=\"button\">Competenties</button></th>"
    "<th scope=\"col\">Variatie</th>"
    "<th data-sort=\"num\" scope=\"col\"><button type=\"button\">Aftekeningen</button></th>"
    "<th data-sort=\"text\" scope=\"col\"><button type=\"button\">Laatste activiteit</button>"
    "</th></tr></thead><tbody>\n";

const char* kCharts =
    "<section class=\"wx-grid wx-charts\">"
    "<figure class=\"wx-card wx-chart\"><figcaption>Competenties: hoeveel leerlingen</figcaption>"
    "<canvas id=\"wx-chart-competencies\" role=\"img\" aria-label=\"Competenties\"></canvas>"
    "</figure><figure class=\"wx-card wx-chart\"><figcaption>Activiteiten en rondgemaakte "
    "cycli per leerling</figcaption><canvas id=\"wx-chart-cycles\" role=\"img\" "
    "aria-label=\"Cycli per leerling\"></canvas></figure><figure class=\"wx-card wx-chart\">"
    "<figcaption>Activiteiten per maand</figcaption><canvas id=\"wx-chart-months\" role=\"img\" "
    "aria-label=\"Activiteiten per maand\"></canvas></figure></section>\n";

}  // namespace

std::string render_group_page(const json& groups, const json& overview) {
  const json& g = overview["group"];
  std::string h = picker(groups, str(g, "id"));
  std::string about = "Groep " + str(g, "name");
  if (!str(g, "level_label").empty()) about += " · " + str(g, "level_label");
  about += " · " + std::to_string(overview["pupils"].size()) + " leerlingen · schooljaar vanaf " +
           str(overview["school_year"], "first");
  h += "<p class=\"wx-lead\" id=\"wx-group-name\" data-group=\"" + escape(str(g, "id")) + "\">" +
       escape(about) + "</p>\n";
  h += "<p class=\"wx-muted\">Gemarkeerd als <span class=\"wx-badge wx-badge-warn\">stil</span>: "
       "geen activiteit in de laatste " +
       num(overview, "inactive_weeks") + " weken.</p>\n";
  h += kTableHead;
  for (const json& p : overview["pupils"]) h += row(p);
  h += "</tbody></table>\n<p id=\"wx-group-count\" class=\"wx-muted\" role=\"status\"></p>\n";
  h += "<div id=\"wx-chart-data\" hidden data-charts=\"" + escape(overview["charts"].dump()) +
       "\"></div>\n";
  return h + kCharts;
}

}  // namespace werkex::server
