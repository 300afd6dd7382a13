#include <sodium.h>

#include <algorithm>
#include <cctype>

#include "replica_impl.hpp"
#include "werkex/ids.hpp"

namespace werkex {

namespace {

constexpr int kStoreFormat = 1;

// The element lists of a set row, in the `value` column.
json set_stamps_json(const FieldState& s) {
  auto arr = [](const std::vector<Stamp>& v) {
    json a = json::array();
    for (auto& st : v) a.push_back({st.hlc.value, st.replica});
    return a;
  };
  return {{"a", arr(s.adds)}, {"r", arr(s.removed)}};
}

std::vector<Stamp> stamps_from(const json& a) {
  std::vector<Stamp> out;
  out.reserve(a.size());
  for (auto& p : a) out.push_back({Hlc{p[0].get<uint64_t>()}, p[1].get<uint64_t>()});
  return out;
}

bool is_identifier(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::islower(c) || std::isdigit(c) || c == '_';
  });
}

// Decodes the columns (elem, rule, value, hlc, replica, base_hlc, base_replica, lost) that
// start at `col` into a row. Corruption (text that is not the JSON we wrote) is an error.
Result<FieldRow> decode_row(const sql::Stmt& st, int col) {
  FieldRow fr;
  FieldState& s = fr.state;
  int rule = static_cast<int>(st.int64(col + 1));
  json value = json::parse(st.text(col + 2), nullptr, false);
  if (rule < 0 || rule > 2 || value.is_discarded())
    return make_error(WX_CORRUPT, "a stored field state is damaged");
  s.rule = static_cast<MergeRule>(rule);
  try {
    if (s.rule == MergeRule::set) {
      fr.element = json::parse(st.text(col));
      s.adds = stamps_from(value.at("a"));
      s.removed = stamps_from(value.at("r"));
    } else {
      s.value = std::move(value);
      s.stamp = {Hlc{st.uint64(col + 3)}, st.uint64(col + 4)};
      s.base = {Hlc{st.uint64(col + 5)}, st.uint64(col + 6)};
      if (!st.is_null(col + 7)) {
        json lost = json::parse(st.text(col + 7));
        s.lost = LostWrite{lost.at("v"), {Hlc{lost.at("s").at(0).get<uint64_t>()}, lost.at("s").at(1).get<uint64_t>()}};
      }
    }
  } catch (const json::exception& e) {
    return make_error(WX_CORRUPT, std::string("a stored field state is damaged: ") + e.what());
  }
  return fr;
}

}  // namespace

