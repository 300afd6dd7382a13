// Pupil view: the part of one pupil's dossier that belongs to a supervisor's placements
// (issue 13, "Privacy of minors"). A supervisor (praktijkbegeleider) reads a filtered view of
// the pupil's bucket, never the whole dossier: not the pupil's hobby experiences, motives,
// contacts or other placements.
//
// An entity of the pupil's bucket is in the view of placements P when it is
//   - an activity whose `placement` is in P;
//   - a preparation or experience whose `activity` is in the view;
//   - a reflection one of whose `experiences` is in the view;
//   - a next step whose `reflection` is in the view;
//   - a comment whose `on` is in the view (so replies to such comments too);
//   - a sign-off whose `placement` is in P;
//   - a blob attached to an entry in the view or named in its `photos`, unless the pupil
//     marked it `shows_others` (photos with recognisable others are not shown to supervisors).
// Contacts, unplanned experiences, the next step that led to the activity and everything
// else are not. Deleted entities are in no view (their tombstone reaches the device as a
// changed view, which makes it purge and pull the bucket again).
//
// Invariants: the view is a pure function of the bucket's live entities and P (so equal
// dossiers give equal views on every server process); it is the least set closed under the
// rules above; the digest names the set, so a device holding another digest pulls the bucket
// again from 0 and purges what left (sync_session.cpp).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "dossier_store.hpp"

namespace werkex::server {

struct PupilView {
  std::set<std::string> entities;
  std::string digest;  // 16 hex digits naming `entities`
};

// The view over `docs` (the live entities of one pupil's bucket, as DossierStore::list gives them).
std::set<std::string> placement_view(const std::vector<json>& docs,
                                     const std::set<std::string>& placements);

// The view of `bucket` for `placements`, read from `dossiers`.
Result<PupilView> compute_pupil_view(const DossierStore& dossiers, const std::string& bucket,
                                     const std::set<std::string>& placements);

// 16 hex digits of SHA-256 over the sorted ids: what a device reports back as its view.
std::string digest_of(const std::set<std::string>& ids);

}  // namespace werkex::server
