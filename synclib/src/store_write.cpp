// Local writes (put, create, remove, restore_lost). Like received bundles (store_apply.cpp)
// they end in one place: states merged into an entity's rows by merge(), changed rows stored
// with new sequence numbers, the entity's document rebuilt, all in one transaction.
#include <algorithm>
#include <map>
#include <unordered_map>

#include "replica_impl.hpp"
#include "werkex/ids.hpp"

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

// ---- local writes -------------------------------------------------------------------------

namespace {

std::string known_fields(const TypeSpec& t) {
  std::string out;
  for (auto& [name, _] : t.fields) out += (out.empty() ? "" : ", ") + name;
  return out;
}

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
    if (!th)
      return invalid_at(where, "no entity " + target.get<std::string>() + " on this replica");
    if (th->deleted)
      return make_error(WX_CONFLICT, where + ": " + th->type + " " + th->id + " was deleted");
    if (!f.ref_types.empty() &&
        std::find(f.ref_types.begin(), f.ref_types.end(), th->type) == f.ref_types.end()) {
      std::string expected;
      for (auto& t : f.ref_types) expected += (expected.empty() ? "" : " or ") + t;
      return invalid_at(where, th->id + " is a " + th->type + ", expected " + expected);
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
    if (name == "deleted") return invalid_at(where, "'deleted' is set by delete, not by put");
    if (name == "_conflicts")
      return invalid_at(where, "'_conflicts' is read-only; restore a lost value instead");
    const FieldSpec* f = t.field(name);
    if (!f)
      return invalid_at(where, "unknown field '" + name + "'; known fields: " + known_fields(t));
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
          return invalid_at(
              where,
              "field '" + name + "': expected an array, or {\"add\": [...], \"remove\": [...]}");
        (k == "add" ? add : remove).assign(v.begin(), v.end());
      }
    } else {
      return invalid_at(
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

// The schema's only_with rule on the entity as this write leaves it: a field with a value
// needs its gate field to be true (a contact's phone only with consent). Withdrawing the
// gate while the value stays is refused the same way, so the value is cleared first.
static Status check_only_with(const TypeSpec& t, const EntityHeader& h, const EntityFields& fields,
                              bool creating) {
  if (std::none_of(t.fields.begin(), t.fields.end(),
                   [](auto& kv) { return !kv.second.only_with.empty(); }))
    return Status::ok();
  const json doc = json::parse(build_doc_text(h, fields));
  for (auto& [name, f] : t.fields) {
    if (f.only_with.empty()) continue;
    auto v = doc.find(name);
    const bool has_value = v != doc.end() && !v->is_null() && !(v->is_string() && v->empty()) &&
                           !(v->is_array() && v->empty());
    if (has_value && doc.value(f.only_with, false) != true)
      return invalid_at(creating ? "new " + t.name : t.name + " " + h.id,
                        "field '" + name + "' is stored only while '" + f.only_with +
                            "' is true (clear '" + name + "' or set '" + f.only_with + "': true)");
  }
  return Status::ok();
}

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
  if (!doc.is_object()) return invalid_at("put", "expected a JSON object");
  if (Status s = check_json_value(doc, kMaxJsonDepth); !s)
    return invalid_at("put", s.error().message);
  for (const char* k : {"id", "type", "bucket"})
    if (doc.contains(k) && !doc[k].is_string())
      return invalid_at("put", std::string("'") + k + "' must be a string");
  // Read, stamp and write under the write lock: another process on this file may have
  // written since this replica last looked.
  WX_ASSIGN_OR_RETURN(auto tx, impl.begin_write());
  EntityHeader h;
  EntityFields fields;
  bool creating = !doc.contains("id") || impl.creating_with_id;
  if (creating) {
    if (!doc.contains("type")) return invalid_at("put", "a new entity needs a 'type'");
    h.type = doc["type"].get<std::string>();
    h.id = doc.contains("id") ? doc["id"].get<std::string>()
                              : new_uuid_v7(impl.clock.physical_millis());
  } else {
    h.id = doc["id"].get<std::string>();
    if (!is_valid_entity_id(h.id)) return invalid_at("put", "'" + h.id + "' is not an entity id");
    WX_ASSIGN_OR_RETURN(auto found, impl.load_header(h.id));
    if (!found)
      return make_error(WX_NOT_FOUND, "no entity with id '" + h.id + "' (omit id to create one)");
    if (doc.contains("type") && doc["type"] != found->type)
      return invalid_at(h.id, "is a " + found->type + ", not a " + doc["type"].get<std::string>());
    if (doc.contains("bucket") && doc["bucket"] != found->bucket)
      return invalid_at(h.id, "lives in bucket " + found->bucket + "; entities cannot move");
    if (found->deleted) return make_error(WX_CONFLICT, found->type + " " + h.id + " was deleted");
    h = *found;
    WX_ASSIGN_OR_RETURN(fields, impl.load_fields(h.id));
  }
  const TypeSpec* t = impl.schema->type(h.type);
  if (!t) return invalid_at("put", "unknown type '" + h.type + "'");
  if (creating) {
    const std::string& dflt =
        t->bucket == BucketKind::pupil ? impl.identity.bucket : impl.identity.school_bucket;
    h.bucket = doc.contains("bucket") ? doc["bucket"].get<std::string>() : dflt;
    if (h.bucket.empty())
      return invalid_at("put", "no bucket given and this replica has no default for a " + h.type);
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
        return invalid_at(h.type + " " + h.id, "field '" + name + "' is required");
    }
  }
  if (writes.empty() && !creating) return h.id;

  for (auto& w : writes)
    WX_RETURN_IF_ERROR(merge_into(fields, w.field, w.element, w.state).status());
  WX_RETURN_IF_ERROR(check_only_with(*t, h, fields, creating));
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

}  // namespace werkex
