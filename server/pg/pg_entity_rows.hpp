// The PostgreSQL engine's entity rows (docs/design.md §1, §4): loading an entity's field
// states (locked for a write, or not), the placeholder rows a push makes for entities it is
// about to create, and storing a merged entity with its changes row. Used by PgDossierStore;
// every function runs inside the caller's transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pg_conn.hpp"
#include "werkex/entity_engine.hpp"

namespace werkex::server::pg {

// A PostgreSQL text[] literal of `items` ({"a","b\"c"}), for `= ANY($1::text[])`.
std::string text_array(const std::vector<std::string>& items);

// The entity, or nullopt. `for_update` locks its row until the transaction ends. A placeholder
// (made by lock_for_push, not stored yet) loads as an entity with no fields.
Result<std::optional<StoredEntity>> load_entity(Conn& conn, const std::string& id, bool for_update);
Result<std::optional<EntityHeader>> load_header(Conn& conn, const std::string& id);

// Locks every entity a push names, in id order: the ones not stored yet get a placeholder row
// first (empty state), so two processes creating one entity meet at its row instead of both
// inserting. Returns the stored ones by id (placeholders with no fields) and which of the ids
// are placeholders this call made.
struct LockedForPush {
  std::vector<std::pair<std::string, StoredEntity>> entities;  // sorted by id
  std::vector<std::string> made;
};
Result<LockedForPush> lock_for_push(Conn& conn, std::vector<EntityHeader> wanted);
// Deletes placeholder rows that ended up holding nothing (every change to them refused).
Status drop_placeholders(Conn& conn, const std::vector<std::string>& ids);

// Writes the merged entity: its dirty fields take `cursor` as their seq, the row is inserted
// (rowid 0) or updated, a changes row carries the cursor, and the changes rows no field
// carries any more are deleted. Sets rowid.
Status store_entity(Conn& conn, StoredEntity& entity, uint64_t cursor, bool from_server);

}  // namespace werkex::server::pg
