#include "werkex/schema.hpp"

#include "schema_labels.hpp"
#include "werkex/ids.hpp"
#include "werkex/messages.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace werkex {

namespace {

constexpr size_t kDefaultMaxString = 1000;
constexpr size_t kDefaultMaxText = 100000;

const std::pair<const char*, FieldKind> kKindNames[] = {
    {"string", FieldKind::string},     {"text", FieldKind::text},
    {"int", FieldKind::integer},       {"number", FieldKind::number},
    {"bool", FieldKind::boolean},      {"date", FieldKind::date},
    {"datetime", FieldKind::datetime}, {"enum", FieldKind::enumeration},
    {"ref", FieldKind::ref},           {"blob", FieldKind::blob},
    {"set", FieldKind::set},
};

std::optional<FieldKind> kind_from_name(std::string_view n) {
  for (auto& [name, kind] : kKindNames)
    if (n == name) return kind;
  return std::nullopt;
}

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

std::string show(const json& v) {
  if (v.is_array() || v.is_object()) return v.is_array() ? "an array" : "an object";
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

// "trots, blij, …, geërgerd": what a Dutch reader may type for an enum field.
std::string dutch_labels(const Schema& schema, const FieldSpec& f) {
  std::string out;
  for (const std::string& v : f.enum_values)
    out += (out.empty() ? "" : ", ") + schema.enum_label(f.enum_name, v, Language::nl);
  return out;
}

Error schema_error(const std::string& where, const std::string& what) {
  return make_error(WX_CORRUPT, "schema: " + where + ": " + what);
}

Result<std::vector<std::string>> string_list(const json& j, const std::string& where) {
  if (!j.is_array()) return schema_error(where, "expected an array of strings");
  std::vector<std::string> out;
  for (auto& e : j) {
    if (!e.is_string()) return schema_error(where, "expected an array of strings");
    out.push_back(e.get<std::string>());
  }
  return out;
}

bool digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return false;
  for (size_t i = pos; i < pos + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

int number_at(std::string_view s, size_t pos, size_t n) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

}  // namespace

const char* field_kind_name(FieldKind kind) {
  for (auto& [name, k] : kKindNames)
    if (k == kind) return name;
  return "?";
}

bool is_reserved_field_name(std::string_view name) {
  return name == "id" || name == "type" || name == "bucket" || name == "deleted" ||
         name == "_conflicts";
}

bool is_valid_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!digits(s, 0, 4) || !digits(s, 5, 2) || !digits(s, 8, 2)) return false;
  int y = number_at(s, 0, 4), m = number_at(s, 5, 2), d = number_at(s, 8, 2);
  if (m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + ((m == 2 && leap) ? 1 : 0);
}

bool is_valid_datetime(std::string_view s) {
  if (s.size() < 20 || !is_valid_date(s.substr(0, 10)) || (s[10] != 'T' && s[10] != 't'))
    return false;
  if (!digits(s, 11, 2) || s[13] != ':' || !digits(s, 14, 2) || s[16] != ':' || !digits(s, 17, 2))
    return false;
  if (number_at(s, 11, 2) > 23 || number_at(s, 14, 2) > 59 || number_at(s, 17, 2) > 60)
    return false;
  size_t i = 19;
  if (s[i] == '.') {
    size_t start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  if (i == s.size()) return false;
  if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) return true;
  if ((s[i] == '+' || s[i] == '-') && i + 6 == s.size() && digits(s, i + 1, 2) && s[i + 3] == ':' &&
      digits(s, i + 4, 2))
    return number_at(s, i + 1, 2) <= 23 && number_at(s, i + 4, 2) <= 59;
  return false;
}

bool is_valid_sha256_hex(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
    for (size_t k = 1; k < n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
      return false;
    i += n;
  }
  return true;
}

namespace {

Status check_scalar(const json& v) {
  if (v.is_string() && !is_valid_utf8(v.get_ref<const std::string&>()))
    return make_error(WX_INVALID_ARGUMENT, "a string is not valid UTF-8");
  if (v.is_number_float() && !std::isfinite(v.get<double>()))
    return make_error(WX_INVALID_ARGUMENT, "a number is not finite (NaN or infinity)");
  return Status::ok();
}

}  // namespace

Status check_json_value(const json& value, size_t max_depth) {
  // Most values are one string or number: checked without the walk's stack.
  if (!value.is_structured() && max_depth >= 1) return check_scalar(value);
  std::vector<std::pair<const json*, size_t>> stack{{&value, 1}};
  while (!stack.empty()) {
    auto [v, depth] = stack.back();
    stack.pop_back();
    if (depth > max_depth)
      return make_error(WX_INVALID_ARGUMENT,
                        "JSON nested deeper than " + std::to_string(max_depth) + " levels");
    WX_RETURN_IF_ERROR(check_scalar(*v));
    if (v->is_object()) {
      for (auto it = v->begin(); it != v->end(); ++it) {
        if (!is_valid_utf8(it.key()))
          return make_error(WX_INVALID_ARGUMENT, "a key is not valid UTF-8");
        stack.push_back({&*it, depth + 1});
      }
    } else if (v->is_array()) {
      for (const json& e : *v) stack.push_back({&e, depth + 1});
    }
  }
  return Status::ok();
}

const FieldSpec* TypeSpec::field(std::string_view name) const {
  auto it = fields.find(name);
  return it == fields.end() ? nullptr : &it->second;
}

const TypeSpec* Schema::type(std::string_view name) const {
  auto it = types_.find(name);
  return it == types_.end() ? nullptr : &it->second;
}

bool Schema::is_role(std::string_view role) const {
  return std::find(roles_.begin(), roles_.end(), role) != roles_.end();
}

bool Schema::may_write(const FieldSpec& field, std::string_view role) {
  return std::find(field.write_roles.begin(), field.write_roles.end(), role) !=
         field.write_roles.end();
}

Result<std::shared_ptr<const Schema>> Schema::parse(std::string_view text) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return schema_error("document", "not a JSON object");
  auto schema = std::make_shared<Schema>();
  if (!doc.contains("schema_version") || !doc["schema_version"].is_number_integer())
    return schema_error("schema_version", "missing or not an integer");
  schema->version_ = doc["schema_version"].get<int>();
  WX_ASSIGN_OR_RETURN(schema->roles_, string_list(doc.value("roles", json::array()), "roles"));

