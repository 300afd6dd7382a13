// What the entity engine's parts share (entity_rows.hpp): merging one state into an entity's
// rows, the checks of names, and the tombstone.
#include "entity_rows.hpp"

#include <algorithm>

#include "werkex/messages.hpp"

namespace werkex {

Error invalid_at(const std::string& where, const std::string& what) {
  return make_error(WX_INVALID_ARGUMENT, where + ": " + what);
}

bool is_field_name(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

Result<bool> merge_into(EntityFields& fields, const std::string& name, const json& element,
                        const FieldState& incoming) {
  std::string elem = incoming.rule == MergeRule::set ? element_key(element) : std::string();
  auto [it, fresh] = fields.try_emplace({name, elem});
  FieldRow& row = it->second;
  if (fresh) {
    row.element = element;
    row.state.rule = incoming.rule;
  } else if (row.state.rule != incoming.rule) {
    return error_of(WX_CONFLICT, Msg::merge_rule_differs,
                    {{"field", name},
                     {"here", merge_rule_name(row.state.rule)},
                     {"change", merge_rule_name(incoming.rule)}});
  }
  // Merging into the empty state also normalises a received state (e.g. drops a "lost"
  // write that does not pass the lost-write test).
  FieldState merged = merge(row.state, incoming);
  if (!fresh && merged == row.state) return false;
  row.state = std::move(merged);
  row.dirty = true;
  return true;
}

bool is_deleted(const EntityFields& fields) {
  auto it = fields.find({"deleted", ""});
  return it != fields.end() && it->second.state.value == true;
}

}  // namespace werkex
