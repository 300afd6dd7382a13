// The supervisor's page and JSON (supervisor_page.hpp).
#include "supervisor_page.hpp"

#include "dashboard/dashboard_scope.hpp"
#include "dashboard/supervision.hpp"
#include "export/portfolio_view.hpp"
#include "staff_http.hpp"
#include "werkex/clock.hpp"

namespace werkex::server {

namespace {

using exporter::text_of;
using staff_http::escape;

// The read model for `who`, after logging a read of every pupil it shows.
Result<json> supervision_json(App& app, const StaffPrincipal& who, const std::string& page) {
  const std::string today = rfc3339_utc(app.now_ms()).substr(0, 10);
  Result<json> out = make_error(WX_INTERNAL, "not read");
  {
    std::lock_guard lock(app.dossier_mutex());
    WX_ASSIGN_OR_RETURN(auto scope, dashboard::dashboard_scope(app.store(), who.access));
    out = dashboard::supervision(app.store(), scope, today);
  }
  if (!out) return out;
  for (const json& p : (*out)["placements"])
    WX_RETURN_IF_ERROR(app.record_staff_read(who.person, page, "pupil:" + text_of(p, "pupil"), 0));
  return out;
}

std::string pupil_link(const json& row) {
  return "<a href=\"/leerling/" + escape(text_of(row, "pupil")) + "\">" +
         escape(text_of(row, "pupil_name")) + "</a>";
}

std::string placements_table(const json& placements) {
  if (placements.empty())
    return "<p class=\"wx-muted\">Je begeleidt op dit moment geen stagiairs.</p>";
  std::string h =
      "<div class=\"wx-scroll\"><table class=\"wx-table\" id=\"wx-placements\"><thead><tr>"
      "<th>Leerling</th><th>Bedrijf</th><th>Periode</th><th>Af te tekenen</th></tr></thead>"
      "<tbody>";
  for (const json& p : placements) {
    const std::string period = text_of(p, "start_label") + " – " + text_of(p, "end_label");
    const int waiting = p.value("waiting", 0);
    h += "<tr><td>" + pupil_link(p) + "</td><td>" + escape(text_of(p, "company_name")) +
         "</td><td>" + escape(period) + (p.value("running", false) ? "" : " (niet lopend)") +
         "</td><td" + (waiting > 0 ? " class=\"wx-inactive\"" : "") + ">" +
         std::to_string(waiting) + "</td></tr>";
  }
  return h + "</tbody></table></div>";
}

std::string waiting_list(const json& waiting) {
  if (waiting.empty()) return "<p class=\"wx-muted\">Er wacht niets op je aftekening.</p>";
  std::string h = "<ul class=\"wx-comments\" id=\"wx-waiting\">";
  for (const json& w : waiting)
    h += "<li>" + pupil_link(w) + ": " + escape(text_of(w, "text")) +
         (text_of(w, "due").empty()
              ? ""
              : " <span class=\"wx-muted\">(vóór " + escape(text_of(w, "due_label")) + ")</span>") +
         "</li>";
  return h + "</ul>";
}

StaffPage supervisor_page(const json& s) {
  std::string b =
      "<p class=\"wx-lead\">Je stagiairs en het werk dat op jouw aftekening wacht. Aftekenen "
      "doe je op je telefoon in de werkex-app: scan de QR-code van de leerling, of geef de "
      "leerling de pincode van de stage.</p>";
  b += "<section class=\"wx-card\"><h2>Mijn stagiairs</h2>" + placements_table(s["placements"]) +
       "</section>";
  b += "<section class=\"wx-card\"><h2>Wacht op mijn aftekening</h2>" + waiting_list(s["waiting"]) +
       "</section>";
  return {"Mijn stagiairs", "/begeleider", b, {}};
}

}  // namespace

void register_supervisor_pages(StaffSite& site, http::Router& router) {
  App& app = site.app();
  const std::vector<std::string> roles = {"supervisor"};
  site.add_page(router, "/begeleider", roles,
                [&app](const StaffPrincipal& who, const http::Request&, const http::RouteParams&,
                       http::RequestLog&) -> Result<StaffPage> {
                  WX_ASSIGN_OR_RETURN(json s, supervision_json(app, who, "web:/begeleider"));
                  return supervisor_page(s);
                });
  site.add_json(router, http::bhttp::verb::get, "/v1/staff/supervision", roles,
                [&app](const StaffPrincipal& who, const http::Request&, const http::RouteParams&,
                       http::RequestLog&) {
                  return supervision_json(app, who, "web:/v1/staff/supervision");
                });
}

}  // namespace werkex::server
