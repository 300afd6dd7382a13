#include "werkex/bundle.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "werkex/ids.hpp"

namespace werkex {

namespace {

json stamp_json(Stamp s) { return json::array({s.hlc.value, s.replica}); }

json stamps_json(const std::vector<Stamp>& v) {
  json a = json::array();
  for (auto& s : v) a.push_back(stamp_json(s));
  return a;
}

Error bad(const std::string& path, const std::string& what) {
  return make_error(WX_CORRUPT, "bundle: " + path + ": " + what);
}

Result<Stamp> parse_stamp(const json& j, const std::string& path) {
  if (!j.is_array() || j.size() != 2 || !j[0].is_number_unsigned() || !j[1].is_number_unsigned())
    return bad(path, "expected [hlc, replica] as two unsigned integers");
  return Stamp{Hlc{j[0].get<uint64_t>()}, j[1].get<uint64_t>()};
}

Result<std::vector<Stamp>> parse_stamps(const json& j, const std::string& path) {
  if (!j.is_array()) return bad(path, "expected an array of [hlc, replica]");
  std::vector<Stamp> out;
  out.reserve(j.size());
  for (size_t i = 0; i < j.size(); ++i) {
    WX_ASSIGN_OR_RETURN(Stamp s, parse_stamp(j[i], path + "[" + std::to_string(i) + "]"));
    out.push_back(s);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<std::string> required_string(const json& obj, const char* key, const std::string& path) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
    return bad(path + "." + key, "expected a non-empty string");
  return it->get<std::string>();
}

Status only_keys(const json& obj, std::initializer_list<const char*> keys, const std::string& path) {
  for (auto& [k, _] : obj.items()) {
    if (std::none_of(keys.begin(), keys.end(), [&](const char* allowed) { return k == allowed; }))
      return bad(path, "unknown key '" + k + "'");
  }
  return Status::ok();
}

Result<Change> parse_field(const json& f, const std::string& path) {
  if (!f.is_object()) return bad(path, "expected an object");
  WX_RETURN_IF_ERROR(only_keys(f, {"f", "k", "v", "s", "b", "l", "x", "a", "r"}, path));
  Change c;
  WX_ASSIGN_OR_RETURN(c.field, required_string(f, "f", path));
  std::string rule_name = "lww";
  if (f.contains("k")) {
    if (!f["k"].is_string()) return bad(path + ".k", "expected \"lww\", \"once\" or \"set\"");
    rule_name = f["k"].get<std::string>();
  }
  auto rule = merge_rule_from_name(rule_name);
  if (!rule) return bad(path + ".k", "unknown merge rule '" + rule_name + "'");
  c.state.rule = *rule;
  if (*rule == MergeRule::set) {
    if (!f.contains("x")) return bad(path + ".x", "a set change needs its element");
    if (f["x"].is_null()) return bad(path + ".x", "a set element cannot be null");
    c.element = f["x"];
    WX_ASSIGN_OR_RETURN(c.state.adds, parse_stamps(f.value("a", json::array()), path + ".a"));
    WX_ASSIGN_OR_RETURN(c.state.removed, parse_stamps(f.value("r", json::array()), path + ".r"));
    if (c.state.adds.empty()) return bad(path + ".a", "a set element needs at least one add");
    for (auto& s : c.state.removed)
      if (!std::binary_search(c.state.adds.begin(), c.state.adds.end(), s))
        return bad(path + ".r", "removes an add the element does not have");
    return c;
  }
  if (f.contains("x") || f.contains("a") || f.contains("r"))
    return bad(path, "x, a and r belong to set changes only");
  if (!f.contains("v")) return bad(path + ".v", "missing value");
  c.state.value = f["v"];
  if (!f.contains("s")) return bad(path + ".s", "missing stamp");
  WX_ASSIGN_OR_RETURN(c.state.stamp, parse_stamp(f["s"], path + ".s"));
  if (c.state.stamp.is_zero() || c.state.stamp.replica == 0)
    return bad(path + ".s", "a write needs a non-zero hlc and replica");
  if (f.contains("b")) {
    WX_ASSIGN_OR_RETURN(c.state.base, parse_stamp(f["b"], path + ".b"));
    if (!(c.state.base < c.state.stamp)) return bad(path + ".b", "base must be before the stamp");
  }
  if (f.contains("l")) {
    if (*rule != MergeRule::lww) return bad(path + ".l", "only lww fields keep a lost write");
    const json& l = f["l"];
    if (!l.is_object() || !l.contains("v") || !l.contains("s"))
      return bad(path + ".l", "expected {\"v\": value, \"s\": [hlc, replica]}");
    WX_RETURN_IF_ERROR(only_keys(l, {"v", "s"}, path + ".l"));
    WX_ASSIGN_OR_RETURN(Stamp ls, parse_stamp(l["s"], path + ".l.s"));
    c.state.lost = LostWrite{l["v"], ls};
  }
  return c;
}

}  // namespace

std::string element_key(const json& element) { return element.dump(); }

json bundle_to_json(const Bundle& b) {
  json entities = json::array();
  // Changes arrive grouped by entity from the store; group again defensively, keeping order.
  std::map<std::string, size_t> index;
  for (const Change& c : b.changes) {
    auto [it, fresh] = index.try_emplace(c.entity, entities.size());
    if (fresh)
      entities.push_back({{"id", c.entity}, {"type", c.type}, {"bucket", c.bucket}, {"fields", json::array()}});
    json f = {{"f", c.field}};
    const FieldState& s = c.state;
    if (s.rule == MergeRule::set) {
      f["k"] = "set";
      f["x"] = c.element;
      f["a"] = stamps_json(s.adds);
      if (!s.removed.empty()) f["r"] = stamps_json(s.removed);
    } else {
      if (s.rule == MergeRule::once) f["k"] = "once";
      f["v"] = s.value;
      f["s"] = stamp_json(s.stamp);
      if (!s.base.is_zero()) f["b"] = stamp_json(s.base);
      if (s.lost) f["l"] = {{"v", s.lost->value}, {"s", stamp_json(s.lost->stamp)}};
    }
    entities[it->second]["fields"].push_back(std::move(f));
  }
  return {{"werkex", "bundle"}, {"v", 1},          {"schema", b.schema_version},
          {"from", replica_to_hex(b.from_replica)}, {"since", b.since_seq},
          {"upto", b.upto_seq},  {"entities", std::move(entities)}};
}

Result<Bundle> bundle_from_json(const json& doc) {
  if (!doc.is_object() || doc.value("werkex", "") != "bundle")
    return bad("document", "not a werkex bundle (missing \"werkex\": \"bundle\")");
  WX_RETURN_IF_ERROR(only_keys(doc, {"werkex", "v", "schema", "from", "since", "upto", "entities"}, "document"));
  if (!doc.contains("v") || doc["v"] != 1) return bad("v", "unsupported bundle version (this build reads 1)");
  Bundle b;
  if (!doc.contains("schema") || !doc["schema"].is_number_integer()) return bad("schema", "expected an integer");
  b.schema_version = doc["schema"].get<int>();
  auto from = replica_from_hex(doc.value("from", ""));
  if (!from || *from == 0) return bad("from", "expected a replica id of 16 hex digits");
  b.from_replica = *from;
  for (const char* k : {"since", "upto"})
    if (!doc.contains(k) || !doc[k].is_number_unsigned()) return bad(k, "expected an unsigned integer");
  b.since_seq = doc["since"].get<uint64_t>();
  b.upto_seq = doc["upto"].get<uint64_t>();
  if (b.upto_seq < b.since_seq) return bad("upto", "smaller than since");
  const json& entities = doc.value("entities", json());
  if (!entities.is_array()) return bad("entities", "expected an array");
  for (size_t i = 0; i < entities.size(); ++i) {
    std::string path = "entities[" + std::to_string(i) + "]";
    const json& e = entities[i];
    if (!e.is_object()) return bad(path, "expected an object");
    WX_RETURN_IF_ERROR(only_keys(e, {"id", "type", "bucket", "fields"}, path));
    WX_ASSIGN_OR_RETURN(std::string id, required_string(e, "id", path));
    if (!is_valid_entity_id(id)) return bad(path + ".id", "not an entity id (UUID)");
    WX_ASSIGN_OR_RETURN(std::string type, required_string(e, "type", path));
    WX_ASSIGN_OR_RETURN(std::string bucket, required_string(e, "bucket", path));
    const json& fields = e.value("fields", json());
    if (!fields.is_array()) return bad(path + ".fields", "expected an array");
    for (size_t j = 0; j < fields.size(); ++j) {
      WX_ASSIGN_OR_RETURN(Change c, parse_field(fields[j], path + ".fields[" + std::to_string(j) + "]"));
      c.entity = id;
      c.type = type;
      c.bucket = bucket;
      b.changes.push_back(std::move(c));
    }
  }
  return b;
}

Result<Bundle> bundle_from_text(std::string_view text) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) return bad("document", "not valid JSON (or not valid UTF-8)");
  return bundle_from_json(doc);
}

}  // namespace werkex
