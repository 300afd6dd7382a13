// The portable export of one pupil's dossier: one JSON document holding every live entity of
// the dossier, the roster around it, every sign-off with its status and what it takes to
// verify it offline, and the list of photo files that travel beside it (issue 11, "Dossiers
// out"). It is what a pupil takes along (AVG/GDPR: the dossier is theirs) and what the
// portfolio page and the progress CSV are made from.
//
// Format ("werkex-dossier", version 1); every object is the entity document as
// Replica::get() gives it (flat fields plus "id", "type", "bucket"), keys sorted:
//   {"format":"werkex-dossier", "version":1, "schema_version":<schema of this build>,
//    "exported_at":"<RFC 3339 UTC>",
//    "pupil":{person}, "school":{school} or null, "groups":[{group}…] (the pupil's groups),
//    "people":[{"id","name","role"}…]   every person the dossier names: mentors, supervisors,
//                                        signers, comment authors, reflection leaders;
//    "entities":[{…}…]                  every live entity of bucket pupil:<id>, sorted by id;
//    "placements":[{placement…, "company_name", "supervisor_name"}…] the pupil's placements;
//    "signoffs":[{"id", "status" (valid|stale|invalid|revoked|pending|refused), "reason",
//                 "changed", "method" (key|pin), "signer", "signer_name", "placement",
//                 "statement_date", "hours", "attendance", "assessment", "key_id",
//                 "public_key", "content_hash", "covers", "covered_content",
//                 "current_content_hash", "signed_message", "signature"}…],
//    "photos":[{"blob", "sha256", "file":"photos/<sha>.<ext>", "mime", "caption",
//               "attached_to", "shows_others", "left_out"}…]}
// Verifying a key sign-off offline (werkex/signoff.hpp is the contract):
//   - "signed_message" is the exact byte string the Ed25519 signature covers, encoded as
//     standard base64 with padding (it holds a newline, so it is not given as text). It
//     equals signoff_message() of the sign-off's entity in "entities": a verifier may
//     recompute it from there instead of trusting this copy;
//   - "signature" is the 64-byte detached Ed25519 signature as 128 lowercase hex, and
//     "public_key" the signer's registered 32-byte key as 64 lowercase hex ("" when the key
//     never reached the server: such a sign-off is invalid);
//   - "covered_content" holds the canonical content of each covered entry as the server
//     holds it now, in id order; SHA-256 of "werkex-content:v1\n" + their compact dumps
//     (keys sorted) joined by "\n", in that order, is "current_content_hash", which equals
//     the signed "content_hash" exactly when nothing covered changed since the signing
//     (otherwise the status is stale; a covered entry that is gone is left out).
//   PIN sign-offs carry no signature ("signed_message" and "signature" are ""): the server
//   checked their one-time code and wrote verified_at; offline there is nothing to verify.
// Photos: one entry per live blob entity; "file" is relative to the dossier's folder and
// named by content, so a photo attached twice is one file. "shows_others" is false when the
// pupil did not mark it. A photo that shows other people stays out of every export (the
// JSON, its photos folder and the portfolio) unless the pupil set `allow_in_exports` on it:
// its entry then says only {"blob", "attached_to", "shows_others": true, "left_out": true}
// with "sha256", "file" and the caption empty, so readers can say that a photo was left out.
//
// Reads only (get, list, field_states through signoff_status), so it may run on a replica
// another process writes (SQLite WAL). Not thread-safe: the store is not.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "werkex/error.hpp"
#include "werkex/store.hpp"

namespace werkex::exporter {

inline constexpr int kDossierExportVersion = 1;

// Every placement `dossiers` holds, by pupil id, each pupil's in id order, read in one query:
// for a run over many pupils. placement.pupil has no usable index, so the query
// export_dossier makes for one pupil reads every placement of the school, which over a whole
// school is quadratic. A placement written after this read is seen by the next run (the
// pupil's fingerprint then differs, so the dossier is written again).
struct PlacementsByPupil {
  std::map<std::string, std::vector<json>> of;
};
Result<PlacementsByPupil> placements_by_pupil(const EntityReader& dossiers);

// The export of pupil `pupil_id` as `dossiers` holds it; `now_ms` (Unix milliseconds) is
// written as exported_at. WX_NOT_FOUND if there is no such person, WX_INVALID_ARGUMENT if
// the person is not a pupil; a storage error as it came. With `placements` (from
// placements_by_pupil() on the same replica) the pupil's placements come from there instead
// of a query of their own.
Result<json> export_dossier(const EntityReader& dossiers, const std::string& pupil_id,
                            uint64_t now_ms, const PlacementsByPupil* placements = nullptr);

// The file name a photo gets in the export's photos/ folder: "<sha>.<ext>", the extension
// from the MIME type (jpg, png, heic, heif, webp, gif, pdf; "bin" for anything else).
std::string photo_file_name(const std::string& sha256, const std::string& mime);

}  // namespace werkex::exporter
