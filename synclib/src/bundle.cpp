#include "werkex/bundle.hpp"

#include <algorithm>
#include <climits>
#include <map>
#include <tuple>

#include "werkex/ids.hpp"
#include "werkex/schema.hpp"

namespace werkex {

namespace {

json stamp_json(Stamp s) {
  return json::array({s.hlc.value, s.replica});
}

json stamps_json(const std::vector<Stamp>& v) {
  json a = json::array();
  for (auto& s : v) a.push_back(stamp_json(s));
  return a;
}

// Parse errors carry a path relative to the part being parsed ("s: expected …"); callers
// prefix their own position only on failure, so the happy path builds no path strings.
Error bad(std::string_view path, const std::string& what) {
  return make_error(WX_CORRUPT, std::string(path) + ": " + what);
}

Error prefixed(const std::string& prefix, const Error& e) {
  bool relative_to_root = !e.message.empty() && e.message[0] == ':';
  return make_error(e.code, prefix + (relative_to_root ? "" : ".") + e.message);
}

// An integer that an int holds (get<int>() of anything else would change its value).
bool fits_int(const json& v) {
  if (v.is_number_unsigned()) return v.get<uint64_t>() <= uint64_t(INT_MAX);
  return v.is_number_integer() && v.get<int64_t>() >= INT_MIN && v.get<int64_t>() <= INT_MAX;
}

const json* member(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

bool parse_stamp(const json& j, Stamp& out) {
  if (!j.is_array() || j.size() != 2 || !j[0].is_number_unsigned() || !j[1].is_number_unsigned() ||
      !Hlc::is_valid_value(j[0].get<uint64_t>()))
    return false;
  out = Stamp{Hlc{j[0].get<uint64_t>()}, j[1].get<uint64_t>()};
  return true;
}

constexpr const char* kStampShape =
    "expected [hlc, replica] as two unsigned integers, the hlc below 2^63";

Status parse_stamps(const json* j, const char* key, std::vector<Stamp>& out) {
  if (!j) return Status::ok();
  if (!j->is_array()) return bad(key, "expected an array of [hlc, replica]");
  out.resize(j->size());
  for (size_t i = 0; i < j->size(); ++i)
    if (!parse_stamp((*j)[i], out[i]))
      return bad(std::string(key) + "[" + std::to_string(i) + "]", kStampShape);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return Status::ok();
}

Result<std::string> required_string(const json& obj, const char* key) {
  const json* v = member(obj, key);
  if (!v || !v->is_string() || v->get_ref<const std::string&>().empty())
    return bad(key, "expected a non-empty string");
  return v->get<std::string>();
}

Status only_keys(const json& obj, std::initializer_list<const char*> keys, std::string_view path) {
  if (obj.size() <= keys.size()) {
    bool all_known = true;
    for (const auto& item : obj.items()) {  // no structured binding: lambdas capture it
      const std::string& k = item.key();    // only from clang 16 on (the fuzz build)
      all_known =
          all_known && std::any_of(keys.begin(), keys.end(), [&](const char* a) { return k == a; });
    }
    if (all_known) return Status::ok();
  }
  for (const auto& item : obj.items()) {
    const std::string& k = item.key();
    if (std::none_of(keys.begin(), keys.end(), [&](const char* a) { return k == a; }))
      return bad(path, "unknown key '" + k + "'");
  }
  return Status::ok();
}

}  // namespace

Status field_from_json(const json& f, Change& c, uint64_t* seq) {
  if (!f.is_object()) return bad("", "expected an object");
  if (seq) {
    const json* q = member(f, "q");
    if (!q || !q->is_number_unsigned()) return bad("q", "expected the local sequence number");
    *seq = q->get<uint64_t>();
    WX_RETURN_IF_ERROR(only_keys(f, {"f", "k", "v", "s", "b", "c", "l", "x", "a", "r", "q"}, ""));
  } else {
    WX_RETURN_IF_ERROR(only_keys(f, {"f", "k", "v", "s", "b", "c", "l", "x", "a", "r"}, ""));
  }
  WX_ASSIGN_OR_RETURN(c.field, required_string(f, "f"));
  MergeRule rule = MergeRule::lww;
  if (const json* k = member(f, "k")) {
    auto r = k->is_string() ? merge_rule_from_name(k->get_ref<const std::string&>()) : std::nullopt;
    if (!r)
      return bad("k",
                 "unknown merge rule " + k->dump() + " (expected \"lww\", \"once\" or \"set\")");
    rule = *r;
  }
  c.state.rule = rule;
  const json* x = member(f, "x");
  if (rule == MergeRule::set) {
    if (!x) return bad("x", "a set change needs its element");
    if (x->is_null()) return bad("x", "a set element cannot be null");
    c.element = *x;
    WX_RETURN_IF_ERROR(parse_stamps(member(f, "a"), "a", c.state.adds));
    WX_RETURN_IF_ERROR(parse_stamps(member(f, "r"), "r", c.state.removed));
    return check_received_state(c);
  }
  if (x || member(f, "a") || member(f, "r"))
    return bad("", "x, a and r belong to set changes only");
  const json* v = member(f, "v");
  if (!v) return bad("v", "missing value");
  c.state.value = *v;
  const json* s = member(f, "s");
  if (!s) return bad("s", "missing stamp");
  if (!parse_stamp(*s, c.state.stamp)) return bad("s", kStampShape);
  // "b" (a base stamp) and "l" as one object come from builds before causal contexts; their
  // lost write cannot be placed causally, so such a state reads as its winning write alone.
  if (rule != MergeRule::lww && (member(f, "l") || member(f, "c")))
    return bad("", "only lww fields keep lost writes and a context");
  const json* l = member(f, "l");
  if (l && !l->is_object()) {
    if (!l->is_array()) return bad("l", "expected an array of lost writes");
    for (size_t i = 0; i < l->size(); ++i) {
      const json& w = (*l)[i];
      std::string at = "l[" + std::to_string(i) + "]";
      const json* lv = w.is_object() ? member(w, "v") : nullptr;
      const json* ls = w.is_object() ? member(w, "s") : nullptr;
      if (!lv || !ls) return bad(at, "expected {\"v\": value, \"s\": [hlc, replica]}");
      WX_RETURN_IF_ERROR(only_keys(w, {"v", "s"}, at));
      LostWrite& lost = c.state.lost.emplace_back(LostWrite{*lv, {}});
      if (!parse_stamp(*ls, lost.stamp)) return bad(at + ".s", kStampShape);
    }
  }
  if (const json* ctx = member(f, "c")) WX_RETURN_IF_ERROR(parse_stamps(ctx, "c", c.state.context));
  return check_received_state(c);
}

Status check_received_state(Change& c) {
  FieldState& s = c.state;
  if (s.rule == MergeRule::set) {
    if (c.element.is_null()) return bad("x", "a set element cannot be null");
    if (s.adds.empty()) return bad("a", "a set element needs at least one add");
    for (auto& r : s.removed)
      if (!std::binary_search(s.adds.begin(), s.adds.end(), r))
        return bad("r", "removes an add the element does not have");
    return Status::ok();
  }
  if (s.rule != MergeRule::lww && (!s.lost.empty() || !s.context.empty()))
    return bad("", "only lww fields keep lost writes and a context");
  if (Status n = normalise_register(s); !n) return bad("", n.error().message);
  return Status::ok();
}

std::string element_key(const json& element) {
  return element.dump();
}

bool element_key_round_trips(const json& element) {
  if (!check_json_value(element)) return false;  // dump() would throw on invalid UTF-8
  // Valid UTF-8 text prints as a JSON string that parses back to the same text.
  if (element.is_string()) return true;
  std::string key = element_key(element);
  json back = json::parse(key, nullptr, false);
  return !back.is_discarded() && back == element && element_key(back) == key;
}

json field_to_json(const Change& c) {
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
    if (!s.lost.empty()) {
      json& l = f["l"] = json::array();
      for (const LostWrite& w : s.lost) l.push_back({{"v", w.value}, {"s", stamp_json(w.stamp)}});
    }
    if (json c = stamps_json(explicit_context(s)); !c.empty()) f["c"] = std::move(c);
  }
  return f;
}

json bundle_to_json(const Bundle& b) {
  json entities = json::array();
  // Changes arrive grouped by entity from the store; group again defensively, keeping order.
  std::map<std::string, size_t> index;
  for (const Change& c : b.changes) {
    auto [it, fresh] = index.try_emplace(c.entity, entities.size());
    if (fresh)
      entities.push_back(
          {{"id", c.entity}, {"type", c.type}, {"bucket", c.bucket}, {"fields", json::array()}});
    entities[it->second]["fields"].push_back(field_to_json(c));
  }
  json out = {{"werkex", "bundle"},
              {"v", 1},
              {"schema", b.schema_version},
              {"from", replica_to_hex(b.from_replica)},
              {"since", b.since_seq},
              {"upto", b.upto_seq},
              {"entities", std::move(entities)}};
  if (!b.knowledge.empty()) out["knows"] = stamps_json(b.knowledge);
  return out;
}

// "knows": one [hlc, replica] per replica, sorted by replica.
static Status parse_knowledge(const json* j, std::vector<Stamp>& out) {
  if (!j) return Status::ok();
  if (Status s = parse_stamps(j, "knows", out); !s) return bad("bundle", s.error().message);
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.replica < b.replica; });
  for (size_t i = 1; i < out.size(); ++i)
    if (out[i].replica == out[i - 1].replica)
      return bad("bundle: knows", "names replica " + replica_to_hex(out[i].replica) + " twice");
  return Status::ok();
}

