// The quarantine: changes the server refused, kept visible with whose they were, until the
// user drops one, retries one, or clears them all.
#include "replica_impl.hpp"
#include "werkex/ids.hpp"

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

}  // namespace

json QuarantinedChange::to_json() const {
  return {{"id", id()},       {"entity", entity}, {"field", field},     {"replica", replica},
          {"author", author}, {"code", code},     {"message", message}, {"at", at}};
}

Status Replica::Impl::upgrade_quarantine() {
  WX_ASSIGN_OR_RETURN(auto cols, sql::Stmt::prepare(db, "PRAGMA table_info(quarantine)"));
  bool has_replica = false;
  while (true) {
    WX_ASSIGN_OR_RETURN(bool row, cols.step());
    if (!row) break;
    if (cols.text(1) == "replica") has_replica = true;
  }
  if (has_replica) return Status::ok();
  return db.exec(
      "ALTER TABLE quarantine ADD COLUMN replica TEXT NOT NULL DEFAULT '';"
      "ALTER TABLE quarantine ADD COLUMN author TEXT NOT NULL DEFAULT ''");
}

Status Replica::quarantine(const std::vector<RejectedChange>& rejected) {
  if (rejected.empty()) return Status::ok();
  Impl& impl = *impl_;
  std::string now = rfc3339_utc(impl.clock.physical_millis());
  WX_ASSIGN_OR_RETURN(auto tx, sql::Transaction::begin(impl.db));
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(impl.db,
                                                  "INSERT OR REPLACE INTO quarantine(entity, "
                                                  "field, code, message, at, replica, author) "
                                                  "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  for (const RejectedChange& r : rejected) {
    std::string replica, author;
    WX_ASSIGN_OR_RETURN(auto fields, impl.load_fields(r.entity));
    if (auto stamp = field_stamp(fields, r.field); stamp && stamp->replica) {
      replica = replica_to_hex(stamp->replica);
      if (stamp->replica == impl.replica_id) author = impl.identity.user;
    }
    for (const char* who : {"author", "signer"}) {
      auto it = fields.find({who, ""});
      if (author.empty() && it != fields.end() && it->second.state.value.is_string())
        author = it->second.state.value.get<std::string>();
    }
    WX_RETURN_IF_ERROR(st.bind(1, r.entity)
                           .bind(2, r.field)
                           .bind(3, error_code_name(r.error.code))
                           .bind(4, r.error.message)
                           .bind(5, now)
                           .bind(6, replica)
                           .bind(7, author)
                           .run());
  }
  return tx.commit();
}

Result<std::vector<QuarantinedChange>> Replica::quarantined() const {
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(impl_->db,
                                                  "SELECT entity, field, code, message, at, "
                                                  "replica, author FROM quarantine ORDER BY at, "
                                                  "entity, field"));
  std::vector<QuarantinedChange> out;
  while (true) {
    WX_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    out.push_back({std::string(st.text(0)), std::string(st.text(1)), std::string(st.text(2)),
                   std::string(st.text(3)), std::string(st.text(4)), std::string(st.text(5)),
                   std::string(st.text(6))});
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
  WX_ASSIGN_OR_RETURN(auto tx, impl.begin_write());
  WX_ASSIGN_OR_RETURN(
      auto del,
      sql::Stmt::prepare(impl.db, "DELETE FROM quarantine WHERE entity = ?1 AND field = ?2"));
  WX_RETURN_IF_ERROR(del.bind(1, entity).bind(2, field).run());
  if (impl.db.changes() == 0) return no_entry(entity, field);
  WX_ASSIGN_OR_RETURN(auto header, impl.load_header(entity));
  WX_ASSIGN_OR_RETURN(auto fields, impl.load_fields(entity));
  bool any = false;
  for (auto& [key, row] : fields)
    if (key.first == field) row.dirty = any = true;
  if (!header || !any)
    return make_error(WX_NOT_FOUND, "entity " + entity + " has no field '" + field +
                                        "' on this device any more; drop the entry instead");
  WX_RETURN_IF_ERROR(impl.store_entity(*header, fields));
  return tx.commit();
}

}  // namespace werkex
