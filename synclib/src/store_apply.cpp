// Received bundles (apply): each change checked against the schema and the clock's bound,
// merged into its entity's rows and stored in one transaction; and restamp_ahead, which gives
// this replica's never-shared stamps from a clock that ran ahead fresh ones.
#include <algorithm>
#include <map>
#include <unordered_map>

#include "dossier_rules.hpp"
#include "replica_impl.hpp"
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

Result<ApplyReport> Replica::apply(const Bundle& bundle, const ApplyOptions& options) {
  Impl& impl = *impl_;
  ApplyReport report;
  report.received = bundle.changes.size();
  // Group by entity, keeping arrival order within each entity.
  // Bundles list an entity's changes together; a hash index keeps any stragglers with them.
  std::vector<std::pair<std::string_view, std::vector<const Change*>>> by_entity;
  std::unordered_map<std::string_view, size_t> group_of;
  group_of.reserve(bundle.changes.size() / 4 + 1);
  for (const Change& c : bundle.changes) {
    auto [it, fresh] = group_of.try_emplace(c.entity, by_entity.size());
    if (fresh) by_entity.emplace_back(c.entity, std::vector<const Change*>{});
    by_entity[it->second].second.push_back(&c);
  }

  std::vector<ChangeEvent> events;
  WX_ASSIGN_OR_RETURN(auto tx, impl.begin_write());
  for (auto& [id_view, changes] : by_entity) {
    const std::string& id = changes.front()->entity;
    const Change& first = *changes.front();
    if (!is_valid_entity_id(id) || first.type.empty() || first.bucket.empty() ||
        !is_valid_utf8(first.type) || !is_valid_utf8(first.bucket)) {
      for (const Change* c : changes)
        report.rejected.push_back(
            {c->entity, c->field,
             invalid_at("entity " + id, "needs a UUID id, a type and a bucket")});
      continue;
    }
    WX_ASSIGN_OR_RETURN(auto found, impl.load_entity(id));
    EntityHeader h = found
                         ? std::move(found->first)
                         : EntityHeader{id, changes.front()->type, changes.front()->bucket, false};
    EntityFields fields = found ? std::move(found->second) : EntityFields{};
    bool changed = false;
    bool exactly_server_state = options.from_server;
    const size_t applied_before = report.applied, unchanged_before = report.unchanged;
    for (const Change* c : changes) {
      auto reject = [&](Error e) {
        report.rejected.push_back({c->entity, c->field, std::move(e)});
      };
      if (c->type != h.type || c->bucket != h.bucket) {
        reject(make_error(WX_CONFLICT, "entity " + id + " is a " + h.type + " in " + h.bucket +
                                           "; the change says " + c->type + " in " + c->bucket));
        continue;
      }
      if (Status s = validate_change(*impl.schema, *c); !s) {
        reject(s.error());
        continue;
      }
      if (Status s = impl.clock.observe(c->state.max_stamp().hlc, impl.max_skew_ms); !s) {
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
        std::string elem =
            c->state.rule == MergeRule::set ? element_key(c->element) : std::string();
        auto it = fields.find({c->field, elem});
        exactly_server_state =
            it != fields.end() && it->second.state == merge(empty_state(c->state.rule), c->state);
      }
    }
    if (!changed) continue;
    h.deleted = is_deleted(fields);
    if (Status whole = check_received_entity(h, fields); !whole) {
      // Nothing of this entity is stored; its changes are refused together.
      report.applied = applied_before;
      report.unchanged = unchanged_before;
      std::erase_if(report.rejected, [&](const RejectedChange& r) { return r.entity == id; });
      for (const Change* c : changes)
        report.rejected.push_back({c->entity, c->field, whole.error()});
      continue;
    }
    WX_RETURN_IF_ERROR(impl.store_entity(h, fields, Replica::Impl::StaleRows::drop_now,
                                         exactly_server_state
                                             ? Replica::Impl::Origin::server_state
                                             : Replica::Impl::Origin::here_or_merged));
    events.push_back({h.id, h.type, h.bucket, h.deleted});
  }
  if (bundle.from_replica != 0 && bundle.from_replica != impl.replica_id) {
    // The sender's whole state, all applied, with nothing missing before it: this replica
    // now reflects everything the sender did. (Sync bundles carry no claim: no extra read.)
    if (!bundle.knowledge.empty() && report.rejected.empty()) {
      WX_ASSIGN_OR_RETURN(uint64_t had, peer_seq(bundle.from_replica));
      if (bundle.since_seq <= had) WX_RETURN_IF_ERROR(impl.learn(bundle.knowledge));
    }
    WX_RETURN_IF_ERROR(impl.put_peer.bind(1, bundle.from_replica).bind(2, bundle.upto_seq).run());
  }
  WX_RETURN_IF_ERROR(tx.commit());
  impl.notify(events);
  return report;
}

