// PgDossierStore (dossier_store_pg.hpp): opening, the lookups and the change feed. The writes
// are in dossier_store_pg_write.cpp.
#include "dossier_store_pg.hpp"

#include <sodium.h>
#include <unistd.h>

#include "pg_cursors.hpp"
#include "pg_entity_rows.hpp"
#include "pg_schema.hpp"
#include "werkex/ids.hpp"
#include "werkex/messages.hpp"
#include "werkex/signoff.hpp"

namespace werkex::server {

namespace {

Result<json> parse_doc(std::string_view text, const std::string& id) {
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded())
    return make_error(WX_CORRUPT, "entity " + id + ": stored document is not JSON");
  return doc;
}

// A fresh random replica id for this process, recorded with where it runs (§5).
Result<uint64_t> register_process(pg::Conn& conn) {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  for (int attempt = 0; attempt < 8; ++attempt) {
    uint64_t id = 0;
    randombytes_buf(&id, sizeof id);
    id &= 0x7fffffffffffffffull;  // fits PostgreSQL's bigint
    if (id == 0) continue;
    WX_ASSIGN_OR_RETURN(auto rows, conn.exec("INSERT INTO server_processes(replica, host, pid) "
                                             "VALUES($1, $2, $3) ON CONFLICT DO NOTHING",
                                             {id, std::string(host), int64_t{getpid()}}));
    if (rows.affected() == 1) return id;
  }
  return make_error(WX_INTERNAL, "no free replica id for this server process");
}

}  // namespace

PgDossierStore::PgDossierStore(pg::Conn conn, PgDossierOptions options)
    : conn_(std::move(conn)),
      schema_(std::move(options.schema)),
      clock_(options.clock ? *options.clock : system_clock_),
      max_skew_ms_(options.max_clock_skew_ms) {}

PgDossierStore::~PgDossierStore() = default;

Result<std::unique_ptr<PgDossierStore>> PgDossierStore::open(PgDossierOptions options) {
  if (sodium_init() < 0) return make_error(WX_INTERNAL, "libsodium failed to initialise");
  if (!options.schema) {
    WX_ASSIGN_OR_RETURN(options.schema, Schema::builtin());
  }
  WX_ASSIGN_OR_RETURN(pg::Conn conn, pg::Conn::connect(options.conninfo));
  WX_RETURN_IF_ERROR(pg::require_latest_schema(conn));
  const bool read_only = options.read_only;
  std::unique_ptr<PgDossierStore> store(new PgDossierStore(std::move(conn), std::move(options)));
  store->server_identity_ = Identity{"server", "admin", "", ""};
  if (read_only) return store;
  WX_ASSIGN_OR_RETURN(store->replica_, register_process(store->conn_));
  // Above every stamp stored, whoever wrote it: a restarted process on a machine whose clock
  // is behind must not stamp below what it wrote before (§5).
  WX_ASSIGN_OR_RETURN(auto top, store->conn_.exec("SELECT coalesce(max(hlc), 0) FROM changes"));
  WX_ASSIGN_OR_RETURN(int64_t hlc, top.int64(0, 0));
  store->clock_.restore_last(Hlc{static_cast<uint64_t>(hlc)});
  return store;
}

Result<json> PgDossierStore::get(const std::string& id) const {
  WX_ASSIGN_OR_RETURN(auto rows,
                      conn_.exec("SELECT doc FROM entities WHERE id = $1 AND state <> ''", {id}));
  if (rows.empty()) return error_of(WX_NOT_FOUND, Msg::entity_not_found, {{"id", id}});
  return parse_doc(rows.text(0, 0), id);
}

Result<std::vector<Change>> PgDossierStore::field_states(const std::string& id) const {
  WX_ASSIGN_OR_RETURN(auto e, pg::load_entity(conn_, id, false));
  if (!e || e->second.empty()) return error_of(WX_NOT_FOUND, Msg::entity_not_found, {{"id", id}});
  std::vector<Change> out;
  append_changes(e->first, std::move(e->second), {}, out);
  return out;
}

