// Local writes as the entity engine makes them (entity_engine.hpp: write_local): a document
// resolved to its entity, checked against the writer's rights, the schema, refs and the
// dossier's rules, turned into register writes and set operations, and merged into the
// entity's field states. Storing the result is the engine's (store_write.cpp for SQLite).
#include <algorithm>

#include "dossier_rules.hpp"
#include "entity_rows.hpp"
#include "werkex/ids.hpp"
#include "werkex/messages.hpp"

namespace werkex {

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

// What errors about an entry name it by: its type, and its id unless the id is one this
// write made up (a new entry's id has not been seen by the person yet).
MessageArgs entry_args(const EntityHeader& h, bool id_shown) {
  return {{"type", h.type}, {"id", id_shown ? h.id : ""}};
}

class LocalWriter {
 public:
  LocalWriter(const Schema& schema, EntityLookup& lookup, const Identity& me, bool id_shown)
      : schema_(schema), lookup_(lookup), me_(me), id_shown_(id_shown) {}

  Status check_ref(const FieldSpec& f, const json& target, const EntityHeader& h) {
    WX_ASSIGN_OR_RETURN(auto th, lookup_.load_header(target.get<std::string>()));
    MessageArgs at = with_args(entry_args(h, id_shown_), {{"field", f.name}});
    if (!th)
      return error_of(WX_INVALID_ARGUMENT, Msg::ref_missing,
                      with_args(at, {{"target", target.get<std::string>()}}));
    at = with_args(at, {{"target", th->id}, {"target_type", th->type}});
    if (th->deleted) return error_of(WX_CONFLICT, Msg::ref_deleted, at);
    if (!f.ref_types.empty() &&
        std::find(f.ref_types.begin(), f.ref_types.end(), th->type) == f.ref_types.end()) {
      std::string expected, expected_nl;
      for (auto& t : f.ref_types) {
        expected += (expected.empty() ? "" : " or ") + type_with_article(t, Language::en);
        expected_nl += (expected_nl.empty() ? "" : " of ") + type_with_article(t, Language::nl);
      }
      return error_of(WX_INVALID_ARGUMENT, Msg::ref_wrong_type,
                      with_args(at, {{"expected", expected}, {"expected@nl", expected_nl}}));
    }
    if (f.same_bucket && th->bucket != h.bucket)
      return error_of(WX_PERMISSION_DENIED, Msg::ref_other_dossier, at);
    return Status::ok();
  }

  Status check_value(const FieldSpec& f, const json& v, const EntityHeader& h) {
    Status s = schema_.validate_value(f, v);
    if (!s) {
      Error e = s.error();  // names the field; the entry is added here
      if (e.key.empty()) return e;
      return error_of(e.code, *message_from_key(e.key),
                      with_args(entry_args(h, id_shown_), e.args));
    }
    if (f.value_kind() == FieldKind::ref && !v.is_null()) return check_ref(f, v, h);
    return Status::ok();
  }

  // Turns one "field": value of a put into writes over the entity's current rows.
  Status plan(const TypeSpec& t, const EntityHeader& h, const EntityFields& fields,
              const std::string& name, const json& given, Stamp now, std::vector<LocalWrite>& out) {
    MessageArgs at = with_args(entry_args(h, id_shown_), {{"field", name}});
    if (name == "deleted") return error_of(WX_INVALID_ARGUMENT, Msg::deleted_by_delete, at);
    if (name == "_conflicts") return error_of(WX_INVALID_ARGUMENT, Msg::conflicts_read_only, at);
    const FieldSpec* f = t.field(name);
    if (!f)
      return error_of(WX_INVALID_ARGUMENT, Msg::unknown_field,
                      with_args(at, {{"known", known_fields(t)}}));
    if (!Schema::may_write(*f, me_.role))
      return error_of(WX_PERMISSION_DENIED, Msg::role_may_not_write_field,
                      with_args(at, {{"role", me_.role}}));
    const json value = schema_.with_enum_ids(*f, given);  // "geërgerd" → "geergerd"
    if (f->kind != FieldKind::set) {
      WX_RETURN_IF_ERROR(check_value(*f, value, h));
      auto it = fields.find({name, ""});
      const FieldState* cur = it == fields.end() ? nullptr : &it->second.state;
      if (f->immutable && cur && !cur->stamp.is_zero()) {
        if (cur->value == value) return Status::ok();
        return error_of(WX_CONFLICT, Msg::field_written_once, at);
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
          return error_of(WX_INVALID_ARGUMENT, Msg::field_set_shape, at);
        (k == "add" ? add : remove).assign(v.begin(), v.end());
      }
    } else {
      return error_of(WX_INVALID_ARGUMENT, Msg::field_set_shape, at);
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
      WX_RETURN_IF_ERROR(check_value(*f, e, h));
      auto it = fields.find({name, element_key(e)});
      if (it == fields.end() || !it->second.state.present()) continue;
      out.push_back({name, e, set_remove(it->second.state)});
    }
    return Status::ok();
  }

