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

// The server's own records (docs/design.md §1): SqliteAuthStore's server.db tables, translated
// for PgAuthStore (auth_store_pg.hpp). Times are bigint milliseconds and hashes hex text, as in
// server.db; the rowids SQLite orders by are bigserial ids.
constexpr const char* kAuth = R"sql(
  CREATE TABLE invites(
    code_hash text PRIMARY KEY, person text NOT NULL, expires_ms bigint NOT NULL,
    used_ms bigint, origin text);
  CREATE TABLE devices(
    token_hash text PRIMARY KEY, device_id text NOT NULL, person text NOT NULL,
    created_ms bigint NOT NULL, revoked_ms bigint, last_seen_ms bigint, wipe_ms bigint);
  CREATE INDEX devices_by_person ON devices(person);
  CREATE INDEX devices_by_replica ON devices(device_id, person);
  CREATE TABLE access_log(
    id bigserial PRIMARY KEY, at_ms bigint NOT NULL, person text NOT NULL,
    device text NOT NULL, bucket text NOT NULL, changes bigint NOT NULL, blob text);
  CREATE INDEX access_log_by_bucket ON access_log(bucket, at_ms);
  CREATE TABLE placement_pins(
    placement text PRIMARY KEY, key_hex text NOT NULL, failed integer NOT NULL DEFAULT 0,
    locked_ms bigint, issued_ms bigint NOT NULL);
  CREATE TABLE audit_log(
    id bigserial PRIMARY KEY, at_ms bigint NOT NULL, actor text NOT NULL,
    action text NOT NULL, target text NOT NULL, detail text NOT NULL DEFAULT '');
  CREATE INDEX audit_log_by_target ON audit_log(target, at_ms);
  CREATE TABLE pin_codes(
    placement text NOT NULL, code_hash text NOT NULL, issued_ms bigint NOT NULL,
    used_ms bigint, used_for text, PRIMARY KEY(placement, code_hash));
  CREATE TABLE pin_attempts(
    attempt_hash text PRIMARY KEY, placement text NOT NULL, at_ms bigint NOT NULL);
  CREATE TABLE notifications(
    id bigserial PRIMARY KEY, person text NOT NULL, signoff text NOT NULL UNIQUE,
    placement text NOT NULL, email text NOT NULL, subject text NOT NULL, body text NOT NULL,
    created_ms bigint NOT NULL, sent_ms bigint, attempts integer NOT NULL DEFAULT 0,
    next_ms bigint NOT NULL, last_error text NOT NULL DEFAULT '', disputed_ms bigint);
  CREATE INDEX notifications_by_person ON notifications(person, id);
  CREATE TABLE server_meta(key text PRIMARY KEY, value text NOT NULL);
  CREATE TABLE admin_tokens(
    token_hash text PRIMARY KEY, label text NOT NULL, created_ms bigint NOT NULL,
    revoked_ms bigint);
  CREATE TABLE key_revocations(
    key_id text PRIMARY KEY, reason text NOT NULL, requested_ms bigint NOT NULL,
    applied_ms bigint);
  CREATE TABLE staff_sessions(
    token_hash text PRIMARY KEY, person text NOT NULL, csrf text NOT NULL,
    created_ms bigint NOT NULL, last_seen_ms bigint NOT NULL);
  CREATE INDEX staff_sessions_by_person ON staff_sessions(person);
  CREATE TABLE staff_passwords(
    person text PRIMARY KEY, hash text NOT NULL, set_ms bigint NOT NULL);
)sql";

// Called under the migration lock, so looking first cannot race; and a database already made
// gets no NOTICE ("already exists, skipping") on stderr at every server start.
Status ensure_version_table(Conn& conn) {
  WX_ASSIGN_OR_RETURN(auto exists, conn.exec("SELECT to_regclass('schema_version') IS NOT NULL"));
  if (exists.text(0, 0) == "t") return Status::ok();
  return conn.run_script(
      "CREATE TABLE IF NOT EXISTS schema_version(version integer PRIMARY KEY, name text NOT "
      "NULL, applied_at timestamptz NOT NULL DEFAULT now())");
}

// The rate limits' token buckets, one row per key, shared by the server processes (§6).
// UNLOGGED: a crash of the database may forget limits (every bucket starts full again), never
// data, and their writes cost no WAL.
constexpr const char* kRateBuckets = R"sql(
  CREATE UNLOGGED TABLE rate_buckets(
    key text PRIMARY KEY, tokens double precision NOT NULL, at_ms bigint NOT NULL,
    spent boolean NOT NULL);
)sql";

// Schools as tenants (§8): the school an admin token acts for; '' is the deployment's.
constexpr const char* kAdminSchools = R"sql(
  ALTER TABLE admin_tokens ADD COLUMN school text NOT NULL DEFAULT '';
)sql";

// Blob holdings (§7): which dossier holds which blob bytes, and each device's uploads of a day,
// in the database every process uses, so the processes need share only the blob folder.
constexpr const char* kBlobHoldings = R"sql(
  CREATE TABLE blob_holdings(
    bucket text NOT NULL, sha text NOT NULL, size bigint NOT NULL,
    complete boolean NOT NULL DEFAULT false, updated_ms bigint NOT NULL,
    PRIMARY KEY(bucket, sha));
  CREATE INDEX blob_holdings_by_sha ON blob_holdings(sha);
  CREATE INDEX blob_holdings_stale ON blob_holdings(updated_ms) WHERE NOT complete;
  CREATE TABLE blob_upload_usage(
    device text NOT NULL, day text NOT NULL, bytes bigint NOT NULL, PRIMARY KEY(device, day));
)sql";

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1, "dossiers: entities, changes, cursor counter, server processes", kDossiers},
      {2,
       "server records: devices, invites, access and audit logs, sign-off codes, outbox, "
       "admin and staff sign-in, epoch, key revocations",
       kAuth},
      {3, "rate limits: token buckets every process shares", kRateBuckets},
      {4, "schools: the school an admin token acts for", kAdminSchools},
      {5, "blobs: which dossier holds which bytes, and uploads per device and day",
       kBlobHoldings},
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

Status require_latest_schema(Conn& conn) {
  WX_ASSIGN_OR_RETURN(int version, schema_version(conn));
  if (version == latest_schema_version()) return Status::ok();
  return make_error(
      WX_CONFLICT,
      "the database's schema is at version " + std::to_string(version) + ", this werkex needs " +
          std::to_string(latest_schema_version()) +
          (version < latest_schema_version() ? ": run `werkex-admin migrate --postgres CONNINFO`"
                                             : ": upgrade werkex"));
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
