// What the entity engine's parts share (entity_write.cpp, entity_receive.cpp, the Replica's
// store_*.cpp): merging one state into an entity's rows, and the checks of names.
#pragma once

#include <string>
#include <string_view>

#include "werkex/entity_engine.hpp"

namespace werkex {

Error invalid_at(const std::string& where, const std::string& what);  // WX_INVALID_ARGUMENT
// Merges `incoming` into the entity's row for (name, element); true if the row changed (it
// is then marked dirty). WX_CONFLICT if the row merges by another rule.
Result<bool> merge_into(EntityFields& fields, const std::string& name, const json& element,
                        const FieldState& incoming);

}  // namespace werkex
