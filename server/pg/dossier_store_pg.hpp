// PgDossierStore: the DossierStore (dossier_store.hpp) on PostgreSQL, for several server
// processes on one database (docs/design.md). Each process opens its own; they share nothing
// but the database.
//
// The merging is synclib's entity engine (entity_engine.hpp), so it judges and merges exactly
// as the SQLite store does; only the rows live here (pg_schema.cpp):
//   - entities(id, type, bucket, deleted, state, doc): the field states in synclib's state
//     codec, the document as canonical JSON text;
//   - changes(cursor, entity, bucket, hlc, from_server): one row per stored entity update, its
//     cursor from pg_cursors.hpp, taken when the transaction first writes an entity and held
//     until it ends, so cursors become visible in cursor order (§3).
// A write locks its entity rows (SELECT … FOR UPDATE, a push's in id order, so two pushes
// over the same entities cannot deadlock) before merging, so concurrent writers through other
// processes merge into what the other stored, never over it.
//
// The process's replica id is drawn at open and recorded in server_processes; its clock starts
// above every stamp stored (§5). Not thread-safe, like the Replica: one connection, called
// under the App's dossier lock.
#pragma once

#include <memory>
#include <string>

#include "dossier_store.hpp"
#include "pg_conn.hpp"
#include "werkex/entity_engine.hpp"

namespace werkex::server {

struct PgDossierOptions {
  std::string conninfo;
  std::shared_ptr<const Schema> schema;  // nullptr: the built-in one
  ClockSource* clock = nullptr;          // not owned; nullptr: the system clock
  uint64_t max_clock_skew_ms = 10 * 60 * 1000;
  // A reader only (the export's connection beside the process's own): no replica id is
  // drawn or recorded, and every write is refused (WX_PERMISSION_DENIED).
  bool read_only = false;
};

class PgDossierStore final : public DossierStore {
 public:
  // Connects and registers this process; the schema must be migrated (pg_schema.hpp):
  // WX_CONFLICT naming the versions otherwise.
  static Result<std::unique_ptr<PgDossierStore>> open(PgDossierOptions options);
  ~PgDossierStore() override;

  uint64_t replica_id() const override { return replica_; }
  const Schema& schema() const override { return *schema_; }

  Result<json> get(const std::string& id) const override;
  Result<std::vector<Change>> field_states(const std::string& id) const override;
  Result<std::vector<json>> list(const Query& query) const override;
  Result<uint64_t> bucket_seq(const std::string& bucket) const override;
  Status check_signoff_authority(const json& signoff) const override;

  // The counter and the changes up to it in one statement (one snapshot: every change at or
  // below the counter it sees has committed with it, docs/design.md §3).
  Result<Page> page_since(uint64_t cursor, size_t limit, const ChangeFilter& filter) const override;
  Result<Bundle> changes_since(uint64_t cursor, size_t limit,
                               const ChangeFilter& filter) const override;
  uint64_t last_seq() const override;

  Result<ApplyReport> apply_push(const Bundle& push, const ServerWrites& then) override;
  Result<std::string> put(const json& doc) override;
  Result<std::string> put_as(const Identity& writer, const json& doc) override;
  Result<std::string> create_as(const Identity& writer, const json& doc) override;
  Status remove_as(const Identity& writer, const std::string& id) override;
  Status purge_bucket(const std::string& bucket) override;
  Status together(const std::function<Status()>& body) override;

  // Reconnects once if the connection was lost.
  Status check_connection() override { return conn_.check(); }

 private:
  PgDossierStore(pg::Conn conn, PgDossierOptions options);
  // Runs `body` in the open transaction, or in one of its own.
  Status in_transaction(const std::function<Status()>& body);
  // Stores an entity whose dirty fields the engine merged under `cursor` (pg_entity_rows.hpp).
  Status store(StoredEntity& entity, uint64_t cursor, bool from_server);
  Result<std::string> write(const Identity& writer, const json& doc, bool create_with_id);
  // Runs `body` in a transaction (in_transaction) unless the store was opened read_only.
  Status writing(const std::function<Status()>& body);

  mutable pg::Conn conn_;
  std::shared_ptr<const Schema> schema_;
  SystemClockSource system_clock_;
  mutable HybridClock clock_;
  uint64_t max_skew_ms_;
  uint64_t replica_ = 0;
  mutable uint64_t last_seen_ = 0;  // last_seq() when the database cannot be asked
  Identity server_identity_;
  int depth_ = 0;  // nesting of together()/in_transaction()
};

}  // namespace werkex::server
