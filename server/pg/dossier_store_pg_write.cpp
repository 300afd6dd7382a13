// PgDossierStore's writes (dossier_store_pg.hpp): pushes, the server's own puts, and the
// transactions they run in. The judging and merging is synclib's entity engine; what is here
// is which rows to lock, in what order, and when the cursors are taken (docs/design.md §3, §4).
#include <map>

#include "dossier_store_pg.hpp"
#include "pg_cursors.hpp"
#include "pg_entity_rows.hpp"
#include "werkex/ids.hpp"

namespace werkex::server {

namespace {

// What a put() looks up: the entity it writes, locked until the transaction ends (so a
// concurrent writer in another process merges after this one, not over it); the targets of
// its refs, only read.
class WriteLookup final : public EntityLookup {
 public:
  explicit WriteLookup(pg::Conn& conn) : conn_(conn) {}
  Result<std::optional<StoredEntity>> load_entity(const std::string& id) override {
    WX_ASSIGN_OR_RETURN(auto e, pg::load_entity(conn_, id, true));
    if (e && e->second.empty()) return std::optional<StoredEntity>();  // a push's placeholder
    return e;
  }
  Result<std::optional<EntityHeader>> load_header(const std::string& id) override {
    return pg::load_header(conn_, id);
  }

 private:
  pg::Conn& conn_;
};

// The changes of a push by entity, in id order (the order their rows are locked in).
std::map<std::string, std::vector<const Change*>> by_entity(const Bundle& push) {
  std::map<std::string, std::vector<const Change*>> out;
  for (const Change& c : push.changes) out[c.entity].push_back(&c);
  return out;
}

bool may_hold_row(const Change& first) {
  return is_valid_entity_id(first.entity) && !first.type.empty() && !first.bucket.empty() &&
         is_valid_utf8(first.type) && is_valid_utf8(first.bucket);
}

}  // namespace

Status PgDossierStore::in_transaction(const std::function<Status()>& body) {
  if (depth_ > 0) {
    // Nested: a savepoint, so a failure undoes this part and the outer unit goes on.
    const std::string name = "wx_" + std::to_string(depth_);
    WX_RETURN_IF_ERROR(conn_.run_script("SAVEPOINT " + name));
    ++depth_;
    Status s = body();
    --depth_;
    if (!s) {
      (void)conn_.run_script("ROLLBACK TO SAVEPOINT " + name);  // the error is what we report
      return s;
    }
    return conn_.run_script("RELEASE SAVEPOINT " + name);
  }
  WX_ASSIGN_OR_RETURN(auto tx, pg::Transaction::begin(conn_));
  ++depth_;
  Status s = body();
  --depth_;
  if (!s) return s;  // the transaction rolls back as it goes
  return tx.commit();
}

Status PgDossierStore::writing(const std::function<Status()>& body) {
  if (!replica_) return make_error(WX_PERMISSION_DENIED, "this PostgreSQL connection only reads");
  return in_transaction(body);
}

Status PgDossierStore::together(const std::function<Status()>& body) {
  return in_transaction(body);
}

Status PgDossierStore::store(StoredEntity& entity, uint64_t cursor, bool from_server) {
  return pg::store_entity(conn_, entity, cursor, from_server);
}

Result<ApplyReport> PgDossierStore::apply_push(const Bundle& push, const ServerWrites& then) {
  ApplyReport report;
  report.received = push.changes.size();
  Status done = writing([&]() -> Status {
    const auto groups = by_entity(push);
    std::vector<EntityHeader> wanted;
    for (auto& [id, changes] : groups)
      if (may_hold_row(*changes.front()))
        wanted.push_back({id, changes.front()->type, changes.front()->bucket});
    WX_ASSIGN_OR_RETURN(pg::LockedForPush locked, pg::lock_for_push(conn_, wanted));
    std::map<std::string, StoredEntity> held(std::make_move_iterator(locked.entities.begin()),
                                             std::make_move_iterator(locked.entities.end()));
    ReceiveContext cx{*schema_, clock_, max_skew_ms_, false};
    std::vector<StoredEntity> changed;
    for (auto& [id, changes] : groups) {
      std::optional<StoredEntity> stored;
      if (auto it = held.find(id); it != held.end()) stored = std::move(it->second);
      WX_ASSIGN_OR_RETURN(ReceivedEntity r, merge_received(cx, std::move(stored), changes, report));
      if (r.changed) changed.push_back(std::move(r.entity));
    }
    std::vector<std::string> unused;
    for (const std::string& id : locked.made)
      if (std::none_of(changed.begin(), changed.end(),
                       [&](const StoredEntity& e) { return e.first.id == id; }))
        unused.push_back(id);
    WX_RETURN_IF_ERROR(pg::drop_placeholders(conn_, unused));
    if (!changed.empty()) {
      WX_ASSIGN_OR_RETURN(uint64_t first, pg::take_cursors(conn_, changed.size()));
      for (size_t i = 0; i < changed.size(); ++i)
        WX_RETURN_IF_ERROR(store(changed[i], first + i, false));
    }
    return then ? then(report) : Status::ok();
  });
  if (!done) return done.error();
  return report;
}

Result<std::string> PgDossierStore::write(const Identity& writer, const json& doc,
                                          bool create_with_id) {
  std::string id;
  WX_RETURN_IF_ERROR(writing([&]() -> Status {
    WriteLookup lookup(conn_);
    LocalWriteContext cx{*schema_, writer, clock_, replica_, lookup};
    WX_ASSIGN_OR_RETURN(WrittenEntity w, write_local(cx, doc, create_with_id));
    id = w.entity.first.id;
    if (!w.changed) return Status::ok();
    WX_ASSIGN_OR_RETURN(uint64_t cursor, pg::take_cursors(conn_, 1));
    return store(w.entity, cursor, false);
  }));
  return id;
}

Result<std::string> PgDossierStore::put(const json& doc) {
  return write(server_identity_, doc, false);
}

Result<std::string> PgDossierStore::put_as(const Identity& writer, const json& doc) {
  return write(writer, doc, false);
}

Result<std::string> PgDossierStore::create_as(const Identity& writer, const json& doc) {
  return write(writer, doc, true);
}

Status PgDossierStore::remove_as(const Identity& writer, const std::string& id) {
  return writing([&]() -> Status {
    WriteLookup lookup(conn_);
    LocalWriteContext cx{*schema_, writer, clock_, replica_, lookup};
    WX_ASSIGN_OR_RETURN(WrittenEntity gone, delete_local(cx, id));
    WX_ASSIGN_OR_RETURN(uint64_t cursor, pg::take_cursors(conn_, 1));
    return store(gone.entity, cursor, false);
  });
}

// The rows go; the cursors they held are simply never seen again (a reader past them misses
// nothing, as nothing is left to read).
Status PgDossierStore::purge_bucket(const std::string& bucket) {
  return writing([&]() -> Status {
    WX_RETURN_IF_ERROR(conn_.exec("DELETE FROM changes WHERE bucket = $1", {bucket}).status());
    return conn_.exec("DELETE FROM entities WHERE bucket = $1", {bucket}).status();
  });
}

}  // namespace werkex::server