 private:
  const Schema& schema_;
  EntityLookup& lookup_;
  const Identity& me_;
  bool id_shown_;
};

// The schema's only_with rule on the entity as this write leaves it: a field with a value
// needs its gate field to be true (a contact's phone only with consent). Withdrawing the
// gate while the value stays is refused the same way, so the value is cleared first.
static Status check_only_with(const TypeSpec& t, const EntityHeader& h, const EntityFields& fields,
                              bool id_shown) {
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
      return error_of(WX_INVALID_ARGUMENT, Msg::field_only_with,
                      with_args(entry_args(h, id_shown), {{"field", name}, {"gate", f.only_with}}));
  }
  return Status::ok();
}

// The entity a put() writes: when `creating`, a new one (under the document's id if it gives
// one, create()'s case, else a fresh one); otherwise the stored one the document's id names,
// which must exist and not be deleted.
Status resolve_entity(LocalWriteContext& cx, const json& doc, bool creating, EntityHeader& h,
                      EntityFields& fields) {
  if (creating) {
    if (!doc.contains("type")) return error_of(WX_INVALID_ARGUMENT, Msg::put_needs_type);
    h.type = doc["type"].get<std::string>();
    h.id =
        doc.contains("id") ? doc["id"].get<std::string>() : new_uuid_v7(cx.clock.physical_millis());
    return Status::ok();
  }
  h.id = doc["id"].get<std::string>();
  if (!is_valid_entity_id(h.id))
    return error_of(WX_INVALID_ARGUMENT, Msg::bad_entity_id, {{"id", h.id}});
  WX_ASSIGN_OR_RETURN(auto entity, cx.lookup.load_entity(h.id));
  if (!entity) return error_of(WX_NOT_FOUND, Msg::entity_not_found_put, {{"id", h.id}});
  const EntityHeader* found = &entity->first;
  if (doc.contains("type") && doc["type"] != found->type)
    return error_of(
        WX_INVALID_ARGUMENT, Msg::entity_other_type,
        {{"id", h.id}, {"type", found->type}, {"given", doc["type"].get<std::string>()}});
  if (doc.contains("bucket") && doc["bucket"] != found->bucket)
    return error_of(WX_INVALID_ARGUMENT, Msg::entity_cannot_move,
                    {{"id", h.id}, {"bucket", found->bucket}});
  if (found->deleted)
    return error_of(WX_CONFLICT, Msg::entity_deleted, {{"type", found->type}, {"id", h.id}});
  h = std::move(entity->first);
  fields = std::move(entity->second);
  return Status::ok();
}

}  // namespace

