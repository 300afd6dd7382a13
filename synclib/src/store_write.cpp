// Local writes (put, create, remove, restore_lost). Like received bundles (store_apply.cpp)
// they end in one place: states merged into an entity's rows by merge(), changed rows stored
// with new sequence numbers, the entity's document rebuilt, all in one transaction.
#include <algorithm>
#include <map>
#include <unordered_map>

#include "dossier_rules.hpp"
#include "replica_impl.hpp"
#include "werkex/ids.hpp"
#include "werkex/messages.hpp"

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
    return error_of(WX_CONFLICT, Msg::merge_rule_differs,
                    {{"field", name},
                     {"here", merge_rule_name(row.state.rule)},
                     {"change", merge_rule_name(incoming.rule)}});
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

// What errors about an entry name it by: its type, and its id unless the id is one this
// write made up (a new entry's id has not been seen by the person yet).
MessageArgs entry_args(const EntityHeader& h, bool id_shown) {
  return {{"type", h.type}, {"id", id_shown ? h.id : ""}};
}

MessageArgs with(MessageArgs args, MessageArgs more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

class LocalWriter {
 public:
  LocalWriter(Replica::Impl& impl, const Identity& me, bool id_shown)
      : impl_(impl), me_(me), id_shown_(id_shown) {}

  Status check_ref(const FieldSpec& f, const json& target, const EntityHeader& h) {
    WX_ASSIGN_OR_RETURN(auto th, impl_.load_header(target.get<std::string>()));
    MessageArgs at = with(entry_args(h, id_shown_), {{"field", f.name}});
    if (!th)
      return error_of(WX_INVALID_ARGUMENT, Msg::ref_missing,
                      with(at, {{"target", target.get<std::string>()}}));
    at = with(at, {{"target", th->id}, {"target_type", th->type}});
    if (th->deleted) return error_of(WX_CONFLICT, Msg::ref_deleted, at);
    if (!f.ref_types.empty() &&
        std::find(f.ref_types.begin(), f.ref_types.end(), th->type) == f.ref_types.end()) {
      std::string expected, expected_nl;
      for (auto& t : f.ref_types) {
        expected += (expected.empty() ? "" : " or ") + type_with_article(t, Language::en);
        expected_nl += (expected_nl.empty() ? "" : " of ") + type_with_article(t, Language::nl);
      }
      return error_of(WX_INVALID_ARGUMENT, Msg::ref_wrong_type,
                      with(at, {{"expected", expected}, {"expected@nl", expected_nl}}));
    }
    if (f.same_bucket && th->bucket != h.bucket)
      return error_of(WX_PERMISSION_DENIED, Msg::ref_other_dossier, at);
    return Status::ok();
  }

  Status check_value(const FieldSpec& f, const json& v, const EntityHeader& h) {
    Status s = impl_.schema->validate_value(f, v);
    if (!s) {
      Error e = s.error();  // names the field; the entry is added here
      if (e.key.empty()) return e;
      return error_of(e.code, *message_from_key(e.key), with(entry_args(h, id_shown_), e.args));
    }
    if (f.value_kind() == FieldKind::ref && !v.is_null()) return check_ref(f, v, h);
    return Status::ok();
  }

  // Turns one "field": value of a put into writes over the entity's current rows.
  Status plan(const TypeSpec& t, const EntityHeader& h, const EntityFields& fields,
              const std::string& name, const json& given, Stamp now, std::vector<LocalWrite>& out) {
    MessageArgs at = with(entry_args(h, id_shown_), {{"field", name}});
    if (name == "deleted") return error_of(WX_INVALID_ARGUMENT, Msg::deleted_by_delete, at);
    if (name == "_conflicts") return error_of(WX_INVALID_ARGUMENT, Msg::conflicts_read_only, at);
    const FieldSpec* f = t.field(name);
    if (!f)
      return error_of(WX_INVALID_ARGUMENT, Msg::unknown_field,
                      with(at, {{"known", known_fields(t)}}));
    if (!Schema::may_write(*f, me_.role))
      return error_of(WX_PERMISSION_DENIED, Msg::role_may_not_write_field,
                      with(at, {{"role", me_.role}}));
    const json value = impl_.schema->with_enum_ids(*f, given);  // "geërgerd" → "geergerd"
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
  Replica::Impl& impl_;
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
                      with(entry_args(h, id_shown), {{"field", name}, {"gate", f.only_with}}));
  }
  return Status::ok();
}

Result<std::string> Replica::put(const json& doc) {
  return impl_->write_doc(doc, false);
}

Result<std::string> Replica::create(const json& doc) {
  if (!doc.is_object() || !doc.contains("id") || !doc["id"].is_string() ||
      !is_valid_entity_id(doc["id"].get<std::string>()))
    return make_error(WX_INVALID_ARGUMENT, "create: needs an 'id' that is an entity id (UUID)");
  const std::string id = doc["id"].get<std::string>();
  WX_ASSIGN_OR_RETURN(auto found, impl_->load_header(id));
  if (found) return make_error(WX_CONFLICT, found->type + " " + id + " exists already");
  return impl_->write_doc(doc, true);
}

