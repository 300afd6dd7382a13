// werkex-bench's dossiers for the nightly export figures (issue 11): every pupil of a school
// imported from the generated roster (nightly_roster.hpp) gets a dossier like one from a
// school year's first months, written into the server's dossiers.db through its own Replica
// under the identity that writes each part in real life, so the schema's write rules and
// the sign-off checks apply (as bench_school.hpp seeds):
//   - the admin: companies' supervisors and their registered signing keys;
//   - the counsellor: the companies and each pupil's placement (a snuffelstage);
//   - the pupil (one transaction, as one sync's push is applied): three activities (the
//     placement, a meeloopdag, one planned from the next step), a preparation, three
//     experiences with one photo each, a reflection, a next step, for half of them a contact;
//   - the mentor (the group's teacher from the roster): a comment on the first experience;
//   - the supervisor: one sign-off of both placement days, or (every other pupil) one per
//     day, made with the offline QR hand-over (Signoffs::request on the pupil's side,
//     sign_request on a separate supervisor replica, accept), so they verify as valid.
// Photos are real JPEG files of a few KB (nightly_photos.hpp), each its own content; every
// fifth is marked shows_others (the portfolio leaves it out). Deterministic content for the
// same pupils, apart from ids and stamps.
#pragma once

#include <cstddef>
#include <cstdint>

#include "bench.hpp"
#include "bench_server.hpp"

namespace bench {

struct DossierTotals {
  size_t pupils = 0;
  size_t entities = 0;  // written into pupils' dossiers (photos' blob entities included)
  size_t photos = 0, shows_others = 0, signoffs = 0;
  uint64_t photo_bytes = 0;
  double seconds = 0;
};

// Writes a dossier for every pupil in `people` (the import's "new_people": id, role, groups)
// on `server`; the supervisor replica lives under `dir`. Takes the dossier mutex for each
// pupil's writes. Throws Failure on any refused write.
DossierTotals generate_dossiers(BenchServer& server, const werkex::json& people,
                                const TempDir& dir);

}  // namespace bench
