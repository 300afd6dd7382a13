// The trash (werkex/trash.hpp): deleted entries listed from their field states, restored by
// Replica::undelete within kTrashDays of the delete.
#include "werkex/trash.hpp"
#include "werkex/messages.hpp"

#include <algorithm>

namespace werkex {

namespace {

// The stamp of the entity's tombstone, from its field states (nullopt: not deleted).
std::optional<Stamp> deleted_stamp(const std::vector<Change>& states) {
  for (const Change& c : states)
    if (c.field == "deleted" && c.state.value == true) return c.state.stamp;
  return std::nullopt;
}

// A line that tells the entry apart: the first text field it has, shortened.
std::string summary_of(const std::vector<Change>& states) {
  for (const char* name : {"title", "name", "description", "note", "body", "summary",
                           "learning_goals", "red_thread", "kind", "occurred_at"})
    for (const Change& c : states)
      if (c.field == name && c.state.value.is_string()) {
        std::string s = c.state.value.get<std::string>();
        if (s.size() <= 80) return s;
        size_t cut = 80;
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
        return s.substr(0, cut) + "…";
      }
  return "";
}

bool in_trash_kind(const Replica& r, const std::string& type) {
  if (type == "blob" || type == "signoff") return false;
  const TypeSpec* t = r.schema().type(type);
  const std::string& role = r.identity().role;
  return t && std::find(t->write_roles.begin(), t->write_roles.end(), role) != t->write_roles.end();
}

}  // namespace

json TrashEntry::to_json() const {
  return {{"id", id},
          {"type", type},
          {"bucket", bucket},
          {"deleted_at", deleted_at},
          {"restorable_until", restorable_until},
          {"summary", summary}};
}

json trash_json(const std::vector<TrashEntry>& entries) {
  json out = json::array();
  for (const TrashEntry& e : entries) out.push_back(e.to_json());
  return out;
}

Result<std::vector<TrashEntry>> trash(Replica& replica) {
  const uint64_t now = replica.clock().physical_millis();
  const Identity& me = replica.identity();
  Query q;
  q.include_deleted = true;
  if (me.role == "pupil") q.bucket = me.bucket;
  // The deleted ones first (a deleted entity's document is just id and type), then their
  // states, outside the scan's statement.
  std::vector<std::string> ids;
  WX_RETURN_IF_ERROR(replica.scan(q, [&](std::string_view text) {
    json doc = json::parse(text, nullptr, false);
    if (!doc.is_discarded() && doc.value("deleted", false) == true &&
        in_trash_kind(replica, doc.value("type", "")))
      ids.push_back(doc.value("id", ""));
    return true;
  }));
  std::vector<std::pair<uint64_t, TrashEntry>> found;
  for (const std::string& id : ids) {
    WX_ASSIGN_OR_RETURN(auto states, replica.field_states(id));
    auto stamp = deleted_stamp(states);
    if (!stamp || stamp->hlc.millis() + kTrashMillis < now) continue;
    const uint64_t at = stamp->hlc.millis();
    const Change& any = states.front();
    found.push_back({at,
                     {id, any.type, any.bucket, rfc3339_utc(at), rfc3339_utc(at + kTrashMillis),
                      summary_of(states)}});
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<TrashEntry> out;
  for (auto& [_, e] : found) out.push_back(std::move(e));
  return out;
}

Status restore(Replica& replica, const std::string& id) {
  WX_ASSIGN_OR_RETURN(auto states, replica.field_states(id));
  auto stamp = deleted_stamp(states);
  const std::string type = states.empty() ? "" : states.front().type;
  if (!stamp) return error_of(WX_CONFLICT, Msg::entity_not_deleted, {{"type", type}, {"id", id}});
  if (stamp->hlc.millis() + kTrashMillis < replica.clock().physical_millis())
    return error_of(WX_CONFLICT, Msg::trash_too_old,
                    {{"type", type}, {"id", id}, {"days", std::to_string(kTrashDays)}});
  return replica.undelete(id);
}

}  // namespace werkex
