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

// One member of an entity's document, as views into the header and the field rows.
struct DocMember {
  enum class Kind { quoted, raw, json_value, set_items };
  std::string_view key;
  Kind kind = Kind::raw;
  std::string_view text;        // quoted: a string to quote; raw: JSON text as it is
  const json* value = nullptr;  // json_value: a register's value
  EntityFields::const_iterator first{}, last{};  // set_items: the set's element rows

  static DocMember quoted(std::string_view key, std::string_view s) {
    return {key, Kind::quoted, s};
  }
  static DocMember raw(std::string_view key, std::string_view text) {
    return {key, Kind::raw, text};
  }
  static DocMember of_value(std::string_view key, const json& v) {
    DocMember m{key, Kind::json_value, {}};
    m.value = &v;
    return m;
  }
  static DocMember of_set(std::string_view key, EntityFields::const_iterator first,
                          EntityFields::const_iterator last) {
    DocMember m{key, Kind::set_items, {}};
    m.first = first;
    m.last = last;
    return m;
  }
};

void append_member_value(std::string& out, const DocMember& m) {
  switch (m.kind) {
    case DocMember::Kind::quoted:
      append_string(out, m.text);
      return;
    case DocMember::Kind::raw:
      out += m.text;
      return;
    case DocMember::Kind::json_value:
      if (m.value->is_string())
        append_string(out, m.value->get_ref<const std::string&>());
      else
        out += m.value->dump(-1, ' ', false, json::error_handler_t::replace);
      return;
    case DocMember::Kind::set_items: {
      char sep = '[';
      for (auto it = m.first; it != m.last; ++it) {
        if (!it->second.state.present()) continue;
        out += sep;
        sep = ',';
        out += it->first.second;
      }
      out += ']';
      return;
    }
  }
}

// {"key":value,...} with the members sorted by key, as json::dump() prints an object.
std::string write_members(std::vector<DocMember>& members) {
  std::sort(members.begin(), members.end(),
            [](const DocMember& a, const DocMember& b) { return a.key < b.key; });
  std::string out;
  out.reserve(256);
  out += '{';
  for (size_t i = 0; i < members.size(); ++i) {
    if (i) out += ',';
    append_string(out, members[i].key);
    out += ':';
    append_member_value(out, members[i]);
  }
  out += '}';
  return out;
}

}  // namespace

// Deterministic in the field states alone, so replicas holding the same states hold the
// same bytes: fields come in (name, element key) order and members are sorted by key.
// Members are collected as views and written straight into the text: no string per member.
std::string build_doc_text(const EntityHeader& h, const EntityFields& fields) {
  std::vector<DocMember> members;
  members.reserve(fields.size() + 4);
  members.push_back(DocMember::quoted("id", h.id));
  members.push_back(DocMember::quoted("type", h.type));
  if (h.deleted) {
    members.push_back(DocMember::raw("deleted", "true"));
    return write_members(members);
  }
  members.push_back(DocMember::quoted("bucket", h.bucket));
  ObjectText conflicts;
  bool any_conflict = false;
  for (auto it = fields.begin(); it != fields.end();) {
    const std::string& name = it->first.first;
    const FieldState& s = it->second.state;
    if (s.rule == MergeRule::set) {
      // All elements of one set are adjacent and ordered by their key, their JSON text.
      const auto first = it;
      bool any = false;
      for (; it != fields.end() && it->first.first == name; ++it) any |= it->second.state.present();
      if (any && name != "deleted") members.push_back(DocMember::of_set(name, first, it));
      continue;
    }
    if (name != "deleted") {
      if (!s.value.is_null()) members.push_back(DocMember::of_value(name, s.value));
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
  std::string conflicts_text;
  if (any_conflict) {
    conflicts_text = conflicts.str();
    members.push_back(DocMember::raw("_conflicts", conflicts_text));
  }
  return write_members(members);
}

}  // namespace werkex
