// The Netwerk page (network_page.hpp).
#include "network_page.hpp"

#include <algorithm>

#include "dashboard/dashboard_scope.hpp"
#include "dashboard/network_overview.hpp"
#include "export/dutch_text.hpp"
#include "network_service.hpp"
#include "staff_http.hpp"
#include "werkex/clock.hpp"
#include "werkex/schema.hpp"

namespace werkex::server::network {

namespace {

using staff_http::escape;

std::string s(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string e(const json& j, const char* key) {
  return escape(s(j, key));
}

std::string option(const std::string& value, const std::string& label) {
  return "<option value=\"" + escape(value) + "\">" + escape(label) + "</option>";
}

// Active people of one role in the school bucket, by name (pupils with their group names).
Result<json> people(const EntityReader& r, const std::string& sb, const std::string& role) {
  WX_ASSIGN_OR_RETURN(auto list, r.list(Query::where("person", sb, "role", role)));
  json out = json::array();
  for (const json& p : list) {
    if (s(p, "status") == "left") continue;
    json row = {{"id", s(p, "id")}, {"name", s(p, "name")}};
    if (role == "pupil") {
      std::string groups;
      for (const json& g : p.value("groups", json::array())) {
        auto doc = r.get(g.get<std::string>());
        if (doc) groups += (groups.empty() ? "" : ", ") + s(*doc, "name");
      }
      row["groups"] = groups;
    }
    out.push_back(std::move(row));
  }
  std::sort(out.begin(), out.end(), [](const json& a, const json& b) {
    return std::tie(a["name"].get_ref<const std::string&>(),
                    a["id"].get_ref<const std::string&>()) <
           std::tie(b["name"].get_ref<const std::string&>(), b["id"].get_ref<const std::string&>());
  });
  return out;
}

json kinds() {
  json out = json::array();
  auto schema = Schema::builtin();
  if (!schema) return out;
  for (const std::string& k : (*schema)->type("placement")->field("kind")->enum_values)
    out.push_back({{"id", k}, {"label", exporter::enum_label("placement_kind", k)}});
  return out;
}

std::string placement_rows(const json& list, bool actions) {
  std::string h;
  for (const json& p : list) {
    h += "<tr data-placement=\"" + e(p, "id") + "\"><td>" + e(p, "pupil_name") + "</td><td>" +
         e(p, "company_name") + "</td><td>" + e(p, "supervisor_name") + "</td><td>" +
         e(p, "kind_label") + "</td><td>" + e(p, "start_label") + "</td><td>" + e(p, "end_label") +
         "</td>";
    if (actions) {
      h += "<td><a href=\"/netwerk/codes/" + e(p, "id") + "\">Codes</a>";
      if (p.value("days_left", 0L) >= 0)
        h += "<form class=\"wx-end-form\" data-placement=\"" + e(p, "id") +
             "\"><label>Einddatum <input type=\"date\" name=\"end_date\" required></label>"
             "<button type=\"submit\" class=\"wx-button wx-button-quiet\">Eerder beëindigen"
             "</button></form>";
      h += "</td>";
    }
    h += "</tr>";
  }
  return h;
}

std::string placement_table(const json& list, bool actions, const char* empty) {
  if (list.empty()) return std::string("<p class=\"wx-muted\">") + empty + "</p>";
  return "<div class=\"wx-scroll\"><table class=\"wx-table\"><thead><tr><th>Leerling</th>"
         "<th>Bedrijf</th><th>Praktijkbegeleider</th><th>Soort</th><th>Begin</th><th>Einde</th>" +
         std::string(actions ? "<th>Acties</th>" : "") + "</tr></thead><tbody>" +
         placement_rows(list, actions) + "</tbody></table></div>";
}

std::string company_table(const json& companies) {
  std::string h =
      "<div class=\"wx-scroll\"><table class=\"wx-table\" id=\"wx-companies\"><thead><tr>"
      "<th>Bedrijf</th><th>Sector</th><th>Grootte</th><th>Plaatsingen dit jaar</th>"
      "<th>Leerlingen dit jaar</th><th>Leerlingen ooit</th><th>Praktijkbegeleiders</th><th></th>"
      "</tr></thead><tbody>";
  for (const json& c : companies) {
    std::string sups;
    for (const json& p : c["supervisors"]) sups += (sups.empty() ? "" : ", ") + e(p, "name");
    h += "<tr><td>" + e(c, "name") + "</td><td>" + e(c, "sector") + "</td><td>" + e(c, "size") +
         "</td><td>" + e(c, "placements_this_year") + "</td><td>" + e(c, "pupils_hosted") +
         "</td><td>" + e(c, "pupils_hosted_ever") + "</td><td>" + sups +
         "</td><td><button type=\"button\" class=\"wx-button wx-button-quiet wx-edit-company\" "
         "data-id=\"" +
         e(c, "id") + "\" data-name=\"" + e(c, "name") + "\" data-sector=\"" + e(c, "sector") +
         "\" data-size=\"" + e(c, "size") + "\">Wijzigen</button></td></tr>";
  }
  return h + "</tbody></table></div>";
}

std::string company_form() {
  return R"(<form id="wx-company-form" class="wx-form wx-card" novalidate>
<h2 id="wx-company-heading">Bedrijf toevoegen</h2>
<input type="hidden" name="id" id="wx-company-id">
<label for="wx-company-name">Naam</label><input id="wx-company-name" name="name" maxlength="200" required>
<label for="wx-company-sector">Sector</label><input id="wx-company-sector" name="sector" maxlength="200">
<label for="wx-company-size">Grootte</label><select id="wx-company-size" name="size"><option value="">onbekend</option><option value="klein">klein</option><option value="groot">groot</option></select>
<label for="wx-company-address">Adres</label><input id="wx-company-address" name="address" maxlength="1000">
<label for="wx-company-email">E-mail</label><input id="wx-company-email" name="email" type="email" maxlength="254">
<label for="wx-company-phone">Telefoon</label><input id="wx-company-phone" name="phone" maxlength="50">
<button type="submit" class="wx-button" id="wx-company-submit">Opslaan</button>
<p id="wx-company-result" class="wx-status" role="status" hidden></p>
</form>)";
}

std::string placement_form(const json& m) {
  std::string pupils, companies, sups = option("", "later"), kinds_html;
  for (const json& p : m["pupils"])
    pupils += option(s(p, "id"),
                     s(p, "name") + (s(p, "groups").empty() ? "" : " (" + s(p, "groups") + ")"));
  for (const json& c : m["companies"]) companies += option(s(c, "id"), s(c, "name"));
  for (const json& p : m["supervisors"]) sups += option(s(p, "id"), s(p, "name"));
  for (const json& k : m["kinds"]) kinds_html += option(s(k, "id"), s(k, "label"));
  return "<form id=\"wx-placement-form\" class=\"wx-form wx-card\" novalidate>"
         "<h2>Plaatsing toevoegen</h2>"
         "<label for=\"wx-placement-pupil\">Leerling</label><select id=\"wx-placement-pupil\" "
         "name=\"pupil\" required>" +
         pupils +
         "</select>"
         "<label for=\"wx-placement-company\">Bedrijf</label><select id=\"wx-placement-company\" "
         "name=\"company\" required>" +
         companies +
         "</select>"
         "<label for=\"wx-placement-supervisor\">Praktijkbegeleider</label><select "
         "id=\"wx-placement-supervisor\" name=\"supervisor\">" +
         sups +
         "</select>"
         "<label for=\"wx-placement-kind\">Soort</label><select id=\"wx-placement-kind\" "
         "name=\"kind\" required>" +
         kinds_html +
         "</select>"
         "<label for=\"wx-placement-start\">Eerste dag</label><input id=\"wx-placement-start\" "
         "name=\"start_date\" type=\"date\" required>"
         "<label for=\"wx-placement-end\">Laatste dag</label><input id=\"wx-placement-end\" "
         "name=\"end_date\" type=\"date\" required>"
         "<button type=\"submit\" class=\"wx-button\">Plaatsing opslaan</button>"
         "<p id=\"wx-placement-result\" class=\"wx-status\" role=\"status\" hidden></p></form>";
}

}  // namespace

Result<json> network_json(App& app, const StaffPrincipal& who) {
  const std::string today = rfc3339_utc(app.now_ms()).substr(0, 10);
  std::lock_guard lock(app.dossier_mutex());
  const EntityReader& r = app.store();
  WX_ASSIGN_OR_RETURN(auto scope, dashboard::dashboard_scope(r, who.access));
  WX_ASSIGN_OR_RETURN(json model, dashboard::network_overview(r, scope, today, 14));
  WX_ASSIGN_OR_RETURN(model["pupils"], people(r, who.school_bucket, "pupil"));
  WX_ASSIGN_OR_RETURN(model["supervisors"], people(r, who.school_bucket, "supervisor"));
  model["kinds"] = kinds();
  return model;
}

StaffPage network_page(const StaffPrincipal&, const json& m) {
  std::string b =
      "<p class=\"wx-lead\">Het bedrijvennetwerk van de school en de plaatsingen "
      "van schooljaar " +
      exporter::dutch_date(s(m["school_year"], "first")) + " – " +
      exporter::dutch_date(s(m["school_year"], "last")) + ".</p>";
  b += "<section class=\"wx-card\" id=\"wx-ending-soon\"><h2>Loopt binnen " +
       e(m, "ending_within_days") + " dagen af</h2>" +
       placement_table(m["ending_soon"], false, "Geen plaatsing loopt binnenkort af.") +
       "</section>";
  b += "<section class=\"wx-card\"><h2>Bedrijven</h2>" + company_table(m["companies"]) +
       "</section>";
  b += "<section class=\"wx-card\" id=\"wx-placements\"><h2>Plaatsingen dit schooljaar</h2>" +
       placement_table(m["placements"], true, "Nog geen plaatsingen dit schooljaar.") +
       "<p id=\"wx-end-result\" class=\"wx-status\" role=\"status\" hidden></p></section>";
  b += "<div class=\"wx-grid\">" + company_form() + placement_form(m) + "</div>";
  return {"Netwerk", "/netwerk", b, {"/static/network.js"}};
}

Result<StaffPage> codes_page(App& app, const StaffPrincipal& who, const std::string& id) {
  json p;
  std::string pupil, company, supervisor;
  {
    std::lock_guard lock(app.dossier_mutex());
    const EntityReader& r = app.store();
    WX_ASSIGN_OR_RETURN(p, school_entity(r, who.school_bucket, id, "placement"));
    auto name = [&](const char* key) {
      auto doc = r.get(s(p, key));
      return doc ? s(*doc, "name") : std::string();
    };
    pupil = name("pupil");
    company = name("company");
    supervisor = name("supervisor");
  }
  WX_ASSIGN_OR_RETURN(auto record, app.auth().pin(id));
  std::string b = "<section class=\"wx-card wx-codes\" id=\"wx-codes-card\" data-placement=\"" +
                  escape(id) + "\"><h2>" + escape(pupil) + " bij " + escape(company) + "</h2>";
  b += "<p>Praktijkbegeleider: " + escape(supervisor.empty() ? "nog niet gekozen" : supervisor) +
       "<br>Van " + escape(exporter::dutch_date(s(p, "start_date"))) + " tot en met " +
       escape(exporter::dutch_date(s(p, "end_date"))) + "</p>";
  b += "<p class=\"wx-muted\">Met een code tekent de praktijkbegeleider af op de telefoon van "
       "de leerling. Elke code werkt één keer. De codes worden maar één keer getoond: print "
       "ze meteen.</p>";
  if (record)
    b += "<p class=\"wx-detail\" id=\"wx-codes-issued\">Er zijn al codes uitgegeven op " +
         escape(exporter::dutch_datetime(rfc3339_utc(record->issued_ms))) +
         ". Nieuwe codes maken alle oude ongeldig.</p>";
  b += "<button type=\"button\" class=\"wx-button\" id=\"wx-codes-issue\">" +
       std::string(record ? "Codes vernieuwen" : "Codes uitgeven") + "</button>";
  b += "<p id=\"wx-codes-result\" class=\"wx-status\" role=\"status\" hidden></p>"
       "<ol id=\"wx-codes\" class=\"wx-code-list\"></ol>"
       "<button type=\"button\" class=\"wx-button wx-button-quiet\" id=\"wx-codes-print\" "
       "hidden>Afdrukken</button></section>";
  return StaffPage{"Aftekencodes", "/netwerk", b, {"/static/network.js"}};
}

}  // namespace werkex::server::network
