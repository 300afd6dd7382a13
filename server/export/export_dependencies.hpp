// What a pupil's dossier export (dossier_export.hpp) is made from outside the pupil's own
// bucket, and which of that a stored change touches: so a keeper of exports (the nightly
// export's state, the dashboard's SummaryCache) redoes, after a change, exactly the pupils
// whose export it may alter, and no others.
//
// Keys (strings):
//   "<entity id>"            a school-bucket entity the export shows: the pupil's person,
//                            school and groups, every person it names, its placements and
//                            their companies and supervisors, the placements its sign-offs name;
//   "placements-of:<pupil>"  a placement of the pupil that the export does not show yet;
//   "key:<key_id>"           the signing key a sign-off names (registered or revoked later).
// Invariant: a change to an entity of the school bucket alters a pupil's export only if
// change_keys() of that change meets export_dependencies() of the export made before it.
// A change in bucket "pupil:<id>" alters that pupil's export (the caller sees it by bucket).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "werkex/error.hpp"
#include "werkex/store.hpp"

namespace werkex::exporter {

std::set<std::string> export_dependencies(const json& export_doc);

// The keys a change of school-bucket entity `entity` (of `type`) touches, reading the entity
// as `dossiers` holds it now (a placement's pupil, a signing key's key_id).
Result<std::vector<std::string>> change_keys(const EntityReader& dossiers,
                                             const std::string& entity, const std::string& type);

// The pupils whose export the store's changes after `seq` may alter: those whose bucket
// changed, and through `dependents` (key -> pupils whose kept export depends on it) those a
// school-bucket change touches. Reads the changes a page at a time.
Result<std::set<std::string>> pupils_touched_since(
    const EntityReader& dossiers, uint64_t seq,
    const std::map<std::string, std::set<std::string>>& dependents);

// The pupil a bucket belongs to: "<id>" for "pupil:<id>", "" for any other bucket.
std::string pupil_of_bucket(const std::string& bucket);

}  // namespace werkex::exporter