Status Replica::Impl::init_schema_and_statements(bool durable) {
  WX_RETURN_IF_ERROR(db.exec("PRAGMA journal_mode=WAL"));
  WX_RETURN_IF_ERROR(db.exec(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"));
  WX_RETURN_IF_ERROR(db.exec(R"sql(
    CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS docs(
      entity TEXT PRIMARY KEY, type TEXT NOT NULL, bucket TEXT NOT NULL,
      deleted INTEGER NOT NULL DEFAULT 0, doc TEXT NOT NULL) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS docs_by_type ON docs(type, bucket, deleted);
    CREATE INDEX IF NOT EXISTS docs_by_activity ON docs(json_extract(doc, '$.activity'));
    CREATE INDEX IF NOT EXISTS docs_by_reflection ON docs(json_extract(doc, '$.reflection'));
    CREATE INDEX IF NOT EXISTS docs_by_on ON docs(json_extract(doc, '$.on'));
    CREATE INDEX IF NOT EXISTS docs_by_occurred ON docs(type, json_extract(doc, '$.occurred_at'));
    CREATE TABLE IF NOT EXISTS fields(
      entity TEXT NOT NULL, name TEXT NOT NULL, elem TEXT NOT NULL, rule INTEGER NOT NULL,
      value TEXT NOT NULL, hlc INTEGER NOT NULL, replica INTEGER NOT NULL,
      base_hlc INTEGER NOT NULL, base_replica INTEGER NOT NULL, lost TEXT,
      seq INTEGER NOT NULL, PRIMARY KEY(entity, name, elem)) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS fields_by_seq ON fields(seq);
    CREATE TABLE IF NOT EXISTS peers(replica INTEGER PRIMARY KEY, seq INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS blobs(
      hash TEXT PRIMARY KEY, size INTEGER NOT NULL, mime TEXT NOT NULL, state TEXT NOT NULL)
      WITHOUT ROWID;
  )sql"));
  auto prep = [&](sql::Stmt& st, std::string_view q) -> Status {
    auto r = sql::Stmt::prepare(db, q);
    if (!r) return r.error();
    st = std::move(r).value();
    return Status::ok();
  };
  WX_RETURN_IF_ERROR(prep(get_header, "SELECT type, bucket, deleted FROM docs WHERE entity = ?1"));
  WX_RETURN_IF_ERROR(prep(get_doc, "SELECT doc FROM docs WHERE entity = ?1"));
  WX_RETURN_IF_ERROR(prep(get_fields,
      "SELECT name, elem, rule, value, hlc, replica, base_hlc, base_replica, lost "
      "FROM fields WHERE entity = ?1"));
  WX_RETURN_IF_ERROR(prep(put_field,
      "INSERT OR REPLACE INTO fields(entity, name, elem, rule, value, hlc, replica, base_hlc, "
      "base_replica, lost, seq) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
  WX_RETURN_IF_ERROR(prep(put_doc,
      "INSERT OR REPLACE INTO docs(entity, type, bucket, deleted, doc) VALUES(?1, ?2, ?3, ?4, ?5)"));
  WX_RETURN_IF_ERROR(prep(get_meta, "SELECT value FROM meta WHERE key = ?1"));
  WX_RETURN_IF_ERROR(prep(put_meta, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)"));
  WX_RETURN_IF_ERROR(prep(get_peer, "SELECT seq FROM peers WHERE replica = ?1"));
  WX_RETURN_IF_ERROR(prep(put_peer,
      "INSERT INTO peers(replica, seq) VALUES(?1, ?2) "
      "ON CONFLICT(replica) DO UPDATE SET seq = max(seq, excluded.seq)"));
  return Status::ok();
}

Result<std::optional<std::string>> Replica::Impl::meta(const std::string& key) {
  get_meta.bind(1, key);
  WX_ASSIGN_OR_RETURN(bool row, get_meta.step());
  std::optional<std::string> out;
  if (row) out = std::string(get_meta.text(0));
  get_meta.reset();
  return out;
}

Status Replica::Impl::set_meta(const std::string& key, const std::string& value) {
  return put_meta.bind(1, key).bind(2, value).run();
}

Result<std::optional<EntityHeader>> Replica::Impl::load_header(const std::string& id) {
  get_header.bind(1, id);
  WX_ASSIGN_OR_RETURN(bool row, get_header.step());
  std::optional<EntityHeader> out;
  if (row)
    out = EntityHeader{id, std::string(get_header.text(0)), std::string(get_header.text(1)),
                       get_header.int64(2) != 0};
  get_header.reset();
  return out;
}

Result<EntityFields> Replica::Impl::load_fields(const std::string& id) {
  EntityFields out;
  get_fields.bind(1, id);
  while (true) {
    auto row = get_fields.step();
    if (!row) return row.error();
    if (!*row) break;
    auto fr = decode_row(get_fields, 1);
    if (!fr) {
      get_fields.reset();
      return make_error(WX_CORRUPT, "entity " + id + ": " + fr.error().message);
    }
    std::string elem(get_fields.text(1));
    out.emplace(std::make_pair(std::string(get_fields.text(0)), std::move(elem)), std::move(fr).value());
  }
  get_fields.reset();
  return out;
}

Status Replica::Impl::store_entity(const EntityHeader& header, EntityFields& fields) {
  for (auto& [key, row] : fields) {
    if (!row.dirty) continue;
    const FieldState& s = row.state;
    Stamp top = s.rule == MergeRule::set ? s.max_stamp() : s.stamp;
    put_field.bind(1, header.id).bind(2, key.first).bind(3, key.second).bind(4, static_cast<int>(s.rule));
    put_field.bind(5, s.rule == MergeRule::set ? set_stamps_json(s).dump() : s.value.dump());
    put_field.bind(6, top.hlc.value).bind(7, top.replica);
    put_field.bind(8, s.base.hlc.value).bind(9, s.base.replica);
    if (s.lost) {
      json lost = {{"v", s.lost->value}, {"s", {s.lost->stamp.hlc.value, s.lost->stamp.replica}}};
      put_field.bind(10, lost.dump());
    } else {
      put_field.bind_null(10);
    }
    put_field.bind(11, ++seq);
    WX_RETURN_IF_ERROR(put_field.run());
    row.dirty = false;
  }
  std::string doc = build_doc(header, fields).dump();
  return put_doc.bind(1, header.id).bind(2, header.type).bind(3, header.bucket)
      .bind(4, header.deleted ? 1 : 0).bind(5, doc).run();
}

Status Replica::Impl::persist_clock() { return set_meta("last_hlc", std::to_string(clock.last().value)); }

void Replica::Impl::notify(const std::vector<ChangeEvent>& events) {
  if (events.empty() || observers.empty()) return;
  // Copy first: an observer may add or remove observers.
  auto snapshot = observers;
  for (auto& [token, entry] : snapshot) {
    const Query& q = entry.first;
    std::vector<ChangeEvent> mine;
    for (auto& e : events)
      if ((q.type.empty() || q.type == e.type) && (q.bucket.empty() || q.bucket == e.bucket))
        mine.push_back(e);
    if (!mine.empty()) entry.second(mine);
  }
}

Replica::Replica(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Replica::~Replica() = default;

Result<std::unique_ptr<Replica>> Replica::open(const std::string& path, ReplicaOptions options) {
  if (sodium_init() < 0) return make_error(WX_INTERNAL, "libsodium failed to initialise");
  auto impl = std::make_unique<Impl>(options.clock);
  impl->path = path;
  if (options.schema) {
    impl->schema = options.schema;
  } else {
    WX_ASSIGN_OR_RETURN(impl->schema, Schema::builtin());
  }
  WX_ASSIGN_OR_RETURN(impl->db, sql::Db::open(path));
  WX_RETURN_IF_ERROR(impl->init_schema_and_statements(options.durable));

  WX_ASSIGN_OR_RETURN(auto format, impl->meta("store_format"));
  if (format && *format != std::to_string(kStoreFormat))
    return make_error(WX_CORRUPT, "'" + path + "' has store format " + *format +
                                      "; this build reads format " + std::to_string(kStoreFormat));
  WX_ASSIGN_OR_RETURN(auto replica_hex, impl->meta("replica_id"));
  if (!replica_hex) {
    WX_ASSIGN_OR_RETURN(auto tx, sql::Transaction::begin(impl->db));
    impl->replica_id = new_replica_id();
    WX_RETURN_IF_ERROR(impl->set_meta("replica_id", replica_to_hex(impl->replica_id)));
    WX_RETURN_IF_ERROR(impl->set_meta("store_format", std::to_string(kStoreFormat)));
    WX_RETURN_IF_ERROR(tx.commit());
  } else {
    auto id = replica_from_hex(*replica_hex);
    if (!id) return make_error(WX_CORRUPT, "'" + path + "': stored replica id is malformed");
    impl->replica_id = *id;
  }
  WX_ASSIGN_OR_RETURN(auto last_hlc, impl->meta("last_hlc"));
  if (last_hlc) impl->clock.restore_last(Hlc{std::stoull(*last_hlc)});
  {
    WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(impl->db, "SELECT coalesce(max(seq), 0) FROM fields"));
    WX_ASSIGN_OR_RETURN(bool row, st.step());
    if (row) impl->seq = st.uint64(0);
  }
  for (auto [key, member] : {std::pair{"user", &Identity::user}, {"role", &Identity::role},
                             {"bucket", &Identity::bucket}, {"school_bucket", &Identity::school_bucket}}) {
    WX_ASSIGN_OR_RETURN(auto v, impl->meta(std::string("identity.") + key));
    if (v) impl->identity.*member = *v;
  }
  return std::unique_ptr<Replica>(new Replica(std::move(impl)));
}

uint64_t Replica::replica_id() const { return impl_->replica_id; }
const Schema& Replica::schema() const { return *impl_->schema; }
HybridClock& Replica::clock() { return impl_->clock; }
const std::string& Replica::path() const { return impl_->path; }
const Identity& Replica::identity() const { return impl_->identity; }
uint64_t Replica::last_seq() const { return impl_->seq; }

Status Replica::set_identity(const Identity& id) {
  if (!impl_->schema->is_role(id.role))
    return make_error(WX_INVALID_ARGUMENT, "unknown role '" + id.role + "'");
  if (id.user.empty()) return make_error(WX_INVALID_ARGUMENT, "identity needs a user id");
  WX_ASSIGN_OR_RETURN(auto tx, sql::Transaction::begin(impl_->db));
  WX_RETURN_IF_ERROR(impl_->set_meta("identity.user", id.user));
  WX_RETURN_IF_ERROR(impl_->set_meta("identity.role", id.role));
  WX_RETURN_IF_ERROR(impl_->set_meta("identity.bucket", id.bucket));
  WX_RETURN_IF_ERROR(impl_->set_meta("identity.school_bucket", id.school_bucket));
  WX_RETURN_IF_ERROR(tx.commit());
  impl_->identity = id;
  return Status::ok();
}

Result<std::optional<std::string>> Replica::setting(const std::string& key) const {
  return impl_->meta("setting." + key);
}

Status Replica::set_setting(const std::string& key, const std::string& value) {
  return impl_->set_meta("setting." + key, value);
}

Result<json> Replica::get(const std::string& id) const {
  impl_->get_doc.bind(1, id);
  WX_ASSIGN_OR_RETURN(bool row, impl_->get_doc.step());
  if (!row) {
    impl_->get_doc.reset();
    return make_error(WX_NOT_FOUND, "no entity with id '" + id + "'");
  }
  json doc = json::parse(impl_->get_doc.text(0), nullptr, false);
  impl_->get_doc.reset();
  if (doc.is_discarded()) return make_error(WX_CORRUPT, "entity " + id + ": stored document is not JSON");
  return doc;
}

Result<std::vector<json>> Replica::list(const Query& q) const {
  for (const std::string* f : {&q.field, &q.order_by})
    if (!f->empty() && !is_identifier(*f))
      return make_error(WX_INVALID_ARGUMENT, "field name '" + *f + "' is not a plain identifier");
  // Field names are checked identifiers, so the JSON paths can be literals, which lets
  // SQLite use the expression indexes on docs.
  std::string sql = "SELECT doc FROM docs WHERE 1";
  if (!q.type.empty()) sql += " AND type = ?1";
  if (!q.bucket.empty()) sql += " AND bucket = ?2";
  if (!q.include_deleted) sql += " AND deleted = 0";
  if (!q.field.empty()) {
    sql += " AND (json_extract(doc, '$." + q.field + "') = ?3 OR EXISTS (SELECT 1 FROM json_each(doc, '$." +
           q.field + "') WHERE json_each.type != 'object' AND json_each.value = ?3))";
  }
  if (!q.order_by.empty()) sql += " ORDER BY json_extract(doc, '$." + q.order_by + "'), entity";
  else sql += " ORDER BY entity";
  if (q.limit) sql += " LIMIT " + std::to_string(q.limit);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(impl_->db, sql));
  if (!q.type.empty()) st.bind(1, q.type);
  if (!q.bucket.empty()) st.bind(2, q.bucket);
  if (!q.field.empty()) {
    if (q.equals.is_string()) st.bind(3, q.equals.get<std::string>());
    else if (q.equals.is_boolean()) st.bind(3, q.equals.get<bool>() ? 1 : 0);
    else if (q.equals.is_number_integer()) st.bind(3, q.equals.get<int64_t>());
    else return make_error(WX_INVALID_ARGUMENT, "a list filter compares with a string, integer or boolean");
  }
  std::vector<json> out;
  while (true) {
    WX_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    out.push_back(json::parse(st.text(0), nullptr, false));
  }
  return out;
}

Result<std::string> Replica::dump() const {
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(impl_->db, "SELECT doc FROM docs ORDER BY entity"));
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

Result<Bundle> Replica::changes_since(uint64_t since, size_t limit) const {
  std::string sql =
      "SELECT f.entity, d.type, d.bucket, f.name, f.elem, f.rule, f.value, f.hlc, f.replica, "
      "f.base_hlc, f.base_replica, f.lost, f.seq FROM fields f JOIN docs d ON d.entity = f.entity "
      "WHERE f.seq > ?1 ORDER BY f.seq";
  if (limit) sql += " LIMIT " + std::to_string(limit);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(impl_->db, sql));
  st.bind(1, since);
  Bundle b;
  b.from_replica = impl_->replica_id;
  b.schema_version = impl_->schema->version();
  b.since_seq = since;
  b.upto_seq = since;
  while (true) {
    WX_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    Change c;
    c.entity = st.text(0);
    c.type = st.text(1);
    c.bucket = st.text(2);
    c.field = st.text(3);
    WX_ASSIGN_OR_RETURN(FieldRow decoded, decode_row(st, 4));
    c.element = std::move(decoded.element);
    c.state = std::move(decoded.state);
    b.upto_seq = st.uint64(12);
    b.changes.push_back(std::move(c));
  }
  if (!limit || b.changes.size() < limit) b.upto_seq = std::max(b.upto_seq, impl_->seq);
  return b;
}

Result<uint64_t> Replica::peer_seq(uint64_t replica) const {
  impl_->get_peer.bind(1, replica);
  WX_ASSIGN_OR_RETURN(bool row, impl_->get_peer.step());
  uint64_t seq = row ? impl_->get_peer.uint64(0) : 0;
  impl_->get_peer.reset();
  return seq;
}

uint64_t Replica::add_observer(Query query, Observer observer) {
  uint64_t token = impl_->next_observer++;
  impl_->observers.emplace(token, std::make_pair(std::move(query), std::move(observer)));
  return token;
}

void Replica::remove_observer(uint64_t token) { impl_->observers.erase(token); }

}  // namespace werkex
