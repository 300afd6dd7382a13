// The trash (prullenbak): deleted dossier entries that whoever may delete them can restore
// for kTrashDays after the delete; after that the tombstone stays, as for every delete.
//
// Merge semantics. A delete is a tombstone, the entity's `deleted` field: a last-writer-wins
// register like any other (merge.hpp). Restoring writes `deleted: false` as a new local write
// of that register, stamped after (and with the causal context of) the delete it undoes, so
// it wins over that delete on every replica by the same rule that made the delete win, in
// whatever order replicas receive the two; a delete made concurrently on another replica
// (one that had not seen the restore) is ordered against it by (HLC, replica id) like any
// concurrent write and shows as a lost write. The other fields are never touched by either:
// they kept merging while the entity was deleted (state-based), so the restored entry shows
// every edit any replica made, before or after the delete. Replicas therefore converge to
// the same bytes (tests/property/convergence_test.cpp restores at random). The server
// accepts a restore only within kTrashDays of the delete's stamp (push_check.cpp), so the
// window holds for devices whatever their clocks say.
//
// What is in the trash: the deleted entities of the types this replica's role may delete, in
// the dossiers it may write (a pupil: their own), except photos (blob entities: their bytes
// leave the devices and the server with the delete) and sign-offs (never deleted).
#pragma once

#include <string>
#include <vector>

#include "werkex/store.hpp"

namespace werkex {

inline constexpr uint64_t kTrashDays = 30;
inline constexpr uint64_t kTrashMillis = kTrashDays * 24 * 3600 * 1000;

struct TrashEntry {
  std::string id, type, bucket;
  std::string deleted_at;        // RFC 3339 UTC, from the delete's stamp
  std::string restorable_until;  // deleted_at + kTrashDays
  std::string summary;           // the entry's title, note, body, … (first 80 characters)
  json to_json() const;          // {"id","type","bucket","deleted_at","restorable_until","summary"}
};

// The entries this replica may restore now, most recently deleted first.
Result<std::vector<TrashEntry>> trash(Replica& replica);
// Brings a deleted entry back (see above). WX_NOT_FOUND for an unknown id, WX_CONFLICT if it
// is not deleted or its kTrashDays have passed, WX_PERMISSION_DENIED if this replica may not
// delete it either.
Status restore(Replica& replica, const std::string& id);
// trash() as a JSON array of TrashEntry::to_json().
json trash_json(const std::vector<TrashEntry>& entries);

}  // namespace werkex
