// Decoding what a staff page's form posts (a JSON object) into the fields of one schema type,
// before anything touches the store: the dashboard's writes answer 400/413 with a Dutch
// reason instead of a store error, and write nothing.
//
// Invariants: a returned document holds only keys of `fields`, each a field of `type` in the
// built-in schema, with a value of that field's kind: strings and texts trimmed, non-empty and
// within max_length (in UTF-8 bytes); enums one of their values; dates real calendar dates
// (YYYY-MM-DD); refs non-empty strings (whether they name something is the service's check);
// bools JSON booleans; sets JSON arrays of such values, duplicates removed. A key given as
// "" or null is left out (the field is not written). Pure functions, safe from any thread.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "http/http_types.hpp"
#include "werkex/error.hpp"

namespace werkex::server::staff_input {

inline constexpr size_t kMaxBody = 64 * 1024;

// The request body as a JSON object: WX_TOO_LARGE over kMaxBody, WX_INVALID_ARGUMENT when it
// is not a JSON object, has another Content-Type, or has a key outside `allowed`.
Result<nlohmann::json> object_body(const http::Request& req,
                                   const std::vector<std::string>& allowed);

// The fields `fields` of `body` checked against schema type `type` (see the invariants);
// `required`: those that must be present. WX_INVALID_ARGUMENT names the first bad field.
Result<nlohmann::json> schema_fields(const nlohmann::json& body, const std::string& type,
                                     std::initializer_list<std::string_view> fields,
                                     std::initializer_list<std::string_view> required);

// Whether `date` is YYYY-MM-DD and a real day.
bool valid_date(const std::string& date);

}  // namespace werkex::server::staff_input
