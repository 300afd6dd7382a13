// An app's own entity types beside werkex's: the built-in schema plus an extension, for
// ReplicaOptions::schema (C ABI: wx_replica_open_with_schema, werkex_schema.h).
#pragma once

#include <memory>
#include <string_view>

#include "werkex/error.hpp"
#include "werkex/schema.hpp"

namespace werkex {

// The built-in schema plus an app's own entity types. `extension_json` is an object with
// "types" (required) and optionally "enums" and "enum_labels", in the built-in document's
// form, each adding names the built-in schema does not have: it cannot change or replace a
// werkex type or enum. WX_INVALID_ARGUMENT naming what is wrong (not JSON, an unknown key, a
// name that exists, or anything Schema::parse refuses in the combined document).
Result<std::shared_ptr<const Schema>> schema_with_extension(std::string_view extension_json);

}  // namespace werkex
