// The Leerling page's HTML (mentor_pages.hpp): the cycles as chains, sign-offs with their
// status and why, next steps, and beside them the conversation rules and the comment form.
#include <map>

#include "mentor_pages.hpp"
#include "staff_http.hpp"

namespace werkex::server {

namespace {

using staff_http::escape;

// The eight loopbaangespreksregels of the seed (Loopbaangroep, 2015), said short, by the
// schema's conversation_rule id.
const std::map<std::string, std::string>& rule_advice() {
  static const std::map<std::string, std::string> advice = {
      {"ruimte_geven",
       "Laat de leerling het eigen verhaal vertellen: stel kleine open vragen, laat stiltes "
       "vallen en vul niets voor hem of haar in."},
      {"richting_geven",
       "Spreek samen af waar het gesprek over gaat en vraag door tot duidelijk is wat er echt "
       "toe doet. Stuur op dát er iets uitkomt, niet op wát."},
      {"inzoomen",
       "Kies een ervaring die iets deed en let op gevoelswoorden: daar zit de betekenis."},
      {"woorden_geven",
       "Zoek samen wat de ervaring zegt over wie de leerling is; laat hem of haar zelf woorden "
       "vinden voor kwaliteiten en motieven."},
      {"verbreden_rode_draad",
       "Vraag waar de leerling dit nog meer merkte. Zo verschijnt een rode draad: wanneer "
       "komen die kwaliteiten tot hun recht?"},
      {"werkexploratie",
       "Help het beeld van werk en opleiding te verbreden (andere kanten), te verdiepen "
       "(klopt het?) en te verbinden met kwaliteiten en motieven."},
      {"loopbaansturing",
       "Maak samen een volgende stap die haalbaar is en uitdaagt: leren, uitproberen, oefenen "
       "of laten zien. Bespreek twijfels en wat in de weg zit."},
      {"netwerken",
       "Bespreek wie kan helpen, hoe de leerling die persoon benadert en hoe het netwerk "
       "groeit."}};
  return advice;
}

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string rules_panel(const json& rules) {
  std::string h =
      "<section class=\"wx-card wx-rules\" id=\"wx-rules\"><h2>Acht gespreksregels</h2>"
      "<p class=\"wx-muted\">Voor het loopbaangesprek: terugkijken (1–5) en vooruitkijken "
      "(6–8).</p><ol>";
  for (const json& r : rules) {
    auto advice = rule_advice().find(str(r, "id"));
    std::string label = str(r, "label");
    if (size_t space = label.find(' '); space != std::string::npos && space < 3)
      label = label.substr(space + 1);  // "1 ruimte geven": the list numbers it
    h += "<li data-rule=\"" + escape(str(r, "id")) + "\"><strong>" + escape(label) + "</strong>" +
         (advice == rule_advice().end() ? "" : "<br>" + escape(advice->second)) + "</li>";
  }
  return h + "</ol></section>\n";
}

std::string changed_text(const json& changed) {
  std::string out;
  for (const json& c : changed) {
    std::string fields;
    for (const json& f : c["fields"])
      fields += (fields.empty() ? "" : ", ") + field_label(f.get<std::string>());
    out += (out.empty() ? "" : "; ") + entry_type_label(str(c, "type")) + " (" + fields + ")";
  }
  return out;
}

std::string signoffs(const json& list) {
  std::string h = "<section class=\"wx-card wx-signoffs\"><h2>Aftekeningen</h2>";
  if (list.empty()) return h + "<p class=\"wx-muted\">Nog geen aftekeningen.</p></section>\n";
  h += "<ul>";
  for (const json& s : list) {
    const std::string status = str(s, "status");
    h += "<li class=\"wx-signoff wx-signoff-" + escape(status) + "\" data-status=\"" +
         escape(status) + "\"><span class=\"wx-badge\">" + escape(str(s, "status_label")) +
         "</span> " + escape(str(s, "company")) + " · " + escape(str(s, "date_label")) + " · " +
         escape(str(s, "signer_name")) + " (" + escape(str(s, "method_label")) + ")";
    if (!str(s, "assessment").empty())
      h += "<br><span class=\"wx-muted\">Oordeel:</span> " + escape(str(s, "assessment"));
    // A stale one's reason names entity ids; the Dutch list of changed fields says it better.
    if (!str(s, "reason").empty() && s["changed"].empty())
      h += "<br><span class=\"wx-signoff-reason\">Reden: " + escape(str(s, "reason")) + "</span>";
    if (!s["changed"].empty())
      h += "<br><span class=\"wx-signoff-changed\">Na het aftekenen veranderd: " +
           escape(changed_text(s["changed"])) + "</span>";
    h += "</li>";
  }
  return h + "</ul></section>\n";
}

std::string cycle(const std::string& pupil, const json& c) {
  std::string title = "Ervaringen buiten een activiteit";
  if (c["activity"].is_object()) {
    const json& a = c["activity"];
    title = str(a["fields"], "title");
    if (title.empty()) title = str(a["labels"], "kind");
  }
  std::string h = "<article class=\"wx-card wx-cycle\"><h3>" + escape(title) + "</h3>";
  if (c["phases"].is_object()) {
    h += "<ul class=\"wx-phases\">";
    for (const char* name :
         {"voorbereid", "ervaren", "gereflecteerd", "vervolgstap", "afgetekend"}) {
      const bool on = c["phases"].value(name, false);
      h += std::string("<li class=\"wx-phase") + (on ? " wx-phase-on" : "") + "\" data-phase=\"" +
           name + "\">" + (on ? "✓ " : "– ") + name + "</li>";
    }
    h += "</ul>";
  }
  h += "<ol class=\"wx-chain\">";
  if (c["activity"].is_object()) h += render_entry(pupil, c["activity"]);
  for (const char* part : {"preparations", "experiences", "reflections"})
    for (const json& e : c[part]) {
      h += render_entry(pupil, e);
      for (const json& n : e.value("next_steps", json::array())) h += render_entry(pupil, n);
    }
  return h + "</ol></article>\n";
}

std::string entry_options(const json& timeline) {
  std::string h;
  for (const json& c : timeline["cycles"]) {
    std::vector<const json*> entries;
    if (c["activity"].is_object()) entries.push_back(&c["activity"]);
    for (const char* part : {"preparations", "experiences", "reflections"})
      for (const json& e : c[part]) entries.push_back(&e);
    for (const json* e : entries) {
      std::string what = entry_type_label(str(*e, "type"));
      std::string text = str((*e)["fields"], "title");
      if (text.empty()) text = str((*e)["fields"], "note");
      if (text.empty()) text = str((*e)["fields"], "want_to_find_out");
      if (text.empty()) text = str((*e)["fields"], "red_thread");
      if (text.size() > 50) text = text.substr(0, 50) + "…";
      h += "<option value=\"" + escape(str(*e, "id")) + "\">" + escape(what) + ": " + escape(text) +
           " (" + escape(str(*e, "date_label")) + ")</option>";
    }
  }
  return h;
}

}  // namespace

std::string render_pupil_page(const json& t) {
  const json& p = t["pupil"];
  const std::string id = str(p, "id");
  std::string groups;
  for (const json& g : p["groups"]) groups += (groups.empty() ? "" : ", ") + str(g, "name");
  std::string h = "<p class=\"wx-lead\">Groep " + escape(groups) + "</p>\n";
  h += "<div class=\"wx-pupil-layout\"><div class=\"wx-pupil-main\">";
  h += signoffs(t["signoffs"]);
  h += "<section class=\"wx-card wx-next-steps\"><h2>Volgende stappen</h2>";
  if (t["next_steps"].empty()) h += "<p class=\"wx-muted\">Nog geen volgende stap.</p>";
  h += "<ul>";
  for (const json& n : t["next_steps"])
    h += "<li>" + escape(str(n["fields"], "description")) +
         (n.value("open", false) ? " <span class=\"wx-badge\">open</span>"
                                 : " <span class=\"wx-badge\">werd een activiteit</span>") +
         "</li>";
  h += "</ul></section>\n<h2>Tijdlijn</h2>\n";
  if (t["cycles"].empty()) h += "<p class=\"wx-muted\">Het dossier is nog leeg.</p>";
  for (const json& c : t["cycles"]) h += cycle(id, c);
  h += "</div><aside class=\"wx-pupil-side\">" + rules_panel(t["conversation_rules"]);
  h += "<form id=\"wx-comment-form\" class=\"wx-form wx-card\" data-pupil=\"" + escape(id) +
       "\" novalidate><h2>Opmerking schrijven</h2><label for=\"wx-comment-entry\">Bij</label>"
       "<select id=\"wx-comment-entry\" name=\"entry\" required>" +
       entry_options(t) +
       "</select><label for=\"wx-comment-text\">Opmerking (de leerling ziet die in de app)"
       "</label><textarea id=\"wx-comment-text\" name=\"text\" rows=\"5\" maxlength=\"4000\" "
       "required></textarea><button type=\"submit\" class=\"wx-button\">Opmerking plaatsen"
       "</button><p id=\"wx-comment-result\" class=\"wx-status\" role=\"status\" hidden></p>"
       "</form></aside></div>\n";
  return h;
}

}  // namespace werkex::server
