// Received changes as the entity engine merges them (entity_engine.hpp: merge_received): each
// change checked against the schema and the clock's bound and merged into its entity's field
// states; an entity the dossier's rules refuse as a whole is refused with all its changes.
// And the two steps between a merged entity and its change feed: take_seq before it is
// stored, append_changes when its fields are sent.
#include <algorithm>

#include "dossier_rules.hpp"
#include "entity_rows.hpp"
#include "werkex/ids.hpp"

namespace werkex {

namespace {

// Checks a received change against the schema. Types and fields unknown to this build come
// from a newer schema: they are kept and passed on, never dropped.
Status validate_change(const Schema& schema, const Change& c) {
  // Built only when a change is refused: most pass, and it showed in apply profiles.
  auto where = [&c] { return "entity " + c.entity + " field '" + c.field + "'"; };
  if (!is_field_name(c.field)) return invalid_at(where(), "not a valid field name");
  if (c.field == "deleted") {
    if (c.state.rule != MergeRule::lww || !(c.state.value.is_boolean() || c.state.value.is_null()))
      return invalid_at(where(), "a tombstone is an lww boolean");
    return Status::ok();
  }
  if (is_reserved_field_name(c.field)) return invalid_at(where(), "reserved name");
  // Whatever the schema says, every value must be storable as it came: valid UTF-8, finite
  // numbers, not too deep, and a set element must read back from its stored key as itself.
  for (const json* v : {&c.state.value, &c.element}) {
    Status s = check_json_value(*v);
    if (!s) return invalid_at(where(), s.error().message);
  }
  for (const LostWrite& l : c.state.lost) {
    Status s = check_json_value(l.value);
    if (!s) return invalid_at(where(), s.error().message);
  }
  if (c.state.rule == MergeRule::set) {
    if (c.element.is_null()) return invalid_at(where(), "a set element cannot be null");
    if (!element_key_round_trips(c.element))
      return invalid_at(where(), "the set element " + element_key(c.element) +
                                     " does not read back as itself from its JSON text");
  }
  const TypeSpec* t = schema.type(c.type);
  const FieldSpec* f = t ? t->field(c.field) : nullptr;
  if (!f) return Status::ok();  // not ours to interpret, but safe to store and pass on
  if (f->rule() != c.state.rule)
    return invalid_at(where(), std::string("merges as ") + merge_rule_name(f->rule()) +
                                   ", the change says " + merge_rule_name(c.state.rule));
  auto check = [&](const json& v) -> Status {
    Status s = schema.validate_value(*f, v);
    if (!s) return make_error(s.code(), "entity " + c.entity + ": " + s.error().message);
    return Status::ok();
  };
  if (c.state.rule == MergeRule::set) return check(c.element);
  WX_RETURN_IF_ERROR(check(c.state.value));
  for (const LostWrite& l : c.state.lost) WX_RETURN_IF_ERROR(check(l.value));
  return Status::ok();
}

}  // namespace

Result<ReceivedEntity> merge_received(ReceiveContext& cx, std::optional<StoredEntity> stored,
                                      const std::vector<const Change*>& changes,
                                      ApplyReport& report) {
  ReceivedEntity out;
  if (changes.empty()) return out;
  const Change& first = *changes.front();
  const std::string& id = first.entity;
  if (!is_valid_entity_id(id) || first.type.empty() || first.bucket.empty() ||
      !is_valid_utf8(first.type) || !is_valid_utf8(first.bucket)) {
    for (const Change* c : changes)
      report.rejected.push_back(
          {c->entity, c->field,
           invalid_at("entity " + id, "needs a UUID id, a type and a bucket")});
    return out;
  }
  auto& [h, fields] = out.entity;
  if (stored) {
    out.entity = std::move(*stored);
  } else {
    h = EntityHeader{id, first.type, first.bucket, false};
  }
  bool changed = false;
  bool exactly_server_state = cx.from_server;
  const size_t applied_before = report.applied, unchanged_before = report.unchanged;
  for (const Change* c : changes) {
    auto reject = [&](Error e) { report.rejected.push_back({c->entity, c->field, std::move(e)}); };
    if (c->type != h.type || c->bucket != h.bucket) {
      reject(make_error(WX_CONFLICT, "entity " + id + " is a " + h.type + " in " + h.bucket +
                                         "; the change says " + c->type + " in " + c->bucket));
      continue;
    }
    if (Status s = validate_change(cx.schema, *c); !s) {
      reject(s.error());
      continue;
    }
    if (Status s = cx.clock.observe(c->state.max_stamp().hlc, cx.max_skew_ms); !s) {
      reject(s.error());
      continue;
    }
    auto r = merge_into(fields, c->field, c->element, c->state);
    if (!r) {
      reject(r.error());
      continue;
    }
    (*r ? report.applied : report.unchanged)++;
    changed |= *r;
    if (*r && exactly_server_state) {
      // If merging kept something the server's state lacks (a local write it has not seen),
      // this update must still be pushed.
      std::string elem = c->state.rule == MergeRule::set ? element_key(c->element) : std::string();
      auto it = fields.find({c->field, elem});
      exactly_server_state =
          it != fields.end() && it->second.state == merge(empty_state(c->state.rule), c->state);
    }
  }
  if (!changed) return out;
  h.deleted = is_deleted(fields);
  if (Status whole = check_received_entity(h, fields); !whole) {
    // Nothing of this entity is stored; its changes are refused together.
    report.applied = applied_before;
    report.unchanged = unchanged_before;
    std::erase_if(report.rejected, [&](const RejectedChange& r) { return r.entity == id; });
    for (const Change* c : changes) report.rejected.push_back({c->entity, c->field, whole.error()});
    return out;
  }
  out.changed = true;
  out.exactly_server_state = exactly_server_state;
  return out;
}

SeqTaken take_seq(EntityFields& fields, uint64_t seq) {
  SeqTaken out;
  std::vector<uint64_t>& replaced = out.no_longer_carried;
  for (auto& [key, row] : fields) {
    if (!row.dirty) continue;
    if (row.seq) replaced.push_back(row.seq);
    row.seq = seq;
    row.dirty = false;
    out.top = std::max(out.top, row.state.max_stamp().hlc);
  }
  std::sort(replaced.begin(), replaced.end());
  replaced.erase(std::unique(replaced.begin(), replaced.end()), replaced.end());
  std::erase_if(replaced, [&](uint64_t old) {
    return std::any_of(fields.begin(), fields.end(),
                       [&](auto& kv) { return kv.second.seq == old; });
  });
  return out;
}

void append_changes(const EntityHeader& header, EntityFields&& fields,
                    const std::vector<Stamp>& known, std::vector<Change>& out, uint64_t only_seq) {
  for (auto& [key, f] : fields) {
    if (only_seq && f.seq != only_seq) continue;
    if (known_to(f.state, known)) continue;
    out.push_back(Change{header.id, header.type, header.bucket, key.first, std::move(f.element),
                         std::move(f.state)});
  }
}

}  // namespace werkex
