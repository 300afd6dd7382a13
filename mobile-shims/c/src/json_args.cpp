#include "json_args.hpp"

#include <cmath>

#include "werkex/wire_format.hpp"

namespace werkex::abi {

Result<json> parse_json(const char* text, std::string_view what) {
  if (!text) return make_error(WX_INVALID_ARGUMENT, std::string(what) + " is NULL");
  Result<json> doc = decode_body(text, WireFormat::json);
  if (!doc) return make_error(WX_INVALID_ARGUMENT, std::string(what) + ": " + doc.error().message);
  return doc;
}

Result<ObjectArgs> ObjectArgs::parse(const char* text, std::string what, bool optional) {
  if (!text && optional) return ObjectArgs(json::object(), std::move(what));
  WX_ASSIGN_OR_RETURN(json doc, parse_json(text, what));
  if (!doc.is_object())
    return make_error(WX_INVALID_ARGUMENT,
                      what + ": expected a JSON object, got " + std::string(doc.type_name()));
  return ObjectArgs(std::move(doc), std::move(what));
}

Error ObjectArgs::wrong_type(std::string_view key, std::string_view expected,
                             const json& got) const {
  return make_error(WX_INVALID_ARGUMENT, what_ + ": '" + std::string(key) + "': expected " +
                                             std::string(expected) + ", got " +
                                             std::string(got.type_name()));
}

Status ObjectArgs::take_with(std::string_view key, const std::function<Status(const json&)>& read) {
  auto it = object_.find(key);
  if (it == object_.end()) return Status::ok();
  if (!it->is_null()) WX_RETURN_IF_ERROR(read(*it));
  object_.erase(it);
  return Status::ok();
}

Status ObjectArgs::take(std::string_view key, std::string& out) {
  return take_with(key, [&](const json& v) -> Status {
    if (!v.is_string()) return wrong_type(key, "a string", v);
    out = v.get<std::string>();
    return Status::ok();
  });
}

Status ObjectArgs::take(std::string_view key, bool& out) {
  return take_with(key, [&](const json& v) -> Status {
    if (!v.is_boolean()) return wrong_type(key, "true or false", v);
    out = v.get<bool>();
    return Status::ok();
  });
}

Status ObjectArgs::take(std::string_view key, uint64_t& out) {
  return take_with(key, [&](const json& v) -> Status {
    if (!v.is_number_unsigned()) return wrong_type(key, "a whole number >= 0", v);
    out = v.get<uint64_t>();
    return Status::ok();
  });
}

Status ObjectArgs::take(std::string_view key, std::optional<double>& out) {
  return take_with(key, [&](const json& v) -> Status {
    if (!v.is_number() || !std::isfinite(v.get<double>())) return wrong_type(key, "a number", v);
    out = v.get<double>();
    return Status::ok();
  });
}

Status ObjectArgs::take(std::string_view key, std::vector<std::string>& out) {
  return take_with(key, [&](const json& v) -> Status {
    std::vector<std::string> items;
    if (!v.is_array()) return wrong_type(key, "an array of strings", v);
    for (const json& item : v) {
      if (!item.is_string()) return wrong_type(key, "an array of strings", item);
      items.push_back(item.get<std::string>());
    }
    out = std::move(items);
    return Status::ok();
  });
}

Status ObjectArgs::take_any(std::string_view key, json& out) {
  auto it = object_.find(key);
  if (it == object_.end()) return Status::ok();
  out = std::move(*it);
  object_.erase(it);
  return Status::ok();
}

Status ObjectArgs::finish(std::initializer_list<std::string_view> known) const {
  if (object_.empty()) return Status::ok();
  std::string unknown, expected;
  for (auto& [key, _] : object_.items()) unknown += (unknown.empty() ? "'" : ", '") + key + "'";
  for (std::string_view k : known) expected += (expected.empty() ? "" : ", ") + std::string(k);
  return make_error(WX_INVALID_ARGUMENT,
                    what_ + ": unknown key " + unknown +
                        (expected.empty() ? "; it takes none" : "; expected one of " + expected));
}

Result<Query> parse_query(const char* text, std::string_view what) {
  WX_ASSIGN_OR_RETURN(ObjectArgs args, ObjectArgs::parse(text, std::string(what), true));
  Query q;
  uint64_t limit = 0, offset = 0;
  bool has_equals = false;
  WX_RETURN_IF_ERROR(args.take("type", q.type));
  WX_RETURN_IF_ERROR(args.take("bucket", q.bucket));
  WX_RETURN_IF_ERROR(args.take("field", q.field));
  {
    json equals;
    has_equals = args.rest().contains("equals");
    WX_RETURN_IF_ERROR(args.take_any("equals", equals));
    q.equals = std::move(equals);
  }
  WX_RETURN_IF_ERROR(args.take("order_by", q.order_by));
  WX_RETURN_IF_ERROR(args.take("include_deleted", q.include_deleted));
  WX_RETURN_IF_ERROR(args.take("limit", limit));
  WX_RETURN_IF_ERROR(args.take("offset", offset));
  WX_RETURN_IF_ERROR(args.finish(
      {"type", "bucket", "field", "equals", "order_by", "include_deleted", "limit", "offset"}));
  if (q.field.empty() != !has_equals)
    return make_error(
        WX_INVALID_ARGUMENT,
        std::string(what) + ": 'field' and 'equals' go together: give both or neither");
  q.limit = static_cast<size_t>(limit);
  q.offset = static_cast<size_t>(offset);
  return q;
}

}  // namespace werkex::abi