Result<std::vector<json>> PgDossierStore::list(const Query& q) const {
  if (!q.order_by.empty() || q.limit || q.offset)
    return make_error(WX_INVALID_ARGUMENT,
                      "the PostgreSQL store lists by type, bucket and field only");
  std::string sql = "SELECT id, doc FROM entities WHERE state <> ''";
  std::vector<pg::Param> params;
  auto param = [&](pg::Param p) {
    params.push_back(std::move(p));
    return "$" + std::to_string(params.size());
  };
  if (!q.type.empty()) sql += " AND type = " + param(q.type);
  if (!q.bucket.empty()) sql += " AND bucket = " + param(q.bucket);
  if (!q.include_deleted) sql += " AND NOT deleted";
  if (!q.field.empty()) {
    if (!is_field_name(q.field))
      return make_error(WX_INVALID_ARGUMENT, "'" + q.field + "' is not a plain identifier");
    if (!q.equals.is_string() && !q.equals.is_boolean() && !q.equals.is_number_integer())
      return make_error(WX_INVALID_ARGUMENT,
                        "a list filter compares with a string, integer or boolean");
    const std::string f = param(q.field), v = param(q.equals.dump());
    // The value itself, or an element of a set (an array) holding it.
    sql += " AND (doc::jsonb -> " + f + " = " + v + "::jsonb OR (jsonb_typeof(doc::jsonb -> " + f +
           ") = 'array' AND doc::jsonb -> " + f + " @> jsonb_build_array(" + v + "::jsonb)))";
  }
  sql += " ORDER BY id";
  WX_ASSIGN_OR_RETURN(auto rows, conn_.exec(sql, params));
  std::vector<json> out;
  out.reserve(rows.size());
  for (int r = 0; r < rows.size(); ++r) {
    WX_ASSIGN_OR_RETURN(json doc, parse_doc(rows.text(r, 1), std::string(rows.text(r, 0))));
    out.push_back(std::move(doc));
  }
  return out;
}

Result<uint64_t> PgDossierStore::bucket_seq(const std::string& bucket) const {
  WX_ASSIGN_OR_RETURN(
      auto rows,
      conn_.exec("SELECT coalesce(max(cursor), 0) FROM changes WHERE bucket = $1", {bucket}));
  WX_ASSIGN_OR_RETURN(int64_t seq, rows.int64(0, 0));
  return static_cast<uint64_t>(seq);
}

Status PgDossierStore::check_signoff_authority(const json& signoff) const {
  return werkex::check_signoff_authority(*this, signoff);
}

uint64_t PgDossierStore::last_seq() const {
  if (auto last = pg::last_cursor(conn_)) last_seen_ = *last;
  return last_seen_;
}

Result<Bundle> PgDossierStore::changes_since(uint64_t cursor, size_t limit,
                                             const ChangeFilter& filter) const {
  WX_ASSIGN_OR_RETURN(Page page, page_since(cursor, limit, filter));
  return std::move(page.bundle);
}

Result<DossierStore::Page> PgDossierStore::page_since(uint64_t cursor, size_t limit,
                                                      const ChangeFilter& filter) const {
  // The counter and the rows at or below it, in one statement: one snapshot, one round trip.
  // The counter's row always comes back (with no change: NULLs beside it).
  std::string sql =
      "WITH upto AS (SELECT last FROM cursor_counter) SELECT upto.last, x.cursor, x.id, x.type, "
      "x.bucket, x.state FROM upto LEFT JOIN LATERAL (SELECT c.cursor, e.id, e.type, e.bucket, "
      "e.state FROM changes c JOIN entities e ON e.id = c.entity WHERE c.cursor > $1 AND "
      "c.cursor <= upto.last";
  std::vector<pg::Param> params = {cursor};
  if (!filter.bucket.empty()) {
    params.push_back(filter.bucket);
    sql += " AND c.bucket = $2";
  }
  if (filter.skip_from_server) sql += " AND NOT c.from_server";
  sql += " ORDER BY c.cursor";
  if (limit) sql += " LIMIT " + std::to_string(limit);
  sql += ") x ON true ORDER BY x.cursor";
  WX_ASSIGN_OR_RETURN(auto rows, conn_.exec(sql, params));
  if (rows.empty()) return make_error(WX_CORRUPT, "PostgreSQL: cursor_counter has no row");
  WX_ASSIGN_OR_RETURN(int64_t counter, rows.int64(0, 0));
  const uint64_t upto = static_cast<uint64_t>(counter);
  last_seen_ = upto;
  Page page;
  Bundle& b = page.bundle;
  b.from_replica = replica_;
  b.schema_version = schema_->version();
  b.since_seq = cursor;
  b.upto_seq = cursor;
  size_t read = 0;
  for (int r = 0; r < rows.size(); ++r) {
    if (rows.is_null(r, 1)) continue;  // no change: the counter's row alone
    ++read;
    WX_ASSIGN_OR_RETURN(int64_t q, rows.int64(r, 1));
    EntityHeader h{std::string(rows.text(r, 2)), std::string(rows.text(r, 3)),
                   std::string(rows.text(r, 4))};
    WX_ASSIGN_OR_RETURN(std::string state, rows.bytes(r, 5));
    WX_ASSIGN_OR_RETURN(EntityFields fields, decode_state(state, h.id, static_cast<uint64_t>(q)));
    append_changes(h, std::move(fields), filter.known, b.changes);
    b.upto_seq = static_cast<uint64_t>(q);
  }
  if (!limit || read < limit) b.upto_seq = std::max(b.upto_seq, upto);
  page.more = b.upto_seq < upto;
  return page;
}

}  // namespace werkex::server