Result<WrittenEntity> write_local(LocalWriteContext& cx, const json& doc, bool create_with_id) {
  if (!doc.is_object()) return error_of(WX_INVALID_ARGUMENT, Msg::put_not_object);
  if (Status s = check_json_value(doc, kMaxJsonDepth); !s)
    return error_of(WX_INVALID_ARGUMENT, Msg::put_bad_json_value, {{"detail", s.error().message}});
  for (const char* k : {"id", "type", "bucket"})
    if (doc.contains(k) && !doc[k].is_string())
      return error_of(WX_INVALID_ARGUMENT, Msg::put_not_string, {{"field", k}});
  EntityHeader h;
  EntityFields fields;
  const bool creating = !doc.contains("id") || create_with_id;
  WX_RETURN_IF_ERROR(resolve_entity(cx, doc, creating, h, fields));
  const TypeSpec* t = cx.schema.type(h.type);
  if (!t) return error_of(WX_INVALID_ARGUMENT, Msg::unknown_type, {{"type", h.type}});
  if (creating) {
    const std::string& dflt =
        t->bucket == BucketKind::pupil ? cx.identity.bucket : cx.identity.school_bucket;
    h.bucket = doc.contains("bucket") ? doc["bucket"].get<std::string>() : dflt;
    if (h.bucket.empty())
      return error_of(WX_INVALID_ARGUMENT, Msg::no_default_bucket, {{"type", h.type}});
  }
  WX_RETURN_IF_ERROR(check_writer(cx.identity, *t, h.bucket));
  WX_RETURN_IF_ERROR(check_pupil_signoff(cx.identity, *t, doc, creating));
  if (std::none_of(t->fields.begin(), t->fields.end(),
                   [&](auto& kv) { return Schema::may_write(kv.second, cx.identity.role); }))
    return error_of(WX_PERMISSION_DENIED, Msg::role_may_not_write_type,
                    {{"role", cx.identity.role}, {"type", t->name}});

  // Above every stamp the entity holds, whoever made it (another server process on the same
  // database has a clock of its own): this write must win over what it overwrites.
  for (const auto& [key, row] : fields) cx.clock.restore_last(row.state.max_stamp().hlc);
  Stamp now{cx.clock.now(), cx.replica_id};
  const bool id_shown = doc.contains("id");
  LocalWriter writer(cx.schema, cx.lookup, cx.identity, id_shown);
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
        return error_of(WX_INVALID_ARGUMENT, Msg::field_required,
                        with_args(entry_args(h, id_shown), {{"field", name}}));
    }
  }
  if (writes.empty() && !creating) return WrittenEntity{{std::move(h), std::move(fields)}, false};

  for (auto& w : writes)
    WX_RETURN_IF_ERROR(merge_into(fields, w.field, w.element, w.state).status());
  WX_RETURN_IF_ERROR(check_only_with(*t, h, fields, id_shown));
  return WrittenEntity{{std::move(h), std::move(fields)}, true};
}

Result<WrittenEntity> delete_local(LocalWriteContext& cx, const std::string& id) {
  WX_ASSIGN_OR_RETURN(auto entity, cx.lookup.load_entity(id));
  if (!entity) return error_of(WX_NOT_FOUND, Msg::entity_not_found, {{"id", id}});
  auto& [h, fields] = *entity;
  if (h.deleted)
    return error_of(WX_CONFLICT, Msg::entity_already_deleted, {{"type", h.type}, {"id", id}});
  const TypeSpec* t = cx.schema.type(h.type);
  if (!t) return error_of(WX_PERMISSION_DENIED, Msg::type_unknown_here, {{"type", h.type}});
  WX_RETURN_IF_ERROR(check_writer(cx.identity, *t, h.bucket));
  WX_RETURN_IF_ERROR(check_may_delete(*t));
  if (std::find(t->write_roles.begin(), t->write_roles.end(), cx.identity.role) ==
      t->write_roles.end())
    return error_of(WX_PERMISSION_DENIED, Msg::role_may_not_delete,
                    {{"role", cx.identity.role}, {"type", h.type}});
  for (const auto& [key, row] : fields) cx.clock.restore_last(row.state.max_stamp().hlc);
  auto it = fields.find({"deleted", ""});
  FieldState current = it == fields.end() ? empty_state(MergeRule::lww) : it->second.state;
  WX_RETURN_IF_ERROR(merge_into(fields, "deleted", json(),
                                register_write(current, true, {cx.clock.now(), cx.replica_id}))
                         .status());
  h.deleted = true;
  return WrittenEntity{std::move(*entity), true};
}

}  // namespace werkex