namespace {

// The entity a put() writes: when `creating`, a new one (under the document's id if it gives
// one, create()'s case, else a fresh one); otherwise the stored one the document's id names,
// which must exist and not be deleted.
Status resolve_entity(Replica::Impl& impl, const json& doc, bool creating, EntityHeader& h,
                      EntityFields& fields) {
  if (creating) {
    if (!doc.contains("type")) return error_of(WX_INVALID_ARGUMENT, Msg::put_needs_type);
    h.type = doc["type"].get<std::string>();
    h.id = doc.contains("id") ? doc["id"].get<std::string>()
                              : new_uuid_v7(impl.clock.physical_millis());
    return Status::ok();
  }
  h.id = doc["id"].get<std::string>();
  if (!is_valid_entity_id(h.id))
    return error_of(WX_INVALID_ARGUMENT, Msg::bad_entity_id, {{"id", h.id}});
  WX_ASSIGN_OR_RETURN(auto entity, impl.load_entity(h.id));
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

Result<std::string> Replica::Impl::write_doc(const json& doc, bool create_with_id) {
  Impl& impl = *this;
  if (!doc.is_object()) return error_of(WX_INVALID_ARGUMENT, Msg::put_not_object);
  if (Status s = check_json_value(doc, kMaxJsonDepth); !s)
    return error_of(WX_INVALID_ARGUMENT, Msg::put_bad_json_value, {{"detail", s.error().message}});
  for (const char* k : {"id", "type", "bucket"})
    if (doc.contains(k) && !doc[k].is_string())
      return error_of(WX_INVALID_ARGUMENT, Msg::put_not_string, {{"field", k}});
  // Read, stamp and write under the write lock: another process on this file may have
  // written since this replica last looked.
  WX_ASSIGN_OR_RETURN(auto tx, impl.begin_write());
  EntityHeader h;
  EntityFields fields;
  const bool creating = !doc.contains("id") || create_with_id;
  WX_RETURN_IF_ERROR(resolve_entity(impl, doc, creating, h, fields));
  const TypeSpec* t = impl.schema->type(h.type);
  if (!t) return error_of(WX_INVALID_ARGUMENT, Msg::unknown_type, {{"type", h.type}});
  if (creating) {
    const std::string& dflt =
        t->bucket == BucketKind::pupil ? impl.identity.bucket : impl.identity.school_bucket;
    h.bucket = doc.contains("bucket") ? doc["bucket"].get<std::string>() : dflt;
    if (h.bucket.empty())
      return error_of(WX_INVALID_ARGUMENT, Msg::no_default_bucket, {{"type", h.type}});
  }
  WX_RETURN_IF_ERROR(check_writer(impl.identity, *t, h.bucket));
  WX_RETURN_IF_ERROR(check_pupil_signoff(impl.identity, *t, doc, creating));
  if (std::none_of(t->fields.begin(), t->fields.end(),
                   [&](auto& kv) { return Schema::may_write(kv.second, impl.identity.role); }))
    return error_of(WX_PERMISSION_DENIED, Msg::role_may_not_write_type,
                    {{"role", impl.identity.role}, {"type", t->name}});

  Stamp now{impl.clock.now(), impl.replica_id};
  const bool id_shown = doc.contains("id");
  LocalWriter writer(impl, impl.identity, id_shown);
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
                        with(entry_args(h, id_shown), {{"field", name}}));
    }
  }
  if (writes.empty() && !creating) return h.id;

  for (auto& w : writes)
    WX_RETURN_IF_ERROR(merge_into(fields, w.field, w.element, w.state).status());
  WX_RETURN_IF_ERROR(check_only_with(*t, h, fields, id_shown));
  WX_RETURN_IF_ERROR(impl.store_entity(h, fields, Impl::StaleRows::defer));
  WX_RETURN_IF_ERROR(tx.commit());
  impl.notify({{h.id, h.type, h.bucket, false}});
  return h.id;
}

Status Replica::remove_one(const std::string& id) {
  Impl& impl = *impl_;
  WX_ASSIGN_OR_RETURN(auto tx, impl.begin_write());
  WX_ASSIGN_OR_RETURN(auto h, impl.load_header(id));
  if (!h) return error_of(WX_NOT_FOUND, Msg::entity_not_found, {{"id", id}});
  if (h->deleted)
    return error_of(WX_CONFLICT, Msg::entity_already_deleted, {{"type", h->type}, {"id", id}});
  const TypeSpec* t = impl.schema->type(h->type);
  if (!t) return error_of(WX_PERMISSION_DENIED, Msg::type_unknown_here, {{"type", h->type}});
  WX_RETURN_IF_ERROR(check_writer(impl.identity, *t, h->bucket));
  WX_RETURN_IF_ERROR(check_may_delete(*t));
  if (std::find(t->write_roles.begin(), t->write_roles.end(), impl.identity.role) ==
      t->write_roles.end())
    return error_of(WX_PERMISSION_DENIED, Msg::role_may_not_delete,
                    {{"role", impl.identity.role}, {"type", h->type}});
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
  MessageArgs where = {{"id", id}, {"field", field}};
  if (it == fields.end() || it->second.state.lost.empty())
    return error_of(WX_NOT_FOUND, Msg::no_lost_value, where);
  const std::vector<LostWrite>& lost = it->second.state.lost;
  const LostWrite* pick = &lost.back();  // the most recent, as "_conflicts" lists first
  if (from_replica) {
    auto l = std::find_if(lost.begin(), lost.end(),
                          [&](const LostWrite& w) { return w.stamp.replica == *from_replica; });
    if (l == lost.end())
      return error_of(WX_NOT_FOUND, Msg::no_lost_value_from,
                      with(where, {{"replica", replica_to_hex(*from_replica)}}));
    pick = &*l;
  }
  LostWrite restored = *pick;
  WX_RETURN_IF_ERROR(put({{"id", id}, {field, restored.value}}).status());
  return restored;
}

}  // namespace werkex
