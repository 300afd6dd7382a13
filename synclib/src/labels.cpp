// Dutch and English words for types, fields and roles (labels.hpp).
#include "werkex/labels.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>

namespace werkex {

namespace {

struct TypeWords {
  std::string_view id, nl, nl_article, en;
};

// Lower case: sentences put them after a verb or an article.
constexpr std::array<TypeWords, 16> kTypes{{
    {"activity", "activiteit", "de", "activity"},
    {"preparation", "voorbereiding", "de", "preparation"},
    {"experience", "ervaring", "de", "experience"},
    {"reflection", "reflectie", "de", "reflection"},
    {"next_step", "vervolgstap", "de", "next step"},
    {"contact", "netwerkcontact", "het", "contact"},
    {"placement", "stage", "de", "placement"},
    {"signoff", "aftekening", "de", "sign-off"},
    {"comment", "opmerking", "de", "comment"},
    {"placement_request", "stageaanvraag", "de", "placement request"},
    {"blob", "bijlage", "de", "attachment"},
    {"company", "bedrijf", "het", "company"},
    {"person", "persoon", "de", "person"},
    {"group", "groep", "de", "group"},
    {"school", "school", "de", "school"},
    {"signing_key", "ondertekensleutel", "de", "signing key"},
}};

const TypeWords* find_type(std::string_view type) {
  for (const TypeWords& t : kTypes)
    if (t.id == type) return &t;
  return nullptr;
}

using Labels = std::map<std::string, std::string, std::less<>>;

const Labels& dutch_field_labels() {
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
      {"conversation_rules", "Gespreksregels"},
      {"description", "Omschrijving"},
      {"action", "Actie"},
      {"direction", "Richting"},
      {"name", "Naam"},
      {"role", "Rol"},
      {"notes", "Aantekeningen"},
      {"phone", "Telefoonnummer"},
      {"email", "E-mailadres"},
      {"consent", "Toestemming"},
      {"text", "Tekst"},
      {"on", "Bij"},
      {"deleted", "Verwijderd"},
  };
  return labels;
}

constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kDutchRoles{{
    {"pupil", "leerling"},
    {"supervisor", "praktijkbegeleider"},
    {"teacher", "docent"},
    {"counsellor", "decaan"},
    {"manager", "schoolleiding"},
    {"admin", "beheerder"},
    {"parent", "ouder/verzorger"},
}};

bool starts_with_vowel_sound(std::string_view word) {
  return !word.empty() && std::string_view("aeiou").find(word[0]) != std::string_view::npos;
}

}  // namespace

Language language_from_tag(std::string_view tag, Language fallback) {
  // Each comma-separated item in order; q-values are not weighed (clients list their
  // preference first), which is enough for two languages.
  while (!tag.empty()) {
    size_t comma = tag.find(',');
    std::string_view item = tag.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    auto lower2 = [&](std::string_view p) {
      return item.size() >= 2 && std::tolower(static_cast<unsigned char>(item[0])) == p[0] &&
             std::tolower(static_cast<unsigned char>(item[1])) == p[1] &&
             (item.size() == 2 || item[2] == '-' || item[2] == '_' || item[2] == '.' ||
              item[2] == ';');
    };
    if (lower2("nl")) return Language::nl;
    if (lower2("en")) return Language::en;
    if (comma == std::string_view::npos) break;
    tag.remove_prefix(comma + 1);
  }
  return fallback;
}

const char* language_name(Language lang) {
  return lang == Language::nl ? "nl" : "en";
}

std::string type_word(std::string_view type, Language lang) {
  const TypeWords* t = find_type(type);
  if (!t) return std::string(type);
  return std::string(lang == Language::nl ? t->nl : t->en);
}

std::string type_with_article(std::string_view type, Language lang) {
  std::string word = type_word(type, lang);
  if (lang == Language::nl) return "een " + word;
  return (starts_with_vowel_sound(word) ? "an " : "a ") + word;
}

std::string new_type_phrase(std::string_view type, Language lang) {
  const TypeWords* t = find_type(type);
  if (lang == Language::en) return "the new " + type_word(type, lang);
  bool neuter = t && t->nl_article == "het";
  return (neuter ? "het nieuwe " : "de nieuwe ") + type_word(type, lang);
}

std::string field_word(std::string_view type, std::string_view field, Language lang) {
  if (lang == Language::en) return std::string(field);
  const Labels& labels = dutch_field_labels();
  auto it = labels.find(std::string(type) + "." + std::string(field));
  if (it == labels.end()) it = labels.find(field);
  return it == labels.end() ? std::string(field) : it->second;
}

std::string role_word(std::string_view role, Language lang) {
  if (lang == Language::nl)
    for (auto& [id, word] : kDutchRoles)
      if (id == role) return std::string(word);
  return std::string(role);
}

std::string role_with_article(std::string_view role, Language lang) {
  std::string word = role_word(role, lang);
  if (lang == Language::nl) return "een " + word;
  return (starts_with_vowel_sound(word) ? "an " : "a ") + word;
}

}  // namespace werkex
