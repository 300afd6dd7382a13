// Dutch words for signed entries (signoff_words.hpp).
#include "werkex/signoff_words.hpp"

#include <map>
#include <utility>

namespace werkex {

namespace {

using Labels = std::map<std::string, std::string, std::less<>>;

const Labels& type_labels() {
  static const Labels labels = {
      {"activity", "Activiteit"},  {"preparation", "Voorbereiding"}, {"experience", "Ervaring"},
      {"reflection", "Reflectie"}, {"next_step", "Vervolgstap"},     {"contact", "Netwerkcontact"},
      {"placement", "Stage"},      {"signoff", "Aftekening"},        {"comment", "Opmerking"}};
  return labels;
}

const Labels& field_labels() {
  // Keyed "type.field" first, then "field" for the names shared by several types.
  static const Labels labels = {
      {"title", "Titel"},
      {"kind", "Soort"},
      {"note", "Notitie"},
      {"occurred_at", "Wanneer"},
      {"photos", "Foto's"},
      {"emotion", "Emotie"},
      {"emotion_note", "Wat je voelde"},
      {"observed_goals", "Doelen in het werk"},
      {"observed_interaction", "Hoe mensen met elkaar omgaan"},
      {"observed_problem_solving", "Hoe problemen worden opgelost"},
      {"role_model", "Rolmodel"},
      {"competencies", "Loopbaancompetenties"},
      {"activity", "Activiteit"},
      {"planned_date", "Geplande datum"},
      {"builds_on", "Waar het op voortbouwt"},
      {"expected_yield", "Verwachte opbrengst"},
      {"use_of_yield", "Wat je met de opbrengst doet"},
      {"sector", "Sector"},
      {"company", "Bedrijf"},
      {"placement", "Stage"},
      {"known_about_self", "Wat je al weet over jezelf"},
      {"known_about_work", "Wat je al weet over het werk"},
      {"want_to_find_out", "Wat je wilt uitzoeken"},
      {"learning_goals", "Leerdoelen"},
      {"learning_verbs", "Leren, oefenen, uitproberen, laten zien"},
      {"how_to_prepare", "Hoe je je voorbereidt"},
      {"with_whom", "Met wie"},
      {"held_on", "Datum"},
      {"summary", "Samenvatting"},
      {"qualities", "Kwaliteiten"},
      {"motives", "Motieven"},
      {"red_thread", "Rode draad"},
      {"description", "Omschrijving"},
      {"action", "Actie"},
      {"direction", "Richting"},
      {"name", "Naam"},
      {"role", "Rol"},
      {"notes", "Aantekeningen"},
      {"deleted", "Verwijderd"},
  };
  return labels;
}

const char* title_field(const std::string& type) {
  if (type == "activity") return "title";
  if (type == "experience") return "note";
  if (type == "reflection") return "summary";
  if (type == "preparation") return "want_to_find_out";
  if (type == "next_step") return "description";
  if (type == "contact") return "name";
  return "title";
}

// At most `max` code points of the first line, "…" when cut.
std::string short_line(const std::string& text, size_t max) {
  std::string line = text.substr(0, text.find('\n'));
  size_t points = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;
    if (points++ == max) return line.substr(0, i) + "…";
  }
  return line.size() < text.size() ? line + "…" : line;
}

}  // namespace

std::string entry_type_label(const std::string& type) {
  auto it = type_labels().find(type);
  return it == type_labels().end() ? type : it->second;
}

std::string field_label(const std::string& type, const std::string& field) {
  auto it = field_labels().find(type + "." + field);
  if (it == field_labels().end()) it = field_labels().find(field);
  return it == field_labels().end() ? field : it->second;
}

std::string entry_title(const std::string& type, const json& fields) {
  if (!fields.is_object()) return "";
  for (const char* f : {title_field(type), "title", "note", "summary"}) {
    auto it = fields.find(f);
    if (it != fields.end() && it->is_string() && !it->get<std::string>().empty())
      return short_line(it->get<std::string>(), 60);
  }
  return "";
}

std::string value_text(const json& value) {
  if (value.is_null()) return "(leeg)";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "ja" : "nee";
  if (value.is_array()) {
    std::string out;
    for (const json& v : value) out += (out.empty() ? "" : ", ") + value_text(v);
    return out.empty() ? "(leeg)" : out;
  }
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

json entry_dates(const json& fields) {
  json out = json::object();
  if (!fields.is_object()) return out;
  for (const char* f : {"planned_date", "occurred_at", "held_on"}) {
    auto it = fields.find(f);
    if (it != fields.end() && it->is_string()) out[f] = *it;
  }
  return out;
}

}  // namespace werkex
