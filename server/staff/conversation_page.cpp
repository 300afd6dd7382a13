// The Loopbaangesprek page (conversation_page.hpp).
#include "conversation_page.hpp"

#include <algorithm>

#include "dashboard/dashboard_scope.hpp"
#include "export/dutch_text.hpp"
#include "staff_http.hpp"
#include "werkex/schema.hpp"

namespace werkex::server::conversation {

namespace {

using staff_http::escape;
constexpr size_t kExperiencesShown = 20;

std::string s(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const std::vector<std::string>& values_of(const char* type, const char* field) {
  static const auto schema = Schema::builtin();
  static const std::vector<std::string> none;
  if (!schema) return none;
  const TypeSpec* t = (*schema)->type(type);
  const FieldSpec* f = t ? t->field(field) : nullptr;
  return f ? f->enum_values : none;
}

// A fieldset of checkboxes named `name`, one per value of enum `enum_name`.
std::string checks(const char* legend, const std::string& name, const char* enum_name,
                   const std::vector<std::string>& values) {
  std::string h = "<fieldset class=\"wx-checks\" data-name=\"" + name + "\"><legend>" +
                  escape(legend) + "</legend>";
  for (const std::string& v : values)
    h += "<label><input type=\"checkbox\" name=\"" + name + "\" value=\"" + escape(v) + "\"> " +
         escape(exporter::enum_label(enum_name, v)) + "</label>";
  return h + "</fieldset>";
}

std::string experience_list(const std::vector<json>& list) {
  if (list.empty()) return "<p class=\"wx-muted\">Nog geen ervaringen in dit dossier.</p>";
  std::string h =
      "<fieldset class=\"wx-checks\" data-name=\"experiences\"><legend>Over welke "
      "ervaringen ging het gesprek?</legend>";
  for (const json& e : list) {
    std::string note = s(e, "note");
    if (note.size() > 140) note = note.substr(0, 140) + "…";
    h += "<label><input type=\"checkbox\" name=\"experiences\" value=\"" + escape(s(e, "id")) +
         "\"> <strong>" + escape(exporter::dutch_datetime(s(e, "occurred_at"))) + "</strong> " +
         escape(s(e, "emotion").empty() ? "" : exporter::enum_label("emotion", s(e, "emotion"))) +
         " — " + escape(note) + "</label>";
  }
  return h + "</fieldset>";
}

std::string form(const std::string& pupil, const std::vector<json>& experiences) {
  std::string h =
      "<form id=\"wx-conversation-form\" class=\"wx-form wx-card wx-wide\" "
      "data-pupil=\"" +
      escape(pupil) + "\" novalidate><h2>Het gesprek</h2>";
  h += experience_list(experiences);
  h += checks("Met wie", "with_whom", "reflection_partner", values_of("reflection", "with_whom"));
  h += "<label for=\"wx-qualities\">Kwaliteiten (één per regel)</label>"
       "<textarea id=\"wx-qualities\" name=\"qualities\" rows=\"3\"></textarea>"
       "<label for=\"wx-motives\">Motieven (één per regel)</label>"
       "<textarea id=\"wx-motives\" name=\"motives\" rows=\"3\"></textarea>";
  h += checks("Gebruikte gespreksregels", "conversation_rules", "conversation_rule",
              values_of("reflection", "conversation_rules"));
  h += checks("Loopbaancompetenties", "competencies", "competency",
              values_of("reflection", "competencies"));
  h += "<label for=\"wx-summary\">Samenvatting</label>"
       "<textarea id=\"wx-summary\" name=\"summary\" rows=\"4\" required></textarea>"
       "<label for=\"wx-red-thread\">Rode draad met eerdere ervaringen</label>"
       "<textarea id=\"wx-red-thread\" name=\"red_thread\" rows=\"2\"></textarea>";
  h += "<h2>Afgesproken vervolgstap</h2>"
       "<label for=\"wx-step\">Wat gaat de leerling doen?</label>"
       "<textarea id=\"wx-step\" name=\"description\" rows=\"3\" required></textarea>"
       "<label for=\"wx-step-action\">Soort stap</label><select id=\"wx-step-action\" "
       "name=\"action\"><option value=\"\">—</option>";
  for (const std::string& v : values_of("next_step", "action"))
    h += "<option value=\"" + escape(v) + "\">" +
         escape(exporter::enum_label("next_step_action", v)) + "</option>";
  h += "</select>" + checks("Beeld van werk", "direction", "picture_direction",
                            values_of("next_step", "direction"));
  h += "<label><input type=\"checkbox\" name=\"feasible\"> Haalbaar</label>"
       "<label><input type=\"checkbox\" name=\"challenging\"> Uitdagend</label>"
       "<button type=\"submit\" class=\"wx-button\">Gesprek vastleggen</button>"
       "<p id=\"wx-conversation-result\" class=\"wx-status\" role=\"status\" hidden></p></form>";
  return h;
}

std::string rules_panel() {
  std::string h = "<aside class=\"wx-card\" id=\"wx-rules\"><h2>Gespreksregels</h2><ol>";
  for (const std::string& v : values_of("reflection", "conversation_rules"))
    h += "<li>" + escape(exporter::enum_label("conversation_rule", v)) + "</li>";
  return h + "</ol></aside>";
}

}  // namespace

Result<StaffPage> conversation_page(App& app, const StaffPrincipal& who, const std::string& pupil) {
  std::string name;
  std::vector<json> experiences;
  {
    std::lock_guard lock(app.dossier_mutex());
    const EntityReader& r = app.store();
    WX_ASSIGN_OR_RETURN(auto scope, dashboard::dashboard_scope(r, who.access));
    WX_RETURN_IF_ERROR(scope.may_see_pupil(pupil));
    if (auto doc = r.get(pupil)) name = s(*doc, "name");
    Query q;
    q.type = "experience";
    q.bucket = "pupil:" + pupil;
    WX_ASSIGN_OR_RETURN(experiences, r.list(q));
  }
  std::sort(experiences.begin(), experiences.end(),
            [](const json& a, const json& b) { return s(a, "occurred_at") > s(b, "occurred_at"); });
  if (experiences.size() > kExperiencesShown) experiences.resize(kExperiencesShown);
  WX_RETURN_IF_ERROR(
      app.record_staff_read(who.person, "web:/gesprek", "pupil:" + pupil, experiences.size()));
  std::string b = "<p class=\"wx-lead\">Loopbaangesprek met " + escape(name) +
                  ". Wat je vastlegt komt als reflectie en vervolgstap in het dossier en op de "
                  "telefoon van de leerling.</p>";
  b += "<div class=\"wx-grid\">" + form(pupil, experiences) + rules_panel() + "</div>";
  return StaffPage{"Loopbaangesprek", "/groep", b, {"/static/conversation.js"}};
}

}  // namespace werkex::server::conversation
