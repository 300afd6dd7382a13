// The schema's enum labels (schema.hpp): checked at parse, looked up for people, and read
// back from what a person typed.
#include <cctype>

#include "schema_labels.hpp"
#include "werkex/messages.hpp"
#include "werkex/schema.hpp"

namespace werkex {

namespace {

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_label(const json& l) {
  for (const char* lang : {"nl", "en"})
    if (!l.contains(lang) || !l[lang].is_string() || l[lang].get_ref<const std::string&>().empty())
      return false;
  return true;
}

}  // namespace

Status check_enum_labels(const std::map<std::string, std::vector<std::string>>& enums,
                         const json& labels) {
  auto fail = [](const std::string& what) {
    return make_error(WX_CORRUPT, "schema: enum_labels: " + what);
  };
  if (!labels.is_object()) return fail("missing or not an object");
  for (auto& [name, values] : enums) {
    auto table = labels.find(name);
    if (table == labels.end() || !table->is_object()) return fail("no labels for enum " + name);
    if (table->size() != values.size()) return fail(name + " labels other values than it has");
    std::map<std::string, std::string> seen;  // lowered label or id -> value
    for (const std::string& v : values) {
      auto l = table->find(v);
      if (l == table->end() || !is_label(*l))
        return fail(name + "." + v + " needs a non-empty \"nl\" and \"en\" label");
      for (std::string key : {v, (*l)["nl"].get<std::string>(), (*l)["en"].get<std::string>()}) {
        auto [it, fresh] = seen.emplace(ascii_lower(key), v);
        if (!fresh && it->second != v) return fail(name + ": '" + key + "' names two values");
      }
    }
  }
  return Status::ok();
}

std::string Schema::enum_label(std::string_view enum_name, std::string_view value,
                               Language lang) const {
  auto table = enum_labels_.find(std::string(enum_name));
  if (table == enum_labels_.end()) return std::string(value);
  auto l = table->find(std::string(value));
  if (l == table->end()) return std::string(value);
  return (*l)[language_name(lang)].get<std::string>();
}

std::optional<std::string> Schema::enum_value_for(std::string_view enum_name,
                                                  std::string_view text) const {
  auto table = enum_labels_.find(std::string(enum_name));
  if (table == enum_labels_.end()) return std::nullopt;
  if (table->contains(std::string(text))) return std::string(text);
  const std::string wanted = ascii_lower(text);
  for (auto& [value, l] : table->items())
    if (ascii_lower(value) == wanted || ascii_lower(l["nl"].get<std::string>()) == wanted ||
        ascii_lower(l["en"].get<std::string>()) == wanted)
      return value;
  return std::nullopt;
}

json Schema::with_enum_ids(const FieldSpec& field, const json& value) const {
  if (field.enum_name.empty()) return value;
  auto one = [&](const json& v) -> json {
    if (!v.is_string()) return v;
    auto id = enum_value_for(field.enum_name, v.get_ref<const std::string&>());
    return id ? json(*id) : v;
  };
  auto each = [&](const json& a) {
    json out = json::array();
    for (const json& e : a) out.push_back(one(e));
    return out;
  };
  if (value.is_array()) return each(value);
  if (value.is_object()) {
    json out = value;
    for (auto& [k, v] : out.items())
      if (v.is_array()) v = each(v);
    return out;
  }
  return one(value);
}

Result<json> Schema::enum_labels_of(std::string_view enum_name) const {
  if (enum_name.empty()) return enum_labels_;
  auto table = enum_labels_.find(std::string(enum_name));
  if (table != enum_labels_.end()) return *table;
  std::string names;
  for (auto& [name, _] : enum_labels_.items()) names += (names.empty() ? "" : ", ") + name;
  return error_of(WX_NOT_FOUND, Msg::enum_unknown,
                  {{"name", std::string(enum_name)}, {"names", names}});
}

}  // namespace werkex
