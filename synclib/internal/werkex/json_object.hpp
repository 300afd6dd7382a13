// Reading a JSON object strictly (not installed: shared by synclib, the server and the
// tools): a request body or file must be an object, have only the keys the caller knows, and
// each member must have its one JSON type. Nothing here throws, whatever the input.
//
// Every error is WX_INVALID_ARGUMENT, "<context>: <what>" (just "<what>" when `context` is
// empty), where <what> names the member:
//   "the body is not a JSON object"   parse_object: not JSON, or JSON but not an object
//   "the body is not an object"       require_object: decoded, but not an object
//   "unknown key '<k>'"               a key the caller did not list
//   "'<k>' is missing"                a required member is absent
//   "'<k>' is not a string"           a member of another type
// In Dutch (Language::nl, for the staff pages): "het verzoek is geen JSON-object", "onbekend
// veld '<k>'" (the other words are not used in Dutch yet and stay English).
// The functions are pure: safe from any thread.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "werkex/error.hpp"
#include "werkex/labels.hpp"
#include "werkex/merge.hpp"  // json

namespace werkex::json_object {

// The keys a caller knows: a braced list ({"code", "password"}) or a vector, borrowed for the
// call.
class Keys {
 public:
  Keys(std::initializer_list<std::string_view> keys) : list_(keys) {}  // NOLINT: implicit
  Keys(const std::vector<std::string>& keys) : vector_(&keys) {}       // NOLINT: implicit
  bool contains(std::string_view key) const;

 private:
  std::initializer_list<std::string_view> list_;
  const std::vector<std::string>* vector_ = nullptr;
};

// What the members' values may be: any JSON, or strings only ("'<k>' is not a string").
enum class Values { any, strings };

// WX_INVALID_ARGUMENT "<context>: <what>".
Error invalid(std::string_view context, std::string_view what);

// Every key of the object `obj` is one of `keys` (and, with Values::strings, every value a
// string); the first member in key order that is not is the error.
Status only_keys(const json& obj, Keys keys, std::string_view context, Language lang = Language::en,
                 Values values = Values::any);
// `doc` is an object with only `keys`.
Status require_object(const json& doc, Keys keys, std::string_view context,
                      Language lang = Language::en);
// `text` parsed (without exceptions) as an object with only `keys`.
Result<json> parse_object(std::string_view text, Keys keys, std::string_view context,
                          Language lang = Language::en, Values values = Values::any);

// The string member `key` of the object `obj`.
Result<std::string> text(const json& obj, std::string_view key, std::string_view context);

}  // namespace werkex::json_object