  std::map<std::string, std::vector<std::string>> enums;
  const json enum_docs = doc.value("enums", json::object());
  for (auto& [name, values] : enum_docs.items()) {
    WX_ASSIGN_OR_RETURN(enums[name], string_list(values, "enum " + name));
  }
  schema->enum_labels_ = doc.value("enum_labels", json::object());
  WX_RETURN_IF_ERROR(check_enum_labels(enums, schema->enum_labels_));

  const json types = doc.value("types", json::object());
  if (!types.is_object() || types.empty()) return schema_error("types", "missing or empty");
  for (auto& [tname, tdoc] : types.items()) {
    std::string where = "type " + tname;
    if (!tdoc.is_object()) return schema_error(where, "not an object");
    TypeSpec t;
    t.name = tname;
    std::string bucket = tdoc.value("bucket", "");
    if (bucket == "pupil")
      t.bucket = BucketKind::pupil;
    else if (bucket == "school")
      t.bucket = BucketKind::school;
    else
      return schema_error(where, "bucket must be \"pupil\" or \"school\"");
    WX_ASSIGN_OR_RETURN(t.write_roles,
                        string_list(tdoc.value("write", json::array()), where + ".write"));
    const json field_docs = tdoc.value("fields", json::object());
    for (auto& [fname, fdoc] : field_docs.items()) {
      std::string fwhere = where + " field " + fname;
      if (is_reserved_field_name(fname)) return schema_error(fwhere, "reserved name");
      FieldSpec f;
      f.name = fname;
      auto kind = kind_from_name(fdoc.value("kind", ""));
      if (!kind) return schema_error(fwhere, "unknown kind");
      f.kind = *kind;
      if (f.kind == FieldKind::set) {
        auto of = kind_from_name(fdoc.value("of", ""));
        if (!of || *of == FieldKind::set || *of == FieldKind::text)
          return schema_error(fwhere, "set needs \"of\": string, enum, ref, blob, int or date");
        f.element_kind = *of;
      }
      if (f.value_kind() == FieldKind::enumeration) {
        std::string en = fdoc.value("enum", "");
        auto it = enums.find(en);
        if (it == enums.end()) return schema_error(fwhere, "unknown enum '" + en + "'");
        f.enum_name = en;
        f.enum_values = it->second;
      }
      if (fdoc.contains("to")) {
        WX_ASSIGN_OR_RETURN(f.ref_types, string_list(fdoc["to"], fwhere + ".to"));
      }
      f.same_bucket = fdoc.value("same_bucket", false);
      f.required = fdoc.value("required", false);
      f.immutable = fdoc.value("immutable", false);
      if (fdoc.contains("write")) {
        WX_ASSIGN_OR_RETURN(f.write_roles, string_list(fdoc["write"], fwhere + ".write"));
      } else {
        f.write_roles = t.write_roles;
      }
      f.max_length = fdoc.value("max_length", size_t{0});
      if (f.max_length == 0 && f.value_kind() == FieldKind::string)
        f.max_length = kDefaultMaxString;
      if (f.max_length == 0 && f.value_kind() == FieldKind::text) f.max_length = kDefaultMaxText;
      f.only_with = fdoc.value("only_with", "");
      if (fdoc.contains("min")) f.min = fdoc["min"].get<double>();
      if (fdoc.contains("max")) f.max = fdoc["max"].get<double>();
      t.fields.emplace(fname, std::move(f));
    }
    schema->types_.emplace(tname, std::move(t));
  }
  // Every ref target and role must exist.
  for (auto& [tname, t] : schema->types_) {
    for (auto& [fname, f] : t.fields) {
      for (auto& target : f.ref_types)
        if (!schema->type(target))
          return schema_error("type " + tname + " field " + fname,
                              "unknown ref target '" + target + "'");
      for (auto& role : f.write_roles)
        if (!schema->is_role(role))
          return schema_error("type " + tname + " field " + fname, "unknown role '" + role + "'");
      if (f.only_with.empty()) continue;
      auto gate = t.fields.find(f.only_with);
      if (gate == t.fields.end() || gate->second.kind != FieldKind::boolean)
        return schema_error("type " + tname + " field " + fname,
                            "only_with names '" + f.only_with + "', not a bool field of the type");
    }
  }
  return std::shared_ptr<const Schema>(std::move(schema));
}