Result<Bundle> bundle_from_json(const json& doc) {
  // Root, entities, entity, fields, field: values inside may nest kMaxJsonDepth deep.
  if (Status s = check_json_value(doc, kMaxJsonDepth + 5); !s)
    return bad("bundle", s.error().message);
  if (!doc.is_object() || !doc.contains("werkex") || doc["werkex"] != "bundle")
    return bad("bundle", "not a werkex bundle (missing \"werkex\": \"bundle\")");
  WX_RETURN_IF_ERROR(only_keys(
      doc, {"werkex", "v", "schema", "from", "since", "upto", "entities", "knows"}, "bundle"));
  const json* v = member(doc, "v");
  if (!v || *v != 1) return bad("bundle: v", "unsupported bundle version (this build reads 1)");
  Bundle b;
  const json* schema = member(doc, "schema");
  if (!schema || !fits_int(*schema)) return bad("bundle: schema", "expected an integer");
  b.schema_version = schema->get<int>();
  const json* from = member(doc, "from");
  auto replica = from && from->is_string() ? replica_from_hex(from->get_ref<const std::string&>())
                                           : std::nullopt;
  if (!replica || *replica == 0)
    return bad("bundle: from", "expected a replica id of 16 hex digits");
  b.from_replica = *replica;
  for (auto [key, out] : {std::pair{"since", &b.since_seq}, {"upto", &b.upto_seq}}) {
    const json* n = member(doc, key);
    if (!n || !n->is_number_unsigned())
      return bad(std::string("bundle: ") + key, "expected an unsigned integer");
    *out = n->get<uint64_t>();
  }
  if (b.upto_seq < b.since_seq) return bad("bundle: upto", "smaller than since");
  WX_RETURN_IF_ERROR(parse_knowledge(member(doc, "knows"), b.knowledge));
  const json* entities = member(doc, "entities");
  if (!entities || !entities->is_array()) return bad("bundle: entities", "expected an array");
  size_t total = 0;
  for (const json& e : *entities)
    if (const json* f = e.is_object() ? member(e, "fields") : nullptr)
      total += f->is_array() ? f->size() : 0;
  b.changes.reserve(total);
  for (size_t i = 0; i < entities->size(); ++i) {
    const json& e = (*entities)[i];
    auto at = [&] { return "bundle: entities[" + std::to_string(i) + "]"; };
    if (!e.is_object()) return bad(at(), "expected an object");
    if (Status s = only_keys(e, {"id", "type", "bucket", "fields"}, ""); !s)
      return prefixed(at(), s.error());
    auto id = required_string(e, "id");
    if (!id) return prefixed(at(), id.error());
    if (!is_valid_entity_id(*id)) return bad(at() + ".id", "not an entity id (UUID)");
    auto type = required_string(e, "type");
    if (!type) return prefixed(at(), type.error());
    auto bucket = required_string(e, "bucket");
    if (!bucket) return prefixed(at(), bucket.error());
    const json* fields = member(e, "fields");
    if (!fields || !fields->is_array()) return bad(at() + ".fields", "expected an array");
    for (size_t j = 0; j < fields->size(); ++j) {
      Change& c = b.changes.emplace_back();
      if (Status s = field_from_json((*fields)[j], c); !s)
        return prefixed(at() + ".fields[" + std::to_string(j) + "]", s.error());
      c.entity = *id;
      c.type = *type;
      c.bucket = *bucket;
    }
  }
  return b;
}

Result<Bundle> bundle_from_text(std::string_view text) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) return bad("bundle", "not valid JSON (or not valid UTF-8)");
  return bundle_from_json(doc);
}

}  // namespace werkex
