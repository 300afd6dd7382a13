// One dossier entry of the Leerling page as HTML (mentor_pages.hpp's render_entry).
#include "export/dutch_text.hpp"
#include "mentor_pages.hpp"
#include "staff_http.hpp"

namespace werkex::server {

namespace {

using staff_http::escape;

// The fields the page shows, in this order, with their Dutch names; refs and flags are not
// shown as text (the chain shows what they link).
const std::vector<std::pair<const char*, const char*>>& shown_fields() {
  static const std::vector<std::pair<const char*, const char*>> list = {
      {"title", "Titel"},
      {"kind", "Soort"},
      {"sector", "Sector"},
      {"planned_date", "Gepland op"},
      {"builds_on", "Bouwt voort op"},
      {"expected_yield", "Wat het moet opleveren"},
      {"use_of_yield", "Wat de leerling ermee doet"},
      {"known_about_self", "Weet al over zichzelf"},
      {"known_about_work", "Weet al over het werk"},
      {"want_to_find_out", "Wil ontdekken"},
      {"learning_goals", "Leerdoelen"},
      {"learning_verbs", "Leren door"},
      {"how_to_prepare", "Voorbereiding"},
      {"occurred_at", "Wanneer"},
      {"note", "Verslag"},
      {"emotion", "Gevoel"},
      {"emotion_note", "Over dat gevoel"},
      {"observed_goals", "Gezien: doelen"},
      {"observed_interaction", "Gezien: omgang"},
      {"observed_problem_solving", "Gezien: problemen oplossen"},
      {"role_model", "Rolmodel"},
      {"with_whom", "Met wie"},
      {"held_on", "Gehouden op"},
      {"qualities", "Kwaliteiten"},
      {"motives", "Motieven"},
      {"red_thread", "Rode draad"},
      {"conversation_rules", "Gespreksregels"},
      {"summary", "Samenvatting"},
      {"direction", "Richting"},
      {"action", "Actie"},
      {"description", "Beschrijving"},
      {"network_plan", "Netwerkplan"},
      {"obstacles", "Belemmeringen"},
      {"competencies", "Competenties"}};
  return list;
}

}  // namespace

std::string field_label(const std::string& field) {
  for (const auto& [name, label] : shown_fields())
    if (field == name) return label;
  return field;
}

std::string entry_type_label(const std::string& type) {
  if (type == "activity") return "Activiteit";
  if (type == "preparation") return "Voorbereiding";
  if (type == "experience") return "Ervaring";
  if (type == "reflection") return "Reflectie";
  if (type == "next_step") return "Vervolgstap";
  return type;
}

namespace {

std::string value_text(const std::string& field, json value, const json& labels) {
  if (auto l = labels.find(field); l != labels.end()) value = *l;
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    if (field == "occurred_at") return exporter::dutch_datetime(s);
    if (field == "planned_date" || field == "held_on") return exporter::dutch_date(s);
    return s;
  }
  if (!value.is_array()) return "";
  std::string out;
  for (const json& v : value)
    if (v.is_string()) out += (out.empty() ? "" : ", ") + v.get<std::string>();
  return out;
}

std::string comments(const json& list) {
  if (list.empty()) return "";
  std::string h = "<ul class=\"wx-comments\">";
  for (const json& c : list) {
    h += "<li class=\"wx-comment\" data-comment=\"" + escape(c.value("id", "")) +
         "\"><span class=\"wx-comment-who\">" + escape(c.value("author_name", "")) + ", " +
         escape(c.value("written_label", "")) + "</span> <span class=\"wx-comment-body\">" +
         escape(c.value("body", "")) + "</span>" + comments(c.value("replies", json::array())) +
         "</li>";
  }
  return h + "</ul>";
}

std::string photos(const std::string& pupil, const json& list) {
  if (list.empty()) return "";
  std::string h = "<div class=\"wx-photos\">";
  for (const json& p : list) {
    const std::string base =
        "/v1/staff/pupils/" + escape(pupil) + "/photos/" + escape(p.value("sha256", ""));
    const std::string caption = p.value("caption", "");
    h += "<figure class=\"wx-photo\"><a href=\"" + base + "?size=full\"><img class=\"wx-thumb\" " +
         "src=\"" + base + "?size=thumb\" alt=\"" + escape(caption.empty() ? "foto" : caption) +
         "\"></a>";
    if (!caption.empty()) h += "<figcaption>" + escape(caption) + "</figcaption>";
    if (p.value("shows_others", false))
      h += "<p class=\"wx-muted\">Er staan anderen op: niet delen.</p>";
    h += "</figure>";
  }
  return h + "</div>";
}

}  // namespace

std::string render_entry(const std::string& pupil, const json& e) {
  const std::string type = e.value("type", "");
  const json& fields = e["fields"];
  std::string h = "<li class=\"wx-entry wx-entry-" + escape(type) + "\" id=\"e-" +
                  escape(e.value("id", "")) + "\"><h4 class=\"wx-entry-type\">" +
                  escape(entry_type_label(type));
  if (!e.value("date_label", "").empty())
    h += " <span class=\"wx-muted\">" + escape(e.value("date_label", "")) + "</span>";
  h += "</h4><dl class=\"wx-fields\">";
  for (const auto& [field, name] : shown_fields()) {
    auto v = fields.find(field);
    if (v == fields.end()) continue;
    std::string text = value_text(field, *v, e["labels"]);
    if (text.empty()) continue;
    h += std::string("<dt>") + name + "</dt><dd>" + escape(text) + "</dd>";
  }
  h += "</dl>" + photos(pupil, e["photos"]) + comments(e["comments"]);
  return h + "</li>";
}

}  // namespace werkex::server
