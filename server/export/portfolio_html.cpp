// The portfolio page (portfolio_html.hpp): the frame, the header and the sections around
// the timeline (portfolio_timeline.cpp).
#include "portfolio_html.hpp"

#include <cstdio>
#include <initializer_list>
#include <map>
#include <set>

#include "dutch_text.hpp"
#include "encoding.hpp"
#include "portfolio_view.hpp"
#include "werkex/signoff_count.hpp"

namespace werkex::exporter {

namespace {

constexpr const char* kStyle = R"css(
body{font-family:system-ui,"Segoe UI",Arial,sans-serif;max-width:56rem;margin:0 auto;
padding:1rem;color:#222;line-height:1.45;overflow-wrap:break-word}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #2a6f97;padding-bottom:.2rem;margin-top:2rem}
.sub{color:#555;margin:.1rem 0}
.cyclus{border-left:4px solid #2a6f97;padding:.2rem 0 .2rem 1rem;margin:1.5rem 0}
.fase{margin:.6rem 0;padding:.4rem .6rem;background:#f5f7f9;border-radius:4px}
.fase h4{margin:.1rem 0 .3rem;color:#2a6f97}
.fase-waarom{background:#eef5fb}.fase-reflectie{background:#f3f0fa}
.fase-vervolgstap{background:#eef8f0}
.label{font-weight:600}.tekst{white-space:pre-wrap}
.schakel{font-style:italic}
figure{display:inline-block;margin:.3rem .6rem .3rem 0;vertical-align:top;max-width:16rem}
figure img{max-width:16rem;max-height:16rem;display:block;border-radius:3px}
.geen-foto .plek{width:12rem;height:8rem;display:flex;align-items:center;
justify-content:center;background:#ddd;color:#555;text-align:center;font-size:.9rem}
figcaption{font-size:.85rem;color:#444}
.weggelaten{font-size:.85rem;color:#666}
.opmerking{border-left:3px solid #bbb;margin:.4rem 0 .4rem .5rem;padding-left:.6rem}
.wie{font-size:.85rem;color:#555;margin:0}
.stempel{display:inline-block;font-size:.8rem;padding:.05rem .4rem;border-radius:3px;
margin:.2rem .3rem 0 0;background:#ddd}
.status-valid{background:#cdebd3}.status-stale,.status-pending{background:#fbe7c0}
.status-invalid,.status-revoked,.status-refused{background:#f6cccc}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.25rem .4rem;text-align:left;vertical-align:top}
.competenties li.nee{color:#888}
.leeg{color:#777}
footer{margin-top:2rem;font-size:.8rem;color:#666}
@media screen and (max-width:40rem){
table,tbody,tr,td{display:block}
thead{display:none}
tr{border:1px solid #ccc;border-radius:4px;margin:.5rem 0;padding:.3rem .5rem}
td{border:0;padding:.1rem 0}
td:empty{display:none}
td::before{content:attr(data-label) ": ";font-weight:600}
}
@media print{
body{max-width:none;padding:0;font-size:10pt;color:#000}
a{color:inherit;text-decoration:none}
.cyclus,.fase,figure,tr{break-inside:avoid}
h2,h3{break-after:avoid}
.fase{background:none;border:1px solid #ccc}
.stempel{border:1px solid #999}
}
@page{margin:15mm}
)css";

std::string photo_figure(const json& photo, const ThumbnailFn& thumbnail_jpeg) {
  std::string caption = text_of(photo, "caption");
  std::optional<std::string> jpeg;
  std::string sha = text_of(photo, "sha256");
  if (thumbnail_jpeg && !sha.empty()) jpeg = thumbnail_jpeg(sha);
  std::string cap = caption.empty() ? "" : "<figcaption>" + html_escape(caption) + "</figcaption>";
  if (!jpeg)
    return "<figure class=\"geen-foto\"><div class=\"plek\">Foto niet te tonen</div>" + cap +
           "</figure>\n";
  return "<figure><img src=\"data:image/jpeg;base64," + base64(*jpeg) + "\" alt=\"" +
         html_escape(caption.empty() ? "foto" : caption) + "\">" + cap + "</figure>\n";
}

// A table's heading row. On a narrow screen it is hidden and each row stacks as a card whose
// cells are preceded by their column's heading (cell(), kStyle): five or seven columns do not
// fit a phone.
std::string table_head(std::initializer_list<const char*> headings) {
  std::string out = "<table>\n<thead><tr>";
  for (const char* h : headings) out += std::string("<th>") + h + "</th>";
  return out + "</tr></thead>\n<tbody>\n";
}

// One cell of column `heading` holding `html` (already escaped).
std::string cell(const char* heading, const std::string& html, const char* cls = "") {
  return std::string("<td data-label=\"") + heading + "\"" +
         (*cls ? std::string(" class=\"") + cls + "\"" : "") + ">" + html + "</td>";
}

std::string header_html(const PortfolioView& view) {
  const json& d = view.doc();
  std::string name = text_of(object_of(d, "pupil"), "name");
  std::string groups;
  for (const json& g : array_of(d, "groups"))
    groups += (groups.empty() ? "" : ", ") + text_of(g, "name");
  std::string out = "<header>\n<h1>Loopbaandossier van " + html_escape(name) + "</h1>\n";
  std::string school = text_of(object_of(d, "school"), "name");
  if (!school.empty()) out += "<p class=\"sub\">" + html_escape(school) + "</p>\n";
  if (!groups.empty()) out += "<p class=\"sub\">Klas: " + html_escape(groups) + "</p>\n";
  if (text_of(object_of(d, "pupil"), "status") == "left")
    out += "<p class=\"sub\">Heeft de school verlaten</p>\n";
  return out + "</header>\n";
}

std::string competencies_html(const PortfolioView& view) {
  std::map<std::string, int> count;
  for (const json& e : array_of(view.doc(), "entities"))
    for (const std::string& c : strings_of(e, "competencies")) ++count[c];
  std::string out =
      "<section id=\"competenties\">\n<h2>Loopbaancompetenties</h2>\n"
      "<ul class=\"competenties\">\n";
  for (const std::string& c : competency_names()) {
    int n = count[c];
    out += std::string("<li class=\"") + (n ? "ja" : "nee") + "\">" +
           html_escape(enum_label("competency", c)) + ": " +
           (n ? "aan gewerkt (" + std::to_string(n) + "&times;)" : std::string("nog niet")) +
           "</li>\n";
  }
  return out + "</ul>\n</section>\n";
}

std::string hours_text(double hours) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", hours);
  std::string s = buf;
  for (char& c : s)
    if (c == '.') c = ',';  // Dutch decimal comma
  return s;
}

std::string placements_html(const PortfolioView& view) {
  std::string out = "<section id=\"stages\">\n<h2>Stages</h2>\n";
  const json& placements = array_of(view.doc(), "placements");
  if (placements.empty()) return out + "<p class=\"leeg\">Geen stages.</p>\n</section>\n";
  out +=
      table_head({"Bedrijf", "Soort", "Periode", "Praktijkbegeleider", "Uren (geldig afgetekend)"});
  for (const json& p : placements) {
    out += "<tr>" + cell("Bedrijf", html_escape(text_of(p, "company_name"))) +
           cell("Soort", html_escape(enum_label("placement_kind", text_of(p, "kind")))) +
           cell("Periode", html_escape(dutch_date(text_of(p, "start_date"))) + " t/m " +
                               html_escape(dutch_date(text_of(p, "end_date")))) +
           cell("Praktijkbegeleider", html_escape(text_of(p, "supervisor_name"))) +
           cell("Uren (geldig afgetekend)",
                hours_text(signed_hours(array_of(view.doc(), "signoffs"), text_of(p, "id")))) +
           "</tr>\n";
  }
  return out + "</tbody>\n</table>\n</section>\n";
}

std::string signoff_row(const PortfolioView& view, const json& s) {
  std::string state = text_of(s, "status"), reason = text_of(s, "reason");
  std::string company;
  for (const json& p : array_of(view.doc(), "placements"))
    if (text_of(p, "id") == text_of(s, "placement")) company = text_of(p, "company_name");
  auto h = number_of(s, "hours");
  std::string hours = h ? hours_text(*h) : "";
  std::string attendance = text_of(s, "attendance");
  return "<tr>" + cell("Datum", html_escape(dutch_date(text_of(s, "statement_date")))) +
         cell("Bedrijf", html_escape(company)) + cell("Uren", hours) +
         cell("Aanwezig",
              html_escape(attendance.empty() ? "" : enum_label("attendance", attendance))) +
         cell("Beoordeling", html_escape(text_of(s, "assessment")), "tekst") +
         cell("Afgetekend door",
              html_escape(text_of(s, "signer_name")) + "<br>" +
                  html_escape(enum_label("signoff_method", text_of(s, "method")))) +
         cell("Status",
              "<span class=\"stempel status-" + html_escape(state) + "\">" +
                  html_escape(signoff_state_label(state)) + "</span>" +
                  (state == "valid" || reason.empty() ? "" : "<br>" + html_escape(reason))) +
         "</tr>\n";
}

std::string signoffs_html(const PortfolioView& view) {
  std::string out = "<section id=\"aftekeningen\">\n<h2>Aftekeningen</h2>\n";
  const json& signoffs = array_of(view.doc(), "signoffs");
  if (signoffs.empty()) return out + "<p class=\"leeg\">Nog geen aftekeningen.</p>\n</section>\n";
  out += table_head(
      {"Datum", "Bedrijf", "Uren", "Aanwezig", "Beoordeling", "Afgetekend door", "Status"});
  for (const json& s : signoffs) out += signoff_row(view, s);
  return out + "</tbody>\n</table>\n</section>\n";
}

std::string contacts_html(const PortfolioView& view) {
  auto contacts = view.of_type("contact");
  if (contacts.empty()) return "";
  std::string out = "<section id=\"netwerk\">\n<h2>Netwerk</h2>\n<ul>\n";
  for (const json* c : contacts) {
    std::string role = text_of(*c, "role"), company = text_of(*c, "company_name");
    out += "<li id=\"e-" + html_escape(text_of(*c, "id")) + "\">" +
           html_escape(text_of(*c, "name")) + (role.empty() ? "" : ", " + html_escape(role)) +
           (company.empty() ? "" : " (" + html_escape(company) + ")") +
           comments_html(view, text_of(*c, "id")) + "</li>\n";
  }
  return out + "</ul>\n</section>\n";
}

}  // namespace

std::string comments_html(const PortfolioView& view, const std::string& on, int depth) {
  if (depth > 8) return "";  // replies nest; a forged loop must not recurse for ever
  std::string out;
  for (const json* c : view.comments_on(on)) {
    std::string who = view.person_name(text_of(*c, "author"));
    std::string when = text_of(*c, "written_at");
    out += "<div class=\"opmerking\">\n<p class=\"wie\">Opmerking van " +
           html_escape(who.empty() ? "onbekend" : who) +
           (when.empty() ? "" : ", " + html_escape(dutch_datetime(when))) +
           "</p>\n<p class=\"tekst\">" + html_escape(text_of(*c, "body")) + "</p>\n" +
           comments_html(view, text_of(*c, "id"), depth + 1) + "</div>\n";
  }
  return out;
}

std::string photos_html(const PortfolioView& view, const std::string& id,
                        const ThumbnailFn& thumbnail_jpeg) {
  std::string out;
  int left_out = 0;
  for (const json* p : view.photos_of(id)) {
    if (flag_of(*p, "left_out")) {
      ++left_out;
      continue;
    }
    out += photo_figure(*p, thumbnail_jpeg);
  }
  if (left_out)
    out += "<p class=\"weggelaten\">" + std::to_string(left_out) +
           (left_out == 1 ? " foto is" : " foto's zijn") +
           " hier weggelaten omdat er andere mensen op staan.</p>\n";
  return out.empty() ? out : "<div class=\"fotos\">\n" + out + "</div>\n";
}

std::string portfolio_html(const json& export_doc, const ThumbnailFn& thumbnail_jpeg) {
  PortfolioView view(export_doc);
  std::string name = text_of(object_of(export_doc, "pupil"), "name");
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>Loopbaandossier van " +
      html_escape(name) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  out += header_html(view) + competencies_html(view) + placements_html(view);
  out += "<section id=\"tijdlijn\">\n<h2>Tijdlijn</h2>\n" + timeline_html(view, thumbnail_jpeg) +
         "</section>\n";
  out += signoffs_html(view) + contacts_html(view);
  out += "<footer>Gemaakt met werkex op " +
         html_escape(dutch_datetime(text_of(export_doc, "exported_at"))) +
         ". Het volledige dossier, met wat nodig is om de aftekeningen te controleren, staat in "
         "dossier.json.</footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace werkex::exporter
