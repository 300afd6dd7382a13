// Strict JSON objects (json_object.hpp).
#include "werkex/json_object.hpp"

#include <algorithm>

namespace werkex::json_object {

Error invalid(std::string_view context, std::string_view what) {
  std::string message(context);
  if (!message.empty()) message += ": ";
  message += what;
  return make_error(WX_INVALID_ARGUMENT, std::move(message));
}

bool Keys::contains(std::string_view key) const {
  if (vector_) return std::find(vector_->begin(), vector_->end(), key) != vector_->end();
  return std::find(list_.begin(), list_.end(), key) != list_.end();
}

Status only_keys(const json& obj, Keys keys, std::string_view context, Language lang,
                 Values values) {
  for (const auto& item : obj.items()) {
    const std::string& k = item.key();
    if (!keys.contains(k))
      return invalid(context,
                     (lang == Language::nl ? "onbekend veld '" : "unknown key '") + k + "'");
    if (values == Values::strings && !item.value().is_string())
      return invalid(context, "'" + k + "' is not a string");
  }
  return Status::ok();
}

Status require_object(const json& doc, Keys keys, std::string_view context, Language lang) {
  if (!doc.is_object()) return invalid(context, "the body is not an object");
  return only_keys(doc, keys, context, lang);
}

Result<json> parse_object(std::string_view text, Keys keys, std::string_view context, Language lang,
                          Values values) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object())
    return invalid(context, lang == Language::nl ? "het verzoek is geen JSON-object"
                                                 : "the body is not a JSON object");
  WX_RETURN_IF_ERROR(only_keys(doc, keys, context, lang, values));
  return doc;
}

Result<std::string> text(const json& obj, std::string_view key, std::string_view context) {
  auto it = obj.find(std::string(key));
  if (it == obj.end()) return invalid(context, "'" + std::string(key) + "' is missing");
  if (!it->is_string()) return invalid(context, "'" + std::string(key) + "' is not a string");
  return it->get<std::string>();
}

}  // namespace werkex::json_object
