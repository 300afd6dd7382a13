// The quarantine: changes the server refused, kept visible with whose they were and the
// value they carried, until the user drops one, retries one, or clears them all; and the
// withdrawal of refused states, so a device converges with the server's view.
#include <set>

#include "replica_impl.hpp"
#include "state_codec.hpp"
#include "werkex/ids.hpp"
#include "werkex/messages.hpp"

namespace werkex {

namespace {

// The greatest stamp among the states of `field` (a set's elements included), if any.
std::optional<Stamp> field_stamp(const EntityFields& fields, const std::string& field) {
  std::optional<Stamp> top;
  for (const auto& [key, row] : fields) {
    if (key.first != field) continue;
    Stamp s = row.state.max_stamp();
    if (!top || *top < s) top = s;
  }
  return top;
}

// The document's value of `field` ("": the whole document) as this replica holds it now.
json field_value(const EntityHeader& header, const EntityFields& fields, const std::string& field) {
  json doc = json::parse(build_doc_text(header, fields), nullptr, false);
  if (field.empty()) return doc;
  return doc.is_object() && doc.contains(field) ? doc[field] : json();
}

json args_json(const MessageArgs& args) {
  json out = json::object();
  for (const auto& [name, value] : args) out[name] = value;
  return out;
}

// One quarantine row: the refusal, whose change it was, and the value it carried.
class QuarantineWriter {
 public:
  static Result<QuarantineWriter> prepare(Replica::Impl& impl) {
    WX_ASSIGN_OR_RETURN(auto st,
                        sql::Stmt::prepare(impl.db,
                                           "INSERT OR REPLACE INTO quarantine(entity, field, "
                                           "code, message, at, replica, author, value, "
                                           "withdrawn, type, key, args) VALUES(?1, ?2, ?3, ?4, "
                                           "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"));
    return QuarantineWriter(impl, std::move(st));
  }

  Status record(const RejectedChange& r, const std::optional<EntityHeader>& header,
                const EntityFields& fields, bool withdrawn) {
    json value = header ? field_value(*header, fields, r.field) : json();
    std::string replica, author;
    if (auto stamp = field_stamp(fields, r.field); stamp && stamp->replica) {
      replica = replica_to_hex(stamp->replica);
      if (stamp->replica == impl_.replica_id) author = impl_.identity.user;
    }
    for (const char* who : {"author", "signer"}) {
      auto it = fields.find({who, ""});
      if (author.empty() && it != fields.end() && it->second.state.value.is_string())
        author = it->second.state.value.get<std::string>();
    }
    return st_.bind(1, r.entity)
        .bind(2, r.field)
        .bind(3, error_code_name(r.error.code))
        .bind(4, r.error.message)
        .bind(5, now_)
        .bind(6, replica)
        .bind(7, author)
        .bind(8, value.dump())
        .bind(9, withdrawn ? 1 : 0)
        .bind(10, header ? header->type : std::string())
        .bind(11, r.error.key)
        .bind(12, args_json(r.error.args).dump())
        .run();
  }

