// The entity engine: how one entity's field states change under a local write or under
// received changes, and how they are stored and sent, with no storage of its own. The Replica
// (SQLite) and the server's PostgreSQL store (server/pg) both run these functions, so both
// merge, validate and judge identically by construction (docs/design.md §1).
//
// A caller loads the entity (through its EntityLookup), calls write_local() or
// merge_received(), and stores what comes back: the fields marked dirty get one new sequence
// number (the Replica's seq, PostgreSQL's cursor) and the state is written with
// encode_state(). The functions are pure apart from the clock they are handed (a local write
// takes a stamp; a received change is observed) and the lookups they make.
//
// Invariants: decode_state(encode_state(f)) == f; build_doc_text() is the document get() and
// list() return, canonical JSON (keys sorted); a rejected change leaves the fields as they were.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "werkex/clock.hpp"
#include "werkex/store.hpp"

namespace werkex {

struct EntityHeader {
  std::string id;
  std::string type;
  std::string bucket;
  bool deleted = false;
  int64_t rowid = 0;  // the engine's handle of the stored row (SQLite's rowid); 0: not stored
};

// The replicated state of one field of an entity (a register, element key empty) or of one
// element of a set field, with the sequence number of its last change.
struct FieldRow {
  json element;  // the set element (null for registers)
  FieldState state;
  uint64_t seq = 0;
  bool dirty = false;
};

// All rows of one entity, keyed by (field name, element key): the order documents list them in.
using EntityFields = std::map<std::pair<std::string, std::string>, FieldRow>;
using StoredEntity = std::pair<EntityHeader, EntityFields>;

// The stored form of the field states (state_codec.cpp has the layout). With `only_seq`,
// decode_state builds only the fields carrying that seq (what a change feed needs of a row).
std::string encode_state(const EntityFields& fields);
Result<EntityFields> decode_state(std::string_view bytes, const std::string& id,
                                  uint64_t only_seq = 0);
// The entity document as get()/list()/dump() show it (store.hpp), as canonical JSON text.
std::string build_doc_text(const EntityHeader& header, const EntityFields& fields);
// A name of a field or type: lower-case letters, digits and '_', 1 to 64 long (so it can be
// named literally in SQL).
bool is_field_name(std::string_view s);
// Whether the entity's tombstone is set.
bool is_deleted(const EntityFields& fields);
// Whether the receiver whose knowledge is `knows` (Replica::knowledge) has seen every write
// the state holds, so sending it would change nothing there.
bool known_to(const FieldState& state, const std::vector<Stamp>& knows);

// How an engine finds the entities a write names (the entity itself, the targets of refs).
class EntityLookup {
 public:
  virtual ~EntityLookup() = default;
  // The entity's header and field states; nullopt when the store never held it.
  virtual Result<std::optional<StoredEntity>> load_entity(const std::string& id) = 0;
  virtual Result<std::optional<EntityHeader>> load_header(const std::string& id) = 0;
};

// Who writes, and with what: the schema judges, `identity` is the writer's role and buckets,
// stamps come from `clock` and carry `replica_id`.
struct LocalWriteContext {
  const Schema& schema;
  const Identity& identity;
  HybridClock& clock;
  uint64_t replica_id;
  EntityLookup& lookup;
};

// A put(): `doc` names an entity by "id" (it must exist and not be deleted) or a new one by
// "type" (and "bucket", else the writer's default); with `create_with_id`, a new entity
// under the document's id. Checks the writer's rights, the schema, refs and the dossier's
// rules, and merges the writes into the entity: the entity with its written fields dirty, and
// `changed` false when there is nothing to store (the fields already hold these values). The
// clock is first raised above the entity's stamps, so a write wins over whatever is stored,
// whichever writer (another server process) stamped it.
struct WrittenEntity {
  StoredEntity entity;
  bool changed = false;
};
Result<WrittenEntity> write_local(LocalWriteContext& cx, const json& doc, bool create_with_id);
// A remove(): the tombstone of the live entity `id`, if the writer's role may delete its
// type in its bucket (the schema's write roles, the dossier's rules); the entity with its
// "deleted" field dirty. WX_NOT_FOUND if the store never held it, WX_CONFLICT if deleted.
// Like write_local, the clock is first raised above the entity's stamps.
Result<WrittenEntity> delete_local(LocalWriteContext& cx, const std::string& id);

struct ReceiveContext {
  const Schema& schema;
  HybridClock& clock;
  uint64_t max_skew_ms = 0;
  bool from_server = false;  // ApplyOptions::from_server
};

// What merge_received made of one entity's changes.
struct ReceivedEntity {
  bool changed = false;  // store `entity` (its merged fields are dirty)
  // The update only takes over the sender's (the server's) state: nothing of it to push back.
  bool exactly_server_state = false;
  StoredEntity entity;
};

// Merges received changes, all of entity `changes.front()->entity`, into `stored` (nullopt:
// not held yet), counting each in `report` (applied, unchanged or rejected with its reason).
// A change of another type or bucket than the entity's, one the schema refuses, or one too
// far ahead of the clock is rejected alone; an entity the dossier's rules refuse as a whole
// has all its changes rejected and nothing stored.
Result<ReceivedEntity> merge_received(ReceiveContext& cx, std::optional<StoredEntity> stored,
                                      const std::vector<const Change*>& changes,
                                      ApplyReport& report);

// Before storing a merged entity: its dirty fields take `seq` (and are no longer dirty).
// `top` is the highest clock among them (the change row's); `no_longer_carried` the seqs they
// carried before that no field of the entity carries any more, sorted: their change rows have
// nothing left to send.
struct SeqTaken {
  Hlc top;
  std::vector<uint64_t> no_longer_carried;
};
SeqTaken take_seq(EntityFields& fields, uint64_t seq);

// The fields of `fields` as changes of the entity (all, or with `only_seq` those carrying that
// seq), leaving out the states `known` has seen; appended to `out`.
void append_changes(const EntityHeader& header, EntityFields&& fields,
                    const std::vector<Stamp>& known, std::vector<Change>& out,
                    uint64_t only_seq = 0);

}  // namespace werkex
