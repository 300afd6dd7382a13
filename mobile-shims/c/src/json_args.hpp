// Reading the JSON arguments of the C ABI strictly: a document that is not JSON, a member
// of the wrong type or a key nobody asked for is WX_INVALID_ARGUMENT naming it, so an app's
// typo never passes silently. Parsing is bounded (depth 64, as on the server).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "werkex/error.hpp"
#include "werkex/store.hpp"

namespace werkex::abi {

// Parses `text` (`what` names it in errors).
Result<json> parse_json(const char* text, std::string_view what);

// The members of a JSON object, taken one by one; what is left is either refused
// (finish()) or handed on (rest(): a draft's further schema fields).
class ObjectArgs {
 public:
  // `text` may be null when `optional`: an empty object.
  static Result<ObjectArgs> parse(const char* text, std::string what, bool optional);

  // Each leaves `out` as it was when the key is absent (or null).
  Status take(std::string_view key, std::string& out);
  Status take(std::string_view key, bool& out);
  Status take(std::string_view key, uint64_t& out);
  Status take(std::string_view key, std::optional<double>& out);
  Status take(std::string_view key, std::vector<std::string>& out);
  Status take_any(std::string_view key, json& out);

  // WX_INVALID_ARGUMENT naming every key not taken, with the keys that are known.
  Status finish(std::initializer_list<std::string_view> known) const;
  json rest() const { return object_; }

 private:
  ObjectArgs(json object, std::string what) : object_(std::move(object)), what_(std::move(what)) {}
  Error wrong_type(std::string_view key, std::string_view expected, const json& got) const;
  // The member `key`, if present and not null, to `read` (which type-checks and stores it);
  // the member is taken either way.
  Status take_with(std::string_view key, const std::function<Status(const json&)>& read);

  json object_;
  std::string what_;
};

// A query argument ({"type","bucket","field","equals","order_by","include_deleted","limit",
// "offset"}); null: every entity.
Result<Query> parse_query(const char* text, std::string_view what);

}  // namespace werkex::abi
