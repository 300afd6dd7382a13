// Entry days: which day a dossier entry is about, so that a supervisor in the grace days
// after a placement ended receives only what happened during it (issue 10 item 12). Grace
// exists to finish reading and signing the placement, not to follow the pupil's new entries.
//
// An entry's day, in this order:
//   - its own date: an experience's occurred_at, an activity's planned_date, a reflection's or
//     preparation's held_on, a sign-off's statement_date;
//   - else the day of the entry it belongs to: a comment's `on`, a blob's `attached_to`, a
//     next step's `reflection`, a contact's `met_at`, a preparation's `activity`;
//   - else the day it was created, from its UUIDv7 id (set by the writing device).
// An entry about a day within a placement reaches her whenever it is written; one created
// after the end and about no day within it does not. An entry whose day cannot be told (an id
// that is not a UUIDv7, a chain of references deeper than 8) is left out.
#pragma once

#include <string>
#include <vector>

#include "access.hpp"
#include "dossier_store.hpp"

namespace werkex::server {

// Removes from `changes` (one pull of a pupil's dossier) every change of an entry whose day
// lies outside all `windows`. Reads the entries from `dossiers`; fails only if that fails.
Status keep_entries_within(const DossierStore& dossiers, const std::vector<DayWindow>& windows,
                           std::vector<Change>& changes);

// The day (YYYY-MM-DD) a UUIDv7 was made; empty for another kind of id.
std::string uuid_v7_day(const std::string& id);

}  // namespace werkex::server
