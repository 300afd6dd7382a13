// The nightly roster import's writing half: applies a school's roster (school/roster.hpp),
// already read without problems, to the dossiers as the admin role, in one transaction.
//
// Invariants:
// - Matching is by external_id (the school system's id): a second run of the same roster
//   writes nothing, and an entity that changed gets only its changed fields written, so
//   devices receive only real changes.
// - Nobody is deleted. In a bulk roster the people it no longer lists (of its schools, with
//   an external_id: imported before), and in a delta the people marked tobedeleted, get
//   status "left" and left_on today; access ends at their devices' next sync. A person who
//   comes back is active again.
// - People the import did not make (no external_id: supervisors, the demo) are never touched.
// - All or nothing: a reference the roster cannot resolve fails the whole import, writing
//   nothing.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "dossier_store.hpp"
#include "school/roster.hpp"
#include "werkex/store.hpp"

namespace werkex::server {

// What happened to one kind of entity.
struct RosterTally {
  size_t created = 0, updated = 0, unchanged = 0, left = 0;
  json to_json() const;  // {"created","updated","unchanged","left"}
};

// Someone the import created: the enrolment letters are made for them.
struct NewPerson {
  std::string id, external_id, name, role;
  std::vector<std::string> groups;  // group names (pupils: member of; teachers: mentor of)
};

struct RosterOutcome {
  RosterTally schools, groups, persons;
  std::vector<NewPerson> new_people;
  std::vector<std::string> left_people;  // ids of the persons this run marked left
  // Entities created, updated or marked left: 0 on a rerun.
  size_t changes() const;
  json to_json() const;  // {"changes","schools","groups","persons"}
};

// Applies `roster` to `dossiers` (the caller holds the dossier mutex). `today` (YYYY-MM-DD)
// is the left_on of who left; `now_ms` stamps new ids. `before_commit`, if given, runs inside
// the transaction once everything is written: its error rolls the whole import back (the
// enrolment codes of the new people are made there, so no one is imported without one).
// `only_school`, if not empty, is the one school (entity id) the caller acts for: a roster
// that adds a school or writes into another fails whole with WX_PERMISSION_DENIED.
Result<RosterOutcome> apply_roster(
    DossierStore& dossiers, const school::Roster& roster, const std::string& today, uint64_t now_ms,
    const std::function<Status(const RosterOutcome&)>& before_commit = nullptr,
    const std::string& only_school = "");

}  // namespace werkex::server
