// staff_input (staff_input.hpp): form bodies checked against the schema.
#include "staff_input.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include "staff_http.hpp"
#include "werkex/schema.hpp"

namespace werkex::server::staff_input {

namespace {

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r\n"), b = s.find_last_not_of(" \t\r\n");
  return a == std::string::npos ? std::string() : s.substr(a, b + 1 - a);
}

Error bad(const std::string& field, const std::string& why) {
  return make_error(WX_INVALID_ARGUMENT, "'" + field + "' " + why);
}

// One value of `spec`'s value kind, checked; `name` for the message.
Result<json> one_value(const FieldSpec& spec, const json& v, const std::string& name) {
  const FieldKind kind = spec.value_kind();
  if (kind == FieldKind::boolean) {
    if (!v.is_boolean()) return bad(name, "moet waar of onwaar zijn");
    return v;
  }
  if (!v.is_string()) return bad(name, "moet tekst zijn");
  std::string s = trim(v.get<std::string>());
  if (s.empty()) return bad(name, "is leeg");
  if (spec.max_length && s.size() > spec.max_length)
    return bad(name, "is langer dan " + std::to_string(spec.max_length) + " tekens");
  if (kind == FieldKind::enumeration &&
      std::find(spec.enum_values.begin(), spec.enum_values.end(), s) == spec.enum_values.end())
    return bad(name, "heeft een onbekende waarde '" + s + "'");
  if (kind == FieldKind::date && !valid_date(s)) return bad(name, "is geen datum (JJJJ-MM-DD)");
  if (kind != FieldKind::string && kind != FieldKind::text && kind != FieldKind::enumeration &&
      kind != FieldKind::date && kind != FieldKind::ref)
    return bad(name, "kan hier niet worden ingevuld");
  return json(s);
}

Result<json> field_value(const FieldSpec& spec, const json& v, const std::string& name) {
  if (spec.kind != FieldKind::set) return one_value(spec, v, name);
  if (!v.is_array()) return bad(name, "moet een lijst zijn");
  if (v.size() > 100) return bad(name, "heeft meer dan 100 waarden");
  std::set<std::string> seen;
  json out = json::array();
  for (const json& e : v) {
    WX_ASSIGN_OR_RETURN(json one, one_value(spec, e, name));
    if (seen.insert(one.get<std::string>()).second) out.push_back(one);
  }
  return out;
}

}  // namespace

bool valid_date(const std::string& date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (date[i] < '0' || date[i] > '9') return false;
  const int y = std::stoi(date.substr(0, 4));
  const unsigned m = std::stoul(date.substr(5, 2)), d = std::stoul(date.substr(8, 2));
  return std::chrono::year_month_day{std::chrono::year{y}, std::chrono::month{m},
                                     std::chrono::day{d}}
      .ok();
}

Result<json> object_body(const http::Request& req, const std::vector<std::string>& allowed) {
  return staff_http::json_object_body(req, allowed, kMaxBody, Language::nl);
}

Result<json> schema_fields(const json& body, const std::string& type,
                           std::initializer_list<std::string_view> fields,
                           std::initializer_list<std::string_view> required) {
  static const Result<std::shared_ptr<const Schema>> builtin = Schema::builtin();
  if (!builtin) return builtin.error();
  const std::shared_ptr<const Schema>& schema = *builtin;
  const TypeSpec* t = schema->type(type);
  if (!t) return make_error(WX_INTERNAL, "no schema type " + type);
  json out = json::object();
  for (std::string_view f : fields) {
    const std::string name(f);
    const FieldSpec* spec = t->field(name);
    if (!spec) return make_error(WX_INTERNAL, "no field " + type + "." + name);
    auto it = body.find(name);
    const bool given = it != body.end() && !it->is_null() &&
                       !(it->is_string() && trim(it->get<std::string>()).empty());
    if (!given) {
      if (std::find(required.begin(), required.end(), f) != required.end())
        return bad(name, "ontbreekt");
      continue;
    }
    WX_ASSIGN_OR_RETURN(out[name], field_value(*spec, *it, name));
  }
  return out;
}

}  // namespace werkex::server::staff_input