 private:
  QuarantineWriter(Replica::Impl& impl, sql::Stmt st)
      : impl_(impl), st_(std::move(st)), now_(rfc3339_utc(impl.clock.physical_millis())) {}
  Replica::Impl& impl_;
  sql::Stmt st_;
  std::string now_;
};

// Removes the rows of `field` ("": every field) that still hold exactly the state `pushed`
// carried for them. Returns whether any went.
bool remove_pushed_rows(EntityFields& fields, const std::string& field,
                        const std::vector<const Change*>& pushed) {
  bool any = false;
  for (const Change* c : pushed) {
    if (!field.empty() && c->field != field) continue;
    std::string elem = c->state.rule == MergeRule::set ? element_key(c->element) : std::string();
    auto it = fields.find({c->field, elem});
    if (it == fields.end() || !(it->second.state == c->state)) continue;
    fields.erase(it);
    any = true;
  }
  return any;
}

}  // namespace

json QuarantinedChange::to_json() const {
  // The Dutch text rendered now, from the key and arguments the server gave (messages.hpp).
  const Error refusal(error_code_from_name(code), message, key, args);
  return {{"id", id()},
          {"entity", entity},
          {"type", type},
          {"field", field},
          {"replica", replica},
          {"author", author},
          {"code", code},
          {"key", error_key(refusal)},
          {"message", message},
          {"message_nl", localized_message(refusal, Language::nl)},
          {"at", at},
          {"value", value},
          {"withdrawn", withdrawn}};
}

Status Replica::Impl::upgrade_quarantine() {
  WX_ASSIGN_OR_RETURN(auto cols, sql::Stmt::prepare(db, "PRAGMA table_info(quarantine)"));
  WX_ASSIGN_OR_RETURN(auto names, cols.column_texts(1));
  std::set<std::string> have(names.begin(), names.end());
  const std::pair<const char*, const char*> later[] = {
      {"replica", "TEXT NOT NULL DEFAULT ''"},   {"author", "TEXT NOT NULL DEFAULT ''"},
      {"value", "TEXT NOT NULL DEFAULT 'null'"}, {"withdrawn", "INTEGER NOT NULL DEFAULT 0"},
      {"type", "TEXT NOT NULL DEFAULT ''"},      {"key", "TEXT NOT NULL DEFAULT ''"},
      {"args", "TEXT NOT NULL DEFAULT '{}'"}};
  for (auto [name, type] : later)
    if (!have.count(name))
      WX_RETURN_IF_ERROR(
          db.exec(std::string("ALTER TABLE quarantine ADD COLUMN ") + name + " " + type));
  return Status::ok();
}

Status Replica::quarantine(const std::vector<RejectedChange>& rejected) {
  if (rejected.empty()) return Status::ok();
  Impl& impl = *impl_;
  WX_ASSIGN_OR_RETURN(auto tx, impl.begin_write());
  WX_ASSIGN_OR_RETURN(auto writer, QuarantineWriter::prepare(impl));
  for (const RejectedChange& r : rejected) {
    WX_ASSIGN_OR_RETURN(auto header, impl.load_header(r.entity));
    WX_ASSIGN_OR_RETURN(auto fields, impl.load_fields(r.entity));
    WX_RETURN_IF_ERROR(writer.record(r, header, fields, false));
  }
  return tx.commit();
}

// Stores what is left of an entity after a withdrawal, without a new seq (nothing new was
// written: the entity only lost states nobody else accepted); an entity left with nothing
// is forgotten. Change rows no field carries any more go.
static Status store_withdrawn(Replica::Impl& impl, EntityHeader& header,
                              const EntityFields& fields) {
  if (fields.empty()) {
    WX_ASSIGN_OR_RETURN(auto del,
                        sql::Stmt::prepare(impl.db, "DELETE FROM entities WHERE rowid = ?1"));
    WX_RETURN_IF_ERROR(del.bind(1, header.rowid).run());
  } else {
    header.deleted = is_deleted(fields);
    WX_RETURN_IF_ERROR(impl.update_entity.bind(1, header.rowid)
                           .bind(2, header.deleted ? 1 : 0)
                           .bind_blob(3, encode_state(fields))
                           .bind(4, build_doc_text(header, fields))
                           .run());
  }
  WX_ASSIGN_OR_RETURN(auto seqs,
                      sql::Stmt::prepare(impl.db, "SELECT seq FROM changes WHERE entity = ?1"));
  seqs.bind(1, header.rowid);
  std::vector<uint64_t> orphaned;
  while (true) {
    WX_ASSIGN_OR_RETURN(bool row, seqs.step());
    if (!row) break;
    uint64_t q = seqs.uint64(0);
    if (std::none_of(fields.begin(), fields.end(), [&](auto& kv) { return kv.second.seq == q; }))
      orphaned.push_back(q);
  }
  for (uint64_t q : orphaned) WX_RETURN_IF_ERROR(impl.delete_change.bind(1, q).run());
  return Status::ok();
}

Result<std::vector<std::string>> Replica::withdraw_refused(
    const std::vector<RejectedChange>& refused, const Bundle& pushed) {
  if (refused.empty()) return std::vector<std::string>{};
  Impl& impl = *impl_;
  std::map<std::string, std::vector<const Change*>> pushed_of;
  for (const Change& c : pushed.changes) pushed_of[c.entity].push_back(&c);
  std::set<std::string> buckets;
  std::vector<ChangeEvent> events;
  WX_ASSIGN_OR_RETURN(auto tx, impl.begin_write());
  WX_RETURN_IF_ERROR(impl.forget_knowledge());
  WX_ASSIGN_OR_RETURN(auto writer, QuarantineWriter::prepare(impl));
  for (const RejectedChange& r : refused) {
    WX_ASSIGN_OR_RETURN(auto header, impl.load_header(r.entity));
    WX_ASSIGN_OR_RETURN(auto fields, impl.load_fields(r.entity));
    EntityFields before = fields;
    bool withdrawn = header && remove_pushed_rows(fields, r.field, pushed_of[r.entity]);
    WX_RETURN_IF_ERROR(writer.record(r, header, before, withdrawn));
    if (!withdrawn) continue;
    WX_RETURN_IF_ERROR(store_withdrawn(impl, *header, fields));
    buckets.insert(header->bucket);
    events.push_back({header->id, header->type, header->bucket, fields.empty() || header->deleted});
  }
  // The withdrawn rows may have been the newest: keep their seqs from being given again.
  WX_RETURN_IF_ERROR(impl.set_meta(Replica::Impl::kSeqHigh, std::to_string(impl.seq)));
  WX_RETURN_IF_ERROR(tx.commit());
  impl.notify(events);
  return std::vector<std::string>(buckets.begin(), buckets.end());
}

Result<std::vector<QuarantinedChange>> Replica::quarantined() const {
  WX_ASSIGN_OR_RETURN(auto st,
                      sql::Stmt::prepare(impl_->db,
                                         "SELECT entity, field, code, message, at, "
                                         "replica, author, value, withdrawn, type, key, "
                                         "args FROM quarantine ORDER BY at, entity, field"));
  std::vector<QuarantinedChange> out;
  while (true) {
    WX_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    QuarantinedChange q;
    q.entity = st.text(0);
    q.field = st.text(1);
    q.code = st.text(2);
    q.message = st.text(3);
    q.at = st.text(4);
    q.replica = st.text(5);
    q.author = st.text(6);
    q.value = json::parse(st.text(7), nullptr, false);
    if (q.value.is_discarded())
      return make_error(WX_CORRUPT, "quarantine entry " + q.id() + ": stored value is damaged");
    q.withdrawn = st.int64(8) != 0;
    q.type = st.text(9);
    q.key = st.text(10);
    json args = json::parse(st.text(11), nullptr, false);
    if (args.is_object())
      for (auto& [name, v] : args.items())
        if (v.is_string()) q.args.emplace_back(name, v.get<std::string>());
    out.push_back(std::move(q));
  }
  return out;
}

Status Replica::clear_quarantine() {
  return impl_->db.exec("DELETE FROM quarantine");
}

static Status no_entry(const std::string& entity, const std::string& field) {
  return make_error(WX_NOT_FOUND, "no quarantined change " + entity + "/" + field +
                                      " (list them with 'quarantine')");
}

Status Replica::drop_quarantined(const std::string& entity, const std::string& field) {
  WX_ASSIGN_OR_RETURN(
      auto st,
      sql::Stmt::prepare(impl_->db, "DELETE FROM quarantine WHERE entity = ?1 AND field = ?2"));
  WX_RETURN_IF_ERROR(st.bind(1, entity).bind(2, field).run());
  if (impl_->db.changes() == 0) return no_entry(entity, field);
  return Status::ok();
}

Status Replica::retry_quarantined(const std::string& entity, const std::string& field) {
  Impl& impl = *impl_;
  WX_ASSIGN_OR_RETURN(auto entries, quarantined());
  auto entry = std::find_if(entries.begin(), entries.end(), [&](const QuarantinedChange& q) {
    return q.entity == entity && q.field == field;
  });
  if (entry == entries.end()) return no_entry(entity, field);
  WX_ASSIGN_OR_RETURN(auto tx, impl.begin_write());
  WX_ASSIGN_OR_RETURN(
      auto del,
      sql::Stmt::prepare(impl.db, "DELETE FROM quarantine WHERE entity = ?1 AND field = ?2"));
  WX_RETURN_IF_ERROR(del.bind(1, entity).bind(2, field).run());
  WX_ASSIGN_OR_RETURN(auto header, impl.load_header(entity));
  auto gone = [&] {
    return make_error(WX_NOT_FOUND, "entity " + entity + " has no field '" + field +
                                        "' on this device any more; drop the entry instead");
  };
  if (!header) return gone();
  if (entry->withdrawn) {
    if (field.empty()) return gone();
    WX_RETURN_IF_ERROR(put({{"id", entity}, {field, entry->value}}).status());
    return tx.commit();
  }
  WX_ASSIGN_OR_RETURN(auto fields, impl.load_fields(entity));
  bool any = false;
  for (auto& [key, row] : fields)
    if (key.first == field) row.dirty = any = true;
  if (!any) return gone();
  WX_RETURN_IF_ERROR(impl.store_entity(*header, fields));
  return tx.commit();
}

}  // namespace werkex
