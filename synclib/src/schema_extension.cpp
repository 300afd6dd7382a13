// schema_extension.hpp: the built-in schema document with an app's types, enums and labels
// added (never replaced), then checked by Schema::parse as a whole.
#include "werkex/schema_extension.hpp"

namespace werkex {

Result<std::shared_ptr<const Schema>> schema_with_extension(std::string_view extension_text) {
  auto bad = [](const std::string& what) {
    return make_error(WX_INVALID_ARGUMENT, "schema extension: " + what);
  };
  json ext = json::parse(extension_text, nullptr, false);
  if (ext.is_discarded()) return bad("not valid JSON");
  if (!ext.is_object()) return bad("not a JSON object");
  json doc = json::parse(Schema::builtin_text());
  for (auto& [section, entries] : ext.items()) {
    if (section != "types" && section != "enums" && section != "enum_labels")
      return bad("unknown key '" + section + "' (expected types, enums, enum_labels)");
    if (!entries.is_object()) return bad("'" + section + "' is not an object");
    json& into = doc[section];
    for (auto& [name, value] : entries.items()) {
      if (into.contains(name))
        return bad("'" + name + "' is in the built-in schema's " + section +
                   " already; an extension only adds");
      into[name] = value;
    }
  }
  if (!ext.contains("types") || ext["types"].empty()) return bad("'types' is missing or empty");
  try {
    auto schema = Schema::parse(doc.dump());
    if (!schema) return bad(schema.error().message);  // the app's input, not stored data
    return schema;
  } catch (const json::exception& e) {  // a value of the wrong JSON type somewhere
    return bad(std::string("a value has the wrong JSON type (") + e.what() + ")");
  }
}

}  // namespace werkex