Status Schema::validate_value(const FieldSpec& f, const json& v) const {
  auto fail = [&](Msg expected, MessageArgs more = {}) -> Status {
    MessageArgs args = {{"field", f.name}, {"expected", message_key(expected)}, {"got", show(v)}};
    args.insert(args.end(), more.begin(), more.end());
    return error_of(WX_INVALID_ARGUMENT, Msg::value_invalid, std::move(args));
  };
  if (v.is_null()) {
    if (f.kind == FieldKind::set) return fail(Msg::expect_set_element);
    return Status::ok();
  }
  if (v.is_string() && !is_valid_utf8(v.get_ref<const std::string&>()))
    return error_of(WX_INVALID_ARGUMENT, Msg::value_not_utf8, {{"field", f.name}});
  auto check_length = [&](const std::string& s) -> Status {
    if (f.max_length && s.size() > f.max_length)
      return error_of(WX_TOO_LARGE, Msg::value_too_long,
                      {{"field", f.name},
                       {"size", std::to_string(s.size())},
                       {"max", std::to_string(f.max_length)}});
    return Status::ok();
  };
  auto check_range = [&](double d) -> Status {
    if ((f.min && d < *f.min) || (f.max && d > *f.max)) {
      std::string range;
      if (f.min) range += ">= " + json(*f.min).dump();
      if (f.max) range += std::string(f.min ? ", " : "") + "<= " + json(*f.max).dump();
      return fail(Msg::expect_range, {{"range", range}});
    }
    return Status::ok();
  };
  switch (f.value_kind()) {
    case FieldKind::string: {
      if (!v.is_string()) return fail(Msg::expect_string);
      const auto& s = v.get_ref<const std::string&>();
      if (s.find_first_of("\n\r") != std::string::npos) return fail(Msg::expect_single_line);
      return check_length(s);
    }
    case FieldKind::text:
      if (!v.is_string()) return fail(Msg::expect_text);
      return check_length(v.get_ref<const std::string&>());
    case FieldKind::integer:
      if (!v.is_number_integer()) return fail(Msg::expect_integer);
      return check_range(v.get<double>());
    case FieldKind::number:
      if (!v.is_number() || !std::isfinite(v.get<double>())) return fail(Msg::expect_number);
      return check_range(v.get<double>());
    case FieldKind::boolean:
      if (!v.is_boolean()) return fail(Msg::expect_boolean);
      return Status::ok();
    case FieldKind::date:
      if (!v.is_string() || !is_valid_date(v.get_ref<const std::string&>()))
        return fail(Msg::expect_date);
      return Status::ok();
    case FieldKind::datetime:
      if (!v.is_string() || !is_valid_datetime(v.get_ref<const std::string&>()))
        return fail(Msg::expect_datetime);
      return Status::ok();
    case FieldKind::enumeration:
      if (!v.is_string() || std::find(f.enum_values.begin(), f.enum_values.end(),
                                      v.get_ref<const std::string&>()) == f.enum_values.end())
        return fail(Msg::expect_one_of,
                    {{"values", join(f.enum_values)}, {"values@nl", dutch_labels(*this, f)}});
      return Status::ok();
    case FieldKind::ref:
      if (!v.is_string() || !is_valid_entity_id(v.get_ref<const std::string&>()))
        return fail(Msg::expect_entity_id);
      return Status::ok();
    case FieldKind::blob:
      if (!v.is_string() || !is_valid_sha256_hex(v.get_ref<const std::string&>()))
        return fail(Msg::expect_blob);
      return Status::ok();
    case FieldKind::set:
      break;
  }
  return make_error(WX_INTERNAL, "field '" + f.name + "': unexpected kind");
}

}  // namespace werkex

namespace werkex {

Result<std::shared_ptr<const Schema>> Schema::builtin() {
  return parse(builtin_text());
}

}  // namespace werkex
