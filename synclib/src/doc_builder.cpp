// The text the store keeps per entity: its document (for queries, get and dump) and its
// field states. Both are written by hand rather than through nlohmann::json objects: they
// are rebuilt on every change of an entity, and building a tree only to print it again
// was most of the cost of applying a batch. The output is what json::dump() prints for the
// same content (keys sorted, no spaces), so documents stay canonical.
#include <algorithm>

#include "replica_impl.hpp"
#include "werkex/ids.hpp"

namespace werkex {

namespace {

void append_string(std::string& out, std::string_view s) {
  bool plain = std::all_of(s.begin(), s.end(), [](char c) {
    return c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20;
  });
  if (plain) {
    out += '"';
    out += s;
    out += '"';
  } else {
    out += json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
  }
}

// Plain strings (the common field value) are copied between quotes; the rest is dumped.
std::string value_text(const json& v) {
  std::string out;
  if (v.is_string())
    append_string(out, v.get_ref<const std::string&>());
  else
    out = v.dump(-1, ' ', false, json::error_handler_t::replace);
  return out;
}

// Members of a JSON object as (key, value text), printed in key order.
class ObjectText {
 public:
  void add(std::string key, std::string value_text) {
    members_.emplace_back(std::move(key), std::move(value_text));
  }
  std::string str() {
    std::sort(members_.begin(), members_.end(), [](auto& a, auto& b) { return a.first < b.first; });
    size_t size = 2;
    for (auto& [key, text] : members_) size += key.size() + text.size() + 4;
    std::string out;
    out.reserve(size);
    out += '{';
    for (size_t i = 0; i < members_.size(); ++i) {
      if (i) out += ',';
      append_string(out, members_[i].first);
      out += ':';
      out += members_[i].second;
    }
    out += '}';
    return out;
  }

 private:
  std::vector<std::pair<std::string, std::string>> members_;
};

// {"at":…,"replaced_by":…,"replica":…,"value":…}, its keys written in sorted order.
void append_lost_write(std::string& out, const LostWrite& l, uint64_t replaced_by) {
  out += "{\"at\":\"";
  out += hlc_to_string(l.stamp.hlc);
  out += "\",\"replaced_by\":\"";
  out += replica_to_hex(replaced_by);
  out += "\",\"replica\":\"";
  out += replica_to_hex(l.stamp.replica);
  out += "\",\"value\":";
  out += value_text(l.value);
  out += '}';
}

std::string json_quoted(std::string_view s) {
  std::string out;
  append_string(out, s);
  return out;
}

}  // namespace

// Deterministic in the field states alone, so replicas holding the same states hold the
// same bytes: fields come in (name, element key) order and members are sorted by key.
std::string build_doc_text(const EntityHeader& h, const EntityFields& fields) {
  ObjectText doc;
  doc.add("id", json_quoted(h.id));
  doc.add("type", json_quoted(h.type));
  if (h.deleted) {
    doc.add("deleted", "true");
    return doc.str();
  }
  doc.add("bucket", json_quoted(h.bucket));
  ObjectText conflicts;
  bool any_conflict = false;
  for (auto it = fields.begin(); it != fields.end();) {
    const std::string& name = it->first.first;
    const FieldState& s = it->second.state;
    if (s.rule == MergeRule::set) {
      // All elements of one set are adjacent and ordered by their key, their JSON text.
      std::string items;
      for (; it != fields.end() && it->first.first == name; ++it) {
        if (!it->second.state.present()) continue;
        items += items.empty() ? "[" : ",";
        items += it->first.second;
      }
      if (!items.empty() && name != "deleted") doc.add(name, items + "]");
      continue;
    }
    if (name != "deleted") {
      if (!s.value.is_null()) doc.add(name, value_text(s.value));
      if (!s.lost.empty()) {
        // Most recent first: what an app shows as "replaced by …", and restores by default.
        std::string list = "[";
        for (auto l = s.lost.rbegin(); l != s.lost.rend(); ++l) {
          list += list.size() > 1 ? "," : "";
          append_lost_write(list, *l, s.stamp.replica);
        }
        conflicts.add(name, list + "]");
        any_conflict = true;
      }
    }
    ++it;
  }
  if (any_conflict) doc.add("_conflicts", conflicts.str());
  return doc.str();
}

}  // namespace werkex
