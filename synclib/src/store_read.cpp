// Reads of a replica: documents by id and by query (streamed or listed), the canonical dump,
// and the change feed (changes_since) that bundles and pushes are cut from.
#include <algorithm>

#include "replica_impl.hpp"
#include "state_codec.hpp"
#include "werkex/messages.hpp"

namespace werkex {

Result<json> Replica::get(const std::string& id) const {
  impl_->get_doc.bind(1, id);
  WX_ASSIGN_OR_RETURN(bool row, impl_->get_doc.step());
  if (!row) {
    impl_->get_doc.reset();
    return error_of(WX_NOT_FOUND, Msg::entity_not_found, {{"id", id}});
  }
  json doc = json::parse(impl_->get_doc.text(0), nullptr, false);
  impl_->get_doc.reset();
  if (doc.is_discarded())
    return make_error(WX_CORRUPT, "entity " + id + ": stored document is not JSON");
  return doc;
}

// The SQL for a query over `entities`, selecting `what`, with ?2 = bucket, ?3 = the value,
// ?4 and ?5 the limit and offset (bound, so one statement serves every page).
static Result<sql::CachedStmt> prepare_query(const sql::Db& db, const Query& q, const char* what) {
  for (const std::string* f : {&q.type, &q.field, &q.order_by})
    if (!f->empty() && !is_field_name(*f))
      return make_error(WX_INVALID_ARGUMENT, "'" + *f + "' is not a plain identifier");
  // Type and field names are checked identifiers, so they can be literals in the SQL, which
  // lets SQLite use the partial expression indexes on docs.
  std::string sql = std::string("SELECT ") + what + " FROM entities WHERE 1";
  if (!q.type.empty()) sql += " AND type = '" + q.type + "'";
  if (!q.bucket.empty()) sql += " AND bucket = ?2";
  if (!q.include_deleted) sql += " AND deleted = 0";
  if (!q.field.empty()) {
    sql += " AND (json_extract(doc, '$." + q.field +
           "') = ?3 OR EXISTS (SELECT 1 FROM json_each(doc, '$." + q.field +
           "') WHERE json_each.type != 'object' AND json_each.value = ?3))";
  }
  if (!q.order_by.empty())
    sql += " ORDER BY json_extract(doc, '$." + q.order_by + "'), id";
  else
    sql += " ORDER BY id";
  const bool paged = q.limit || q.offset;
  if (paged) sql += " LIMIT ?4 OFFSET ?5";
  WX_ASSIGN_OR_RETURN(auto st, db.cached(sql));
  if (!q.bucket.empty()) st->bind(2, q.bucket);
  if (paged)
    st->bind(4, q.limit ? static_cast<int64_t>(q.limit) : -1)
        .bind(5, static_cast<int64_t>(q.offset));
  if (!q.field.empty()) {
    if (q.equals.is_string())
      st->bind(3, q.equals.get<std::string>());
    else if (q.equals.is_boolean())
      st->bind(3, q.equals.get<bool>() ? 1 : 0);
    else if (q.equals.is_number_integer())
      st->bind(3, q.equals.get<int64_t>());
    else
      return make_error(WX_INVALID_ARGUMENT,
                        "a list filter compares with a string, integer or boolean");
  }
  return st;
}

Status Replica::scan(const Query& q, const std::function<bool(std::string_view)>& visit) const {
  WX_ASSIGN_OR_RETURN(auto st, prepare_query(impl_->db, q, "doc"));
  while (true) {
    WX_ASSIGN_OR_RETURN(bool row, st->step());
    if (!row || !visit(st->text(0))) break;
  }
  return Status::ok();
}

Result<size_t> Replica::count(const Query& q) const {
  Query unordered = q;
  unordered.order_by.clear();
  WX_ASSIGN_OR_RETURN(auto st, prepare_query(impl_->db, unordered, "count(*)"));
  WX_ASSIGN_OR_RETURN(bool row, st->step());
  return row ? static_cast<size_t>(st->int64(0)) : 0;
}

Result<uint64_t> Replica::bucket_seq(const std::string& bucket) const {
  WX_ASSIGN_OR_RETURN(auto st, impl_->db.cached("SELECT max(seq) FROM changes WHERE bucket = ?1"));
  st->bind(1, bucket);
  WX_ASSIGN_OR_RETURN(bool row, st->step());
  return row ? static_cast<uint64_t>(st->int64(0)) : 0;
}

Result<std::vector<json>> Replica::list(const Query& q) const {
  std::vector<json> out;
  Status corrupt;
  WX_RETURN_IF_ERROR(scan(q, [&](std::string_view text) {
    out.push_back(json::parse(text, nullptr, false));
    if (out.back().is_discarded())
      corrupt = make_error(WX_CORRUPT, "a stored document is not JSON");
    return corrupt.is_ok();
  }));
  WX_RETURN_IF_ERROR(corrupt);
  return out;
}

Result<std::string> Replica::dump() const {
  WX_ASSIGN_OR_RETURN(auto st,
                      sql::Stmt::prepare(impl_->db, "SELECT doc FROM entities ORDER BY id"));
  std::string out = "[";
  bool first = true;
  while (true) {
    WX_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    if (!first) out += ",\n";
    out += st.text(0);
    first = false;
  }
  out += "]\n";
  return out;
}

Result<Bundle> Replica::changes_since(uint64_t since, size_t limit,
                                      const ChangeFilter& filter) const {
  // Each `changes` row names an entity one or more of whose fields carry that seq; emitting
  // exactly those fields per row covers every field state with a seq in (since, upto].
  std::string sql =
      "SELECT c.seq, e.id, e.type, e.bucket, e.state FROM changes c JOIN entities e "
      "ON e.rowid = c.entity WHERE c.seq > ?1";
  if (!filter.bucket.empty()) sql += " AND c.bucket = ?2";
  if (filter.skip_from_server) sql += " AND c.from_server = 0";
  sql += " ORDER BY c.seq";
  sql += " LIMIT ?3";
  WX_ASSIGN_OR_RETURN(auto cached, impl_->db.cached(sql));
  sql::Stmt& st = *cached;
  st.bind(1, since).bind(3, limit ? static_cast<int64_t>(limit) : -1);
  if (!filter.bucket.empty()) st.bind(2, filter.bucket);
  // Read first: another process may commit while the rows are read, and a claim made before
  // its writes only undersells what the bundle carries.
  const bool whole_state = filter.bucket.empty() && !filter.skip_from_server;
  std::vector<Stamp> knows;
  if (whole_state) {
    WX_ASSIGN_OR_RETURN(knows, knowledge());
  }
  Bundle b;
  b.from_replica = impl_->replica_id;
  b.schema_version = impl_->schema->version();
  b.since_seq = since;
  b.upto_seq = since;
  size_t rows = 0;
  while (true) {
    WX_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    ++rows;
    uint64_t q = st.uint64(0);
    EntityHeader h{std::string(st.text(1)), std::string(st.text(2)), std::string(st.text(3))};
    WX_ASSIGN_OR_RETURN(EntityFields fields, decode_state(st.blob(4), h.id, q));
    append_changes(h, std::move(fields), filter.known, b.changes);
    b.upto_seq = q;
  }
  const bool complete = !limit || rows < limit;
  if (complete) b.upto_seq = std::max(b.upto_seq, impl_->seq);
  if (complete && whole_state) b.knowledge = std::move(knows);
  return b;
}

Result<uint64_t> Replica::peer_seq(uint64_t replica) const {
  impl_->get_peer.bind(1, replica);
  WX_ASSIGN_OR_RETURN(bool row, impl_->get_peer.step());
  uint64_t seq = row ? impl_->get_peer.uint64(0) : 0;
  impl_->get_peer.reset();
  return seq;
}

Result<std::vector<std::string>> Replica::buckets() const {
  WX_ASSIGN_OR_RETURN(
      auto st,
      sql::Stmt::prepare(impl_->db, "SELECT DISTINCT bucket FROM entities ORDER BY bucket"));
  return st.column_texts();
}

}  // namespace werkex