Result<size_t> Replica::restamp_ahead(uint64_t since_seq, uint64_t limit_millis) {
  Impl& impl = *impl_;
  const uint64_t me = impl.replica_id;
  auto ahead = [&](const Stamp& s) { return s.replica == me && s.hlc.millis() > limit_millis; };
  WX_ASSIGN_OR_RETURN(auto tx, impl.begin_write());
  WX_ASSIGN_OR_RETURN(
      auto ids, sql::Stmt::prepare(
                    impl.db,
                    "SELECT DISTINCT e.id FROM changes c JOIN entities e ON e.rowid = c.entity "
                    "WHERE c.seq > ?1 AND c.from_server = 0"));
  ids.bind(1, since_seq);
  std::vector<std::pair<EntityHeader, EntityFields>> touched;
  std::vector<Stamp> old_stamps;
  while (true) {
    WX_ASSIGN_OR_RETURN(bool row, ids.step());
    if (!row) break;
    std::string id(ids.text(0));
    WX_ASSIGN_OR_RETURN(auto h, impl.load_header(id));
    WX_ASSIGN_OR_RETURN(auto fields, impl.load_fields(id));
    bool any = false;
    auto note = [&](const Stamp& s) {
      if (!ahead(s)) return;
      old_stamps.push_back(s);
      any = true;
    };
    for (auto& [key, f] : fields) f.state.for_each_stamp(note);
    if (any && h) touched.emplace_back(std::move(*h), std::move(fields));
  }
  std::sort(old_stamps.begin(), old_stamps.end());
  old_stamps.erase(std::unique(old_stamps.begin(), old_stamps.end()), old_stamps.end());
  if (old_stamps.empty()) return size_t{0};

  // New stamps start above every stamp that stays (no one else's write may suddenly win).
  WX_ASSIGN_OR_RETURN(
      auto top,
      sql::Stmt::prepare(impl.db, "SELECT coalesce(max(hlc), 0) FROM changes WHERE hlc <= ?1"));
  top.bind(1, Hlc::from_parts(limit_millis, Hlc::kMaxCounter).value);
  WX_ASSIGN_OR_RETURN(bool has_top, top.step());
  impl.clock.reset_last(has_top ? Hlc{top.uint64(0)} : Hlc{});
  std::map<Stamp, Stamp> renamed;
  for (const Stamp& s : old_stamps) renamed[s] = Stamp{impl.clock.now(), me};
  auto map = [&](Stamp& s) {
    if (auto it = renamed.find(s); it != renamed.end()) s = it->second;
  };
  for (auto& [h, fields] : touched) {
    for (auto& [key, f] : fields) {
      FieldState before = f.state;
      f.state.for_each_stamp(map);
      f.state.sort_stamps();
      f.dirty = !(before == f.state);
    }
    WX_RETURN_IF_ERROR(impl.store_entity(h, fields));
  }
  WX_RETURN_IF_ERROR(tx.commit());
  return old_stamps.size();
}

}  // namespace werkex
