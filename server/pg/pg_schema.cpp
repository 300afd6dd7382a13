#include "pg_schema.hpp"

namespace werkex::server::pg {

namespace {

// pg_advisory_lock's key for migrations: "werkex" in ASCII.
constexpr int64_t kMigrateLock = 0x7765726b6578;

// The dossiers (docs/design.md §1, §3): one row per entity with its field states in synclib's
// state codec and its document as JSON for lookups; one `changes` row per stored entity update,
// its cursor taken from cursor_counter as the writing transaction's last step.
constexpr const char* kDossiers = R"sql(
  CREATE TABLE entities(
    id text PRIMARY KEY, type text NOT NULL, bucket text NOT NULL,
    deleted boolean NOT NULL DEFAULT false, state bytea NOT NULL, doc text NOT NULL);
  CREATE INDEX entities_by_type ON entities(type, bucket) WHERE NOT deleted;
  CREATE TABLE changes(
    cursor bigint PRIMARY KEY, entity text NOT NULL REFERENCES entities(id),
    bucket text NOT NULL, hlc bigint NOT NULL, from_server boolean NOT NULL DEFAULT false);
  CREATE INDEX changes_by_bucket ON changes(bucket, cursor);
  CREATE INDEX changes_by_entity ON changes(entity);
  CREATE TABLE cursor_counter(one boolean PRIMARY KEY DEFAULT true CHECK (one),
                              last bigint NOT NULL);
  INSERT INTO cursor_counter(last) VALUES (0);
  -- A push's placeholder for an entity it creates has an empty state (pg_entity_rows.hpp).
  -- Every server process's own replica id (§5): its writes' stamps carry it.
  CREATE TABLE server_processes(
    replica bigint PRIMARY KEY, started_at timestamptz NOT NULL DEFAULT now(),
    host text NOT NULL, pid integer NOT NULL);
)sql";

Status ensure_version_table(Conn& conn) {
  return conn.run_script(
      "CREATE TABLE IF NOT EXISTS schema_version(version integer PRIMARY KEY, name text NOT "
      "NULL, applied_at timestamptz NOT NULL DEFAULT now())");
}

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1, "dossiers: entities, changes, cursor counter, server processes", kDossiers},
  };
  return all;
}

int latest_schema_version() {
  return migrations().back().version;
}

Result<int> schema_version(Conn& conn) {
  WX_ASSIGN_OR_RETURN(auto exists, conn.exec("SELECT to_regclass('schema_version') IS NOT NULL"));
  if (exists.text(0, 0) != "t") return 0;
  WX_ASSIGN_OR_RETURN(auto rows, conn.exec("SELECT coalesce(max(version), 0) FROM schema_version"));
  WX_ASSIGN_OR_RETURN(int64_t v, rows.int64(0, 0));
  return static_cast<int>(v);
}

Result<int> migrate(Conn& conn) {
  // A session lock, held across the migrations' own transactions, released on every path.
  WX_RETURN_IF_ERROR(conn.exec("SELECT pg_advisory_lock($1)", {kMigrateLock}).status());
  struct Unlock {
    Conn& c;
    ~Unlock() { (void)c.exec("SELECT pg_advisory_unlock($1)", {kMigrateLock}); }
  } unlock{conn};
  WX_RETURN_IF_ERROR(ensure_version_table(conn));
  WX_ASSIGN_OR_RETURN(int at, schema_version(conn));
  if (at > latest_schema_version())
    return make_error(WX_CONFLICT, "the database's schema is at version " + std::to_string(at) +
                                       ", newer than this werkex knows (" +
                                       std::to_string(latest_schema_version()) +
                                       "): upgrade werkex");
  int applied = 0;
  for (const Migration& m : migrations()) {
    if (m.version <= at) continue;
    WX_ASSIGN_OR_RETURN(auto tx, Transaction::begin(conn));
    WX_RETURN_IF_ERROR(conn.run_script(m.sql));
    WX_RETURN_IF_ERROR(
        conn.exec("INSERT INTO schema_version(version, name) VALUES($1, $2)", {m.version, m.name})
            .status());
    WX_RETURN_IF_ERROR(tx.commit());
    ++applied;
  }
  return applied;
}

}  // namespace werkex::server::pg
