#include "replica_impl.hpp"
#include "werkex/ids.hpp"

namespace werkex {

// Deterministic in the rows alone, so replicas holding the same rows hold the same bytes:
// fields come in (name, element key) order and nlohmann's objects sort their keys.
json build_doc(const EntityHeader& h, const EntityFields& fields) {
  if (h.deleted) return {{"id", h.id}, {"type", h.type}, {"deleted", true}};
  json doc = {{"id", h.id}, {"type", h.type}, {"bucket", h.bucket}};
  json conflicts = json::object();
  for (const auto& [key, row] : fields) {
    const std::string& name = key.first;
    if (name == "deleted") continue;
    const FieldState& s = row.state;
    if (s.rule == MergeRule::set) {
      if (s.present()) doc[name].push_back(row.element);
      continue;
    }
    if (!s.value.is_null()) doc[name] = s.value;
    if (s.lost) {
      conflicts[name] = {{"value", s.lost->value},
                         {"replica", replica_to_hex(s.lost->stamp.replica)},
                         {"at", hlc_to_string(s.lost->stamp.hlc)},
                         {"replaced_by", replica_to_hex(s.stamp.replica)}};
    }
  }
  if (!conflicts.empty()) doc["_conflicts"] = std::move(conflicts);
  return doc;
}

}  // namespace werkex
