// Private state of a Replica, shared by the store_*.cpp files that implement it: store.cpp
// (open, rows, observers), store_read.cpp, store_write.cpp (local writes), store_apply.cpp
// (received bundles, re-stamping), store_quarantine.cpp and the smaller ones.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "entity_rows.hpp"
#include "werkex/sqlite.hpp"
#include "werkex/store.hpp"

namespace werkex {

// Creates the database file 0600 (or takes group/other access away from an existing one and
// its -wal/-shm) before SQLite opens it (store_file.cpp).
Status restrict_to_owner(const std::string& path);

class Replica::Impl : public EntityLookup {
 public:
  sql::Db db;
  std::string path;
  std::shared_ptr<const Schema> schema;
  SystemClockSource system_clock;
  HybridClock clock{system_clock};
  uint64_t replica_id = 0;
  uint64_t seq = 0;
  Identity identity;
  uint64_t max_skew_ms = 0;

  sql::Stmt get_header, get_state, insert_entity, update_entity, get_doc;
  sql::Stmt insert_change, delete_change, get_newer_changes;
  sql::Stmt get_meta, put_meta, get_peer, put_peer, put_knowledge;
  sql::Stmt get_state_by_rowid, get_change_entity, sweep_changes;  // store_stale.cpp
  // Seqs of `changes` rows that store_entity() found no field carries any more, waiting to
  // be dropped together (store_stale.cpp); kStaleSweep rows more are checked per batch.
  std::vector<uint64_t> stale_changes;
  static constexpr size_t kStaleBatch = 256;
  static constexpr size_t kStaleSweep = 64;

  std::map<uint64_t, std::pair<Query, Observer>> observers;
  uint64_t next_observer = 1;
  // Inside write_together(): events wait here until the outer transaction commits.
  int write_depth = 0;
  std::vector<ChangeEvent> deferred_events;

  explicit Impl(ClockSource* source) : clock(source ? *source : system_clock) {}

  Status init_schema_and_statements(bool durable);
  // Adds the quarantine's later columns (replica, author, value, withdrawn,
  // type) to a database
  // made before them.
  Status upgrade_quarantine();
  // Begins a write: BEGIN IMMEDIATE (or a savepoint inside an open transaction). The
  // outermost one, holding the database's write lock, first catches up with what another
  // process on the same file (an app and its widget) committed since: the next seq and
  // every later stamp continue above theirs. Every local write and apply goes through it.
  Result<sql::Transaction> begin_write();
  // Raises `seq` and the clock above the changes committed with a seq above `seq`.
  Status catch_up();
  Result<std::optional<std::string>> meta(const std::string& key);
  // meta key: the highest seq given out when rows were removed (withdrawn, purged).
  static constexpr const char* kSeqHigh = "seq_high";
  Status set_meta(const std::string& key, const std::string& value);

  Result<std::optional<EntityHeader>> load_header(const std::string& id) override;
  Result<EntityFields> load_fields(const std::string& id);
  // An entity's header and field states in one lookup (nullopt: no such entity): the read
  // every write and every applied change of an existing entity begins with.
  Result<std::optional<StoredEntity>> load_entity(const std::string& id) override;
  // What store_entity() does with the change rows no field carries any more: a single local
  // write leaves them for the next batch (store_stale.cpp: two fewer pages per commit); a
  // batch (apply, restamp) touches many rows in one transaction and deletes them at once.
  enum class StaleRows { drop_now, defer };
  // Whether the stored update only takes over the server's state (see ApplyOptions): its
  // change row is then marked as nothing to push.
  enum class Origin { here_or_merged, server_state };
  // Stores the entity's field states and rebuilt document; the dirty fields get one new seq.
  // Call inside a transaction. Sets header.rowid for a new entity.
  Status store_entity(EntityHeader& header, EntityFields& fields,
                      StaleRows stale = StaleRows::drop_now,
                      Origin origin = Origin::here_or_merged);
  // put() (create_with_id false: a document without an id creates an entity with a fresh
  // one, with an id updates it) and create() (true: creates the entity under the id given).
  Result<std::string> write_doc(const json& doc, bool create_with_id);
  void notify(const std::vector<ChangeEvent>& events);
  // Notes change rows that may have become stale; drops the waiting ones once kStaleBatch
  // wait. Call inside a write transaction.
  Status note_stale(const std::vector<uint64_t>& seqs);
  // Deletes the waiting rows (and the sweep's) that no field of their entity carries.
  Status drop_stale_changes();
  Result<std::vector<uint64_t>> sweep_next();
  // Raises the knowledge entries of other replicas to `knows` (a complete bundle's sender's).
  Status learn(const std::vector<Stamp>& knows);
  // After states were dropped (withdrawn, purged, wiped): this replica no longer holds all it
  // once saw, so it claims nothing and peers send it everything again.
  Status forget_knowledge();
};

}  // namespace werkex
