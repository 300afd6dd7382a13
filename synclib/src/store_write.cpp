// Local writes (put, remove, restore_lost) and received bundles (apply). Both end in the
// same place: states merged into an entity's rows by merge(), changed rows stored with new
// sequence numbers, the entity's document rebuilt, all in one transaction.
#include <algorithm>
#include <map>
#include <unordered_map>

#include "replica_impl.hpp"
#include "werkex/ids.hpp"

namespace werkex {

namespace {

Error invalid(const std::string& where, const std::string& what) {
  return make_error(WX_INVALID_ARGUMENT, where + ": " + what);
}

std::string known_fields(const TypeSpec& t) {
  std::string out;
  for (auto& [name, _] : t.fields) out += (out.empty() ? "" : ", ") + name;
  return out;
}

bool is_field_name(std::string_view s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Merges `incoming` into the entity's row for (name, element); true if the row changed.
Result<bool> merge_into(EntityFields& fields, const std::string& name, const json& element,
                        const FieldState& incoming) {
  std::string elem = incoming.rule == MergeRule::set ? element_key(element) : std::string();
  auto [it, fresh] = fields.try_emplace({name, elem});
  FieldRow& row = it->second;
  if (fresh) {
    row.element = element;
    row.state.rule = incoming.rule;
  } else if (row.state.rule != incoming.rule) {
    return make_error(WX_CONFLICT, "field '" + name + "' merges as " +
                                       merge_rule_name(row.state.rule) + " here, the change says " +
                                       merge_rule_name(incoming.rule));
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

}  // namespace

// ---- local writes -------------------------------------------------------------------------

namespace {

struct LocalWrite {
  std::string field;
  json element;
  FieldState state;
};

}  // namespace

class LocalWriter {
 public:
  LocalWriter(Replica::Impl& impl, const Identity& me) : impl_(impl), me_(me) {}

  Status check_ref(const FieldSpec& f, const json& target, const EntityHeader& h) {
    WX_ASSIGN_OR_RETURN(auto th, impl_.load_header(target.get<std::string>()));
    std::string where = h.type + " " + h.id + ": field '" + f.name + "'";
    if (!th) return invalid(where, "no entity " + target.get<std::string>() + " on this replica");
    if (th->deleted)
      return make_error(WX_CONFLICT, where + ": " + th->type + " " + th->id + " was deleted");
    if (!f.ref_types.empty() &&
        std::find(f.ref_types.begin(), f.ref_types.end(), th->type) == f.ref_types.end()) {
      std::string expected;
      for (auto& t : f.ref_types) expected += (expected.empty() ? "" : " or ") + t;
      return invalid(where, th->id + " is a " + th->type + ", expected " + expected);
    }
    if (f.same_bucket && th->bucket != h.bucket)
      return make_error(WX_PERMISSION_DENIED,
                        where + ": " + th->type + " " + th->id + " belongs to another dossier");
    return Status::ok();
  }

  Status check_value(const FieldSpec& f, const json& v, const EntityHeader& h) {
    Status s = impl_.schema->validate_value(f, v);
    if (!s) return make_error(s.code(), h.type + " " + h.id + ": " + s.error().message);
    if (f.value_kind() == FieldKind::ref && !v.is_null()) return check_ref(f, v, h);
    return Status::ok();
  }

  // Turns one "field": value of a put into writes over the entity's current rows.
  Status plan(const TypeSpec& t, const EntityHeader& h, const EntityFields& fields,
              const std::string& name, const json& value, Stamp now, std::vector<LocalWrite>& out) {
    std::string where = h.type + " " + h.id;
    if (name == "deleted") return invalid(where, "'deleted' is set by delete, not by put");
    if (name == "_conflicts")
      return invalid(where, "'_conflicts' is read-only; restore a lost value instead");
    const FieldSpec* f = t.field(name);
    if (!f) return invalid(where, "unknown field '" + name + "'; known fields: " + known_fields(t));
    if (!Schema::may_write(*f, me_.role))
      return make_error(WX_PERMISSION_DENIED,
                        where + ": role '" + me_.role + "' may not write field '" + name + "'");
    if (f->kind != FieldKind::set) {
      WX_RETURN_IF_ERROR(check_value(*f, value, h));
      auto it = fields.find({name, ""});
      const FieldState* cur = it == fields.end() ? nullptr : &it->second.state;
      if (f->immutable && cur && !cur->stamp.is_zero()) {
        if (cur->value == value) return Status::ok();
        return make_error(WX_CONFLICT,
                          where + ": field '" + name + "' is written once and cannot change");
      }
      if (cur && cur->value == value && cur->lost.empty()) return Status::ok();  // no change
      // Writing the winning value again settles a conflict: the write has seen the losers.
      FieldState s = register_write(cur ? *cur : empty_state(f->rule()), value, now);
      out.push_back({name, json(), std::move(s)});
      return Status::ok();
    }
    // A set: an array replaces it, {"add": [...], "remove": [...]} edits it.
    std::vector<json> add, remove;
    if (value.is_array()) {
      add.assign(value.begin(), value.end());
      for (auto& [key, row] : fields)
        if (key.first == name && row.state.present() &&
            std::find(add.begin(), add.end(), row.element) == add.end())
          remove.push_back(row.element);
    } else if (value.is_object()) {
      for (auto& [k, v] : value.items()) {
        if ((k != "add" && k != "remove") || !v.is_array())
          return invalid(where, "field '" + name +
                                    "': expected an array, or {\"add\": [...], \"remove\": [...]}");
        (k == "add" ? add : remove).assign(v.begin(), v.end());
      }
    } else {
      return invalid(
          where, "field '" + name + "': expected an array, or {\"add\": [...], \"remove\": [...]}");
    }
    for (const json& e : add) {
      WX_RETURN_IF_ERROR(check_value(*f, e, h));
      auto it = fields.find({name, element_key(e)});
      if (it != fields.end() && it->second.state.present()) continue;
      out.push_back(
          {name, e,
           set_add(it == fields.end() ? empty_state(MergeRule::set) : it->second.state, now)});
    }
    for (const json& e : remove) {
      WX_RETURN_IF_ERROR(impl_.schema->validate_value(*f, e));
      auto it = fields.find({name, element_key(e)});
      if (it == fields.end() || !it->second.state.present()) continue;
      out.push_back({name, e, set_remove(it->second.state)});
    }
    return Status::ok();
  }

 private:
  Replica::Impl& impl_;
  const Identity& me_;
};

static Status check_writer(const Identity& me, const TypeSpec& t, const std::string& bucket) {
  if (me.role.empty())
    return make_error(WX_PERMISSION_DENIED, "this replica has no identity yet: run init first");
  if (me.role == "pupil" && t.bucket == BucketKind::pupil && bucket != me.bucket)
    return make_error(WX_PERMISSION_DENIED,
                      "a pupil writes only in their own dossier (" + me.bucket + ")");
  return Status::ok();
}

// A pupil's phone stores sign-offs only as the sign-off flows make them (signoff.hpp): a
// supervisor's Ed25519 sign-off handed over by QR, or a PIN sign-off typed by the supervisor.
// The signature, or the one-time code the server checks, is the real authorisation (checked
// by every replica's status and by the server); this rule keeps a pupil from amending one.
static Status check_pupil_signoff(const Identity& me, const TypeSpec& t, const json& doc,
                                  bool creating) {
  if (me.role != "pupil" || t.name != "signoff") return Status::ok();
  auto has = [&](const char* k) { return doc.contains(k) && doc[k].is_string(); };
  std::string method = has("method") ? doc["method"].get<std::string>() : "";
  // A PIN sign-off carries no proof (its one-time code goes to the server only, signoff.hpp).
  if (creating && ((method == "key" && has("signature")) ||
                   (method == "pin" && !doc.contains("pin_proof") && !doc.contains("signature"))))
    return Status::ok();
  return make_error(WX_PERMISSION_DENIED,
                    "role 'pupil' may not write a signoff except one signed by the supervisor "
                    "(sign-accept) or a PIN sign-off (sign-pin)");
}

Result<std::string> Replica::put(const json& doc) {
  Impl& impl = *impl_;
  if (!doc.is_object()) return invalid("put", "expected a JSON object");
  if (Status s = check_json_value(doc, kMaxJsonDepth); !s) return invalid("put", s.error().message);
  for (const char* k : {"id", "type", "bucket"})
    if (doc.contains(k) && !doc[k].is_string())
      return invalid("put", std::string("'") + k + "' must be a string");
  // Read, stamp and write under the write lock: another process on this file may have
  // written since this replica last looked.
  WX_ASSIGN_OR_RETURN(auto tx, impl.begin_write());
  EntityHeader h;
  EntityFields fields;
  bool creating = !doc.contains("id") || impl.creating_with_id;
  if (creating) {
    if (!doc.contains("type")) return invalid("put", "a new entity needs a 'type'");
    h.type = doc["type"].get<std::string>();
    h.id = doc.contains("id") ? doc["id"].get<std::string>()
                              : new_uuid_v7(impl.clock.physical_millis());
  } else {
    h.id = doc["id"].get<std::string>();
    if (!is_valid_entity_id(h.id)) return invalid("put", "'" + h.id + "' is not an entity id");
    WX_ASSIGN_OR_RETURN(auto found, impl.load_header(h.id));
    if (!found)
      return make_error(WX_NOT_FOUND, "no entity with id '" + h.id + "' (omit id to create one)");
    if (doc.contains("type") && doc["type"] != found->type)
      return invalid(h.id, "is a " + found->type + ", not a " + doc["type"].get<std::string>());
    if (doc.contains("bucket") && doc["bucket"] != found->bucket)
      return invalid(h.id, "lives in bucket " + found->bucket + "; entities cannot move");
    if (found->deleted) return make_error(WX_CONFLICT, found->type + " " + h.id + " was deleted");
    h = *found;
    WX_ASSIGN_OR_RETURN(fields, impl.load_fields(h.id));
  }
  const TypeSpec* t = impl.schema->type(h.type);
  if (!t) return invalid("put", "unknown type '" + h.type + "'");
  if (creating) {
    const std::string& dflt =
        t->bucket == BucketKind::pupil ? impl.identity.bucket : impl.identity.school_bucket;
    h.bucket = doc.contains("bucket") ? doc["bucket"].get<std::string>() : dflt;
    if (h.bucket.empty())
      return invalid("put", "no bucket given and this replica has no default for a " + h.type);
  }
  WX_RETURN_IF_ERROR(check_writer(impl.identity, *t, h.bucket));
  WX_RETURN_IF_ERROR(check_pupil_signoff(impl.identity, *t, doc, creating));
  if (std::none_of(t->fields.begin(), t->fields.end(),
                   [&](auto& kv) { return Schema::may_write(kv.second, impl.identity.role); }))
    return make_error(WX_PERMISSION_DENIED,
                      "role '" + impl.identity.role + "' may not write a " + t->name);

  Stamp now{impl.clock.now(), impl.replica_id};
  LocalWriter writer(impl, impl.identity);
  std::vector<LocalWrite> writes;
  for (auto& [name, value] : doc.items()) {
    if (name == "id" || name == "type" || name == "bucket") continue;
    WX_RETURN_IF_ERROR(writer.plan(*t, h, fields, name, value, now, writes));
  }
  if (creating) {
    for (auto& [name, f] : t->fields) {
      if (!f.required) continue;
      auto it = doc.find(name);
      if (it == doc.end() || it->is_null() || (f.kind == FieldKind::set && it->empty()))
        return invalid(h.type + " " + h.id, "field '" + name + "' is required");
    }
  }
  if (writes.empty() && !creating) return h.id;

  for (auto& w : writes)
    WX_RETURN_IF_ERROR(merge_into(fields, w.field, w.element, w.state).status());
  WX_RETURN_IF_ERROR(impl.store_entity(h, fields));
  WX_RETURN_IF_ERROR(tx.commit());
  impl.notify({{h.id, h.type, h.bucket, false}});
  return h.id;
}

Status Replica::remove_one(const std::string& id) {
  Impl& impl = *impl_;
  WX_ASSIGN_OR_RETURN(auto tx, impl.begin_write());
  WX_ASSIGN_OR_RETURN(auto h, impl.load_header(id));
  if (!h) return make_error(WX_NOT_FOUND, "no entity with id '" + id + "'");
  if (h->deleted) return make_error(WX_CONFLICT, h->type + " " + id + " was already deleted");
  const TypeSpec* t = impl.schema->type(h->type);
  if (!t)
    return make_error(WX_PERMISSION_DENIED,
                      "cannot delete a " + h->type + " (unknown to this version)");
  WX_RETURN_IF_ERROR(check_writer(impl.identity, *t, h->bucket));
  if (h->type == "signoff")  // a statement someone signed is withdrawn, never erased
    return make_error(WX_PERMISSION_DENIED, "a signoff is never deleted; revoke it instead");
  if (std::find(t->write_roles.begin(), t->write_roles.end(), impl.identity.role) ==
      t->write_roles.end())
    return make_error(WX_PERMISSION_DENIED,
                      "role '" + impl.identity.role + "' may not delete a " + h->type);
  WX_ASSIGN_OR_RETURN(auto fields, impl.load_fields(id));
  auto it = fields.find({"deleted", ""});
  FieldState current = it == fields.end() ? empty_state(MergeRule::lww) : it->second.state;
  WX_RETURN_IF_ERROR(merge_into(fields, "deleted", json(),
                                register_write(current, true, {impl.clock.now(), impl.replica_id}))
                         .status());
  h->deleted = true;
  WX_RETURN_IF_ERROR(impl.store_entity(*h, fields));
  WX_RETURN_IF_ERROR(tx.commit());
  impl.notify({{h->id, h->type, h->bucket, true}});
  return Status::ok();
}

Result<LostWrite> Replica::restore_lost(const std::string& id, const std::string& field,
                                        std::optional<uint64_t> from_replica) {
  WX_ASSIGN_OR_RETURN(auto fields, impl_->load_fields(id));
  auto it = fields.find({field, ""});
  std::string where = "entity " + id + ": field '" + field + "'";
  if (it == fields.end() || it->second.state.lost.empty())
    return make_error(WX_NOT_FOUND, where + " has no lost value to restore");
  const std::vector<LostWrite>& lost = it->second.state.lost;
  const LostWrite* pick = &lost.back();  // the most recent, as "_conflicts" lists first
  if (from_replica) {
    auto l = std::find_if(lost.begin(), lost.end(),
                          [&](const LostWrite& w) { return w.stamp.replica == *from_replica; });
    if (l == lost.end())
      return make_error(WX_NOT_FOUND,
                        where + " has no lost value from replica " + replica_to_hex(*from_replica));
    pick = &*l;
  }
  LostWrite restored = *pick;
  WX_RETURN_IF_ERROR(put({{"id", id}, {field, restored.value}}).status());
  return restored;
}

// ---- received bundles ---------------------------------------------------------------------

namespace {

// Checks a received change against the schema. Types and fields unknown to this build come
// from a newer schema: they are kept and passed on, never dropped.
Status validate_change(const Schema& schema, const Change& c) {
  std::string where = "entity " + c.entity + " field '" + c.field + "'";
  if (!is_field_name(c.field)) return invalid(where, "not a valid field name");
  if (c.field == "deleted") {
    if (c.state.rule != MergeRule::lww || !(c.state.value.is_boolean() || c.state.value.is_null()))
      return invalid(where, "a tombstone is an lww boolean");
    return Status::ok();
  }
  if (is_reserved_field_name(c.field)) return invalid(where, "reserved name");
  // Whatever the schema says, every value must be storable as it came: valid UTF-8, finite
  // numbers, not too deep, and a set element must read back from its stored key as itself.
  for (const json* v : {&c.state.value, &c.element}) {
    Status s = check_json_value(*v);
    if (!s) return invalid(where, s.error().message);
  }
  for (const LostWrite& l : c.state.lost) {
    Status s = check_json_value(l.value);
    if (!s) return invalid(where, s.error().message);
  }
  if (c.state.rule == MergeRule::set) {
    if (c.element.is_null()) return invalid(where, "a set element cannot be null");
    if (!element_key_round_trips(c.element))
      return invalid(where, "the set element " + element_key(c.element) +
                                " does not read back as itself from its JSON text");
  }
  const TypeSpec* t = schema.type(c.type);
  const FieldSpec* f = t ? t->field(c.field) : nullptr;
  if (!f) return Status::ok();  // not ours to interpret, but safe to store and pass on
  if (f->rule() != c.state.rule)
    return invalid(where, std::string("merges as ") + merge_rule_name(f->rule()) +
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
            {c->entity, c->field, invalid("entity " + id, "needs a UUID id, a type and a bucket")});
      continue;
    }
    WX_ASSIGN_OR_RETURN(auto found, impl.load_header(id));
    EntityHeader h =
        found ? *found : EntityHeader{id, changes.front()->type, changes.front()->bucket, false};
    EntityFields fields;
    if (found) {
      WX_ASSIGN_OR_RETURN(fields, impl.load_fields(id));
    }
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
    impl.storing_server_state = exactly_server_state;
    Status stored = impl.store_entity(h, fields);
    impl.storing_server_state = false;
    WX_RETURN_IF_ERROR(stored);
    events.push_back({h.id, h.type, h.bucket, h.deleted});
  }
  if (bundle.from_replica != 0 && bundle.from_replica != impl.replica_id)
    WX_RETURN_IF_ERROR(impl.put_peer.bind(1, bundle.from_replica).bind(2, bundle.upto_seq).run());
  WX_RETURN_IF_ERROR(tx.commit());
  impl.notify(events);
  return report;
}

}  // namespace werkex

namespace werkex {

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
