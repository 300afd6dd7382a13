// Opening a replica (its tables, statements, identity and clock), the rows every operation
// goes through (load_header/load_fields/store_entity), settings, observers and
// write_together. Reads are in store_read.cpp, writes in store_write.cpp and store_apply.cpp.
#include <sodium.h>

#include <algorithm>
#include <cctype>

#include "replica_impl.hpp"
#include "state_codec.hpp"
#include "store_format.hpp"
#include "werkex/ids.hpp"

namespace werkex {

Status Replica::Impl::init_schema_and_statements(bool durable) {
  WX_RETURN_IF_ERROR(db.exec("PRAGMA journal_mode=WAL"));
  WX_RETURN_IF_ERROR(db.exec(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"));
  // 8 MB of page cache: a received batch, or a merge touching every entity of a 2,000-record
  // dossier, fits without spilling half-written pages to the WAL and reading them back
  // (4 MB made the peer workload's merge 15-20 % slower: werkex-bench --only peer); a phone's
  // memory budget (design.md: < 30 MB for a 10,000-entity dossier) still holds (25.7 MB).
  WX_RETURN_IF_ERROR(db.exec("PRAGMA cache_size=-8192"));
  // Checkpoint every 4,000 WAL pages (16 MB) instead of SQLite's 1,000: a page written by
  // many transactions between two checkpoints is copied once, and with synchronous=NORMAL
  // the checkpoints' fsyncs were 40 % of a single write (werkex-bench --only peer: NORMAL
  // write 91 -> 77-87 us, merge 790-880 -> 690-760 ms). The WAL file keeps its high-water
  // size (at most ~16 MB plus one transaction) on the disk.
  WX_RETURN_IF_ERROR(db.exec("PRAGMA wal_autocheckpoint=4000"));
  // One row per entity: its replicated field states and the document derived from them.
  // `changes` holds, for every seq still carried by some field, the entity it is in, so
  // changes_since() is a range scan; rows no field carries any more are deleted in batches
  // (store_stale.cpp).
  WX_RETURN_IF_ERROR(db.exec(R"sql(
    CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS entities(
      id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, bucket TEXT NOT NULL,
      deleted INTEGER NOT NULL DEFAULT 0, state BLOB NOT NULL, doc TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS entities_by_type ON entities(type, bucket, deleted);
    -- The links the cycle follows and the order lists show. Partial, so a document only
    -- pays for the indexes of its own type; list() names the type literally to use them.
    CREATE INDEX IF NOT EXISTS experience_activity ON entities(json_extract(doc, '$.activity'))
      WHERE type = 'experience';
    CREATE INDEX IF NOT EXISTS experience_time ON entities(json_extract(doc, '$.occurred_at'))
      WHERE type = 'experience';
    CREATE INDEX IF NOT EXISTS preparation_activity ON entities(json_extract(doc, '$.activity'))
      WHERE type = 'preparation';
    CREATE INDEX IF NOT EXISTS next_step_reflection ON entities(json_extract(doc, '$.reflection'))
      WHERE type = 'next_step';
    CREATE INDEX IF NOT EXISTS comment_on ON entities(json_extract(doc, '$.on'))
      WHERE type = 'comment';
    CREATE TABLE IF NOT EXISTS changes(
      seq INTEGER PRIMARY KEY, entity INTEGER NOT NULL, hlc INTEGER NOT NULL,
      bucket TEXT NOT NULL, from_server INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS changes_by_bucket ON changes(bucket, seq);
    CREATE TABLE IF NOT EXISTS quarantine(
      entity TEXT NOT NULL, field TEXT NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL,
      at TEXT NOT NULL, replica TEXT NOT NULL DEFAULT '', author TEXT NOT NULL DEFAULT '',
      value TEXT NOT NULL DEFAULT 'null', withdrawn INTEGER NOT NULL DEFAULT 0,
      type TEXT NOT NULL DEFAULT '',
      PRIMARY KEY(entity, field)) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS peers(replica INTEGER PRIMARY KEY, seq INTEGER NOT NULL);
    -- The version vector (store_knowledge.cpp): every write of `replica` up to `hlc` is
    -- reflected here. This replica's own entry is not stored (see knowledge()).
    CREATE TABLE IF NOT EXISTS knowledge(replica INTEGER PRIMARY KEY, hlc INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS blobs(
      hash TEXT PRIMARY KEY, size INTEGER NOT NULL, mime TEXT NOT NULL, state TEXT NOT NULL)
      WITHOUT ROWID;
  )sql"));
  WX_RETURN_IF_ERROR(upgrade_quarantine());
  auto prep = [&](sql::Stmt& st, std::string_view q) -> Status {
    auto r = sql::Stmt::prepare(db, q);
    if (!r) return r.error();
    st = std::move(r).value();
    return Status::ok();
  };
  WX_RETURN_IF_ERROR(
      prep(get_header, "SELECT rowid, type, bucket, deleted, state FROM entities WHERE id = ?1"));
  WX_RETURN_IF_ERROR(prep(get_doc, "SELECT doc FROM entities WHERE id = ?1"));
  WX_RETURN_IF_ERROR(prep(get_state, "SELECT state FROM entities WHERE id = ?1"));
  WX_RETURN_IF_ERROR(prep(insert_entity,
                          "INSERT INTO entities(id, type, bucket, deleted, state, doc) VALUES(?1, "
                          "?2, ?3, ?4, ?5, ?6)"));
  WX_RETURN_IF_ERROR(prep(
      update_entity, "UPDATE entities SET deleted = ?2, state = ?3, doc = ?4 WHERE rowid = ?1"));
  WX_RETURN_IF_ERROR(prep(
      insert_change,
      "INSERT INTO changes(seq, entity, hlc, bucket, from_server) VALUES(?1, ?2, ?3, ?4, ?5)"));
  WX_RETURN_IF_ERROR(prep(delete_change, "DELETE FROM changes WHERE seq = ?1"));
  WX_RETURN_IF_ERROR(prep(get_newer_changes,
                          "SELECT coalesce(max(seq), 0), coalesce(max(hlc), 0) FROM changes "
                          "WHERE seq > ?1"));
  WX_RETURN_IF_ERROR(prep(get_state_by_rowid, "SELECT id, state FROM entities WHERE rowid = ?1"));
  WX_RETURN_IF_ERROR(prep(get_change_entity, "SELECT entity FROM changes WHERE seq = ?1"));
  WX_RETURN_IF_ERROR(
      prep(sweep_changes, "SELECT seq FROM changes WHERE seq > ?1 ORDER BY seq LIMIT ?2"));
  WX_RETURN_IF_ERROR(prep(get_meta, "SELECT value FROM meta WHERE key = ?1"));
  WX_RETURN_IF_ERROR(prep(put_meta, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)"));
  WX_RETURN_IF_ERROR(prep(get_peer, "SELECT seq FROM peers WHERE replica = ?1"));
  WX_RETURN_IF_ERROR(prep(put_peer,
                          "INSERT INTO peers(replica, seq) VALUES(?1, ?2) "
                          "ON CONFLICT(replica) DO UPDATE SET seq = max(seq, excluded.seq)"));
  WX_RETURN_IF_ERROR(prep(put_knowledge,
                          "INSERT INTO knowledge(replica, hlc) VALUES(?1, ?2) "
                          "ON CONFLICT(replica) DO UPDATE SET hlc = max(hlc, excluded.hlc)"));
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
    out = EntityHeader{id, std::string(get_header.text(1)), std::string(get_header.text(2)),
                       get_header.int64(3) != 0, get_header.int64(0)};
  get_header.reset();
  return out;
}

Result<std::optional<std::pair<EntityHeader, EntityFields>>> Replica::Impl::load_entity(
    const std::string& id) {
  get_header.bind(1, id);
  WX_ASSIGN_OR_RETURN(bool row, get_header.step());
  std::optional<std::pair<EntityHeader, EntityFields>> out;
  if (row) {
    auto fields = decode_state(get_header.blob(4), id);
    if (!fields) {
      get_header.reset();
      return fields.error();
    }
    out.emplace(EntityHeader{id, std::string(get_header.text(1)), std::string(get_header.text(2)),
                             get_header.int64(3) != 0, get_header.int64(0)},
                std::move(fields).value());
  }
  get_header.reset();
  return out;
}

Result<EntityFields> Replica::Impl::load_fields(const std::string& id) {
  get_state.bind(1, id);
  auto row = get_state.step();
  if (!row) return row.error();
  if (!*row) {
    get_state.reset();
    return EntityFields{};
  }
  auto fields = decode_state(get_state.blob(0), id);
  get_state.reset();
  return fields;
}

Status Replica::Impl::store_entity(EntityHeader& header, EntityFields& fields, StaleRows stale,
                                   Origin origin) {
  const uint64_t q = ++seq;
  SeqTaken taken = take_seq(fields, q);
  std::string state = encode_state(fields);
  std::string doc = build_doc_text(header, fields);
  if (header.rowid == 0) {
    WX_RETURN_IF_ERROR(insert_entity.bind(1, header.id)
                           .bind(2, header.type)
                           .bind(3, header.bucket)
                           .bind(4, header.deleted ? 1 : 0)
                           .bind_blob(5, state)
                           .bind(6, doc)
                           .run());
    header.rowid = sqlite3_last_insert_rowid(db.raw());
  } else {
    WX_RETURN_IF_ERROR(update_entity.bind(1, header.rowid)
                           .bind(2, header.deleted ? 1 : 0)
                           .bind_blob(3, state)
                           .bind(4, doc)
                           .run());
  }
  WX_RETURN_IF_ERROR(insert_change.bind(1, q)
                         .bind(2, header.rowid)
                         .bind(3, taken.top.value)
                         .bind(4, header.bucket)
                         .bind(5, origin == Origin::server_state ? 1 : 0)
                         .run());
  // A seq no field carries any more has nothing left to send.
  const std::vector<uint64_t>& replaced = taken.no_longer_carried;
  if (stale == StaleRows::defer) return note_stale(replaced);
  for (uint64_t old : replaced) WX_RETURN_IF_ERROR(delete_change.bind(1, old).run());
  return Status::ok();
}

void Replica::Impl::notify(const std::vector<ChangeEvent>& events) {
  if (events.empty() || observers.empty()) return;
  if (write_depth > 0) {
    deferred_events.insert(deferred_events.end(), events.begin(), events.end());
    return;
  }
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
Replica::~Replica() {
  // Rows noted stale but not dropped yet go now. A failure (another process holds the write
  // lock) leaves only rows changes_since() skips, which the sweep drops later; there is no
  // one to report it to in a destructor.
  if (!impl_ || impl_->stale_changes.empty()) return;
  auto tx = impl_->begin_write();
  if (tx && impl_->drop_stale_changes()) (void)tx->commit();
}

Result<std::unique_ptr<Replica>> Replica::open(const std::string& path, ReplicaOptions options) {
  if (sodium_init() < 0) return make_error(WX_INTERNAL, "libsodium failed to initialise");
  auto impl = std::make_unique<Impl>(options.clock);
  impl->path = path;
  impl->max_skew_ms = options.max_clock_skew_ms;
  if (options.schema) {
    impl->schema = options.schema;
  } else {
    WX_ASSIGN_OR_RETURN(impl->schema, Schema::builtin());
  }
  WX_RETURN_IF_ERROR(restrict_to_owner(path));
  WX_ASSIGN_OR_RETURN(impl->db, sql::Db::open(path));
  WX_RETURN_IF_ERROR(impl->init_schema_and_statements(options.durable));

  WX_RETURN_IF_ERROR(settle_store_format(*impl));
  WX_ASSIGN_OR_RETURN(auto replica_hex, impl->meta("replica_id"));
  if (!replica_hex) {
    // Another process may be creating the same file: whoever takes the lock first names it.
    WX_ASSIGN_OR_RETURN(auto tx, sql::Transaction::begin(impl->db));
    WX_ASSIGN_OR_RETURN(replica_hex, impl->meta("replica_id"));
    if (!replica_hex) {
      replica_hex = replica_to_hex(new_replica_id());
      WX_RETURN_IF_ERROR(impl->set_meta("replica_id", *replica_hex));
    }
    WX_RETURN_IF_ERROR(tx.commit());
  }
  {
    auto id = replica_from_hex(*replica_hex);
    if (!id) return make_error(WX_CORRUPT, "'" + path + "': stored replica id is malformed");
    impl->replica_id = *id;
  }
  {
    // Every stored field state is carried by a `changes` row whose hlc is at least the
    // state's greatest stamp, so restarting the clock from the greatest of those keeps stamps
    // increasing even if the phone's wall clock went back while the app was closed.
    WX_ASSIGN_OR_RETURN(
        auto st, sql::Stmt::prepare(
                     impl->db, "SELECT coalesce(max(seq), 0), coalesce(max(hlc), 0) FROM changes"));
    WX_ASSIGN_OR_RETURN(bool row, st.step());
    if (row) {
      impl->seq = st.uint64(0);
      impl->clock.restore_last(Hlc{st.uint64(1)});
    }
    // Withdrawn or purged changes took their rows with them: a seq once given out is never
    // given again (else new writes would hide below the push cursor and never go up).
    WX_ASSIGN_OR_RETURN(auto high, impl->meta(Replica::Impl::kSeqHigh));
    if (high) impl->seq = std::max<uint64_t>(impl->seq, std::strtoull(high->c_str(), nullptr, 10));
  }
  for (auto [key, member] : {std::pair{"user", &Identity::user},
                             {"role", &Identity::role},
                             {"bucket", &Identity::bucket},
                             {"school_bucket", &Identity::school_bucket}}) {
    WX_ASSIGN_OR_RETURN(auto v, impl->meta(std::string("identity.") + key));
    if (v) impl->identity.*member = *v;
  }
  return std::unique_ptr<Replica>(new Replica(std::move(impl)));
}

uint64_t Replica::replica_id() const {
  return impl_->replica_id;
}
Status Replica::renew_replica_id() {
  if (impl_->seq != 0)
    return make_error(WX_CONFLICT, "this replica already holds changes stamped with replica id " +
                                       replica_to_hex(impl_->replica_id) +
                                       "; it cannot take another");
  const uint64_t fresh = new_replica_id();
  WX_RETURN_IF_ERROR(impl_->set_meta("replica_id", replica_to_hex(fresh)));
  impl_->replica_id = fresh;
  return Status::ok();
}
const Schema& Replica::schema() const {
  return *impl_->schema;
}
HybridClock& Replica::clock() {
  return impl_->clock;
}
const std::string& Replica::path() const {
  return impl_->path;
}
const Identity& Replica::identity() const {
  return impl_->identity;
}
uint64_t Replica::last_seq() const {
  return impl_->seq;
}

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

Status Replica::purge_bucket(const std::string& bucket) {
  WX_ASSIGN_OR_RETURN(auto tx, impl_->begin_write());
  WX_ASSIGN_OR_RETURN(auto del_changes,
                      sql::Stmt::prepare(impl_->db, "DELETE FROM changes WHERE bucket = ?1"));
  WX_RETURN_IF_ERROR(del_changes.bind(1, bucket).run());
  WX_ASSIGN_OR_RETURN(auto del,
                      sql::Stmt::prepare(impl_->db, "DELETE FROM entities WHERE bucket = ?1"));
  WX_RETURN_IF_ERROR(del.bind(1, bucket).run());
  WX_RETURN_IF_ERROR(impl_->forget_knowledge());
  WX_RETURN_IF_ERROR(impl_->set_meta(Replica::Impl::kSeqHigh, std::to_string(impl_->seq)));
  return tx.commit();
}

uint64_t Replica::add_observer(Query query, Observer observer) {
  uint64_t token = impl_->next_observer++;
  impl_->observers.emplace(token, std::make_pair(std::move(query), std::move(observer)));
  return token;
}

void Replica::remove_observer(uint64_t token) {
  impl_->observers.erase(token);
}

Status Replica::write_together(const std::function<Status()>& body) {
  Impl& impl = *impl_;
  WX_ASSIGN_OR_RETURN(auto tx, impl.begin_write());
  const size_t mark = impl.deferred_events.size();
  ++impl.write_depth;
  Status s = body();
  if (s) s = tx.commit();  // on failure tx's destructor rolls back
  --impl.write_depth;
  if (!s) {
    // Rolled back: nobody hears of these writes.
    impl.deferred_events.erase(impl.deferred_events.begin() + static_cast<ptrdiff_t>(mark),
                               impl.deferred_events.end());
    return s;
  }
  if (impl.write_depth > 0) return s;  // nested: the outermost call notifies
  std::vector<ChangeEvent> events = std::move(impl.deferred_events);
  impl.deferred_events.clear();
  impl.notify(events);
  return Status::ok();
}

Result<sql::Transaction> Replica::begin_transaction() {
  return impl_->begin_write();
}

sql::Db& Replica::database() {
  return impl_->db;
}

}  // namespace werkex
