// Dutch words for signed entries (signoff_words.hpp).
#include "werkex/signoff_words.hpp"

#include "werkex/labels.hpp"

#include <map>
#include <utility>

namespace werkex {

namespace {

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
  std::string word = type_word(type, Language::nl);
  if (!word.empty() && word[0] >= 'a' && word[0] <= 'z') word[0] = char(word[0] - 'a' + 'A');
  return word;
}

std::string field_label(const std::string& type, const std::string& field) {
  return field_word(type, field, Language::nl);
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
