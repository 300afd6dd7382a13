// Supervisor sign-off: what is signed, how it is checked, and the status every replica derives.
//
// A `signoff` entity binds a supervisor's statement (a day's hours, attendance, assessment)
// to the exact content of the pupil entries it covers. Its worth is that nobody can forge it
// and everybody can see when the signed content changed afterwards, so the byte forms below
// are a contract: the server and every device recompute them and must get the same bytes.
//
// Canonical content of one covered entity (canonical_content):
//   {"fields":{<field>:{"t":"<hlc>","v":<value>},...},"id":"<id>","type":"<type>"}
//   - every field of the entity's replicated state except bookkeeping (no "_conflicts",
//     no lost writes, no bases); fields with a null value (cleared) are included as null;
//   - a set field: "v" = the sorted array of its present elements, "t" = the highest add
//     stamp among them (a set with no present element is left out);
//   - a deleted entity: only its "deleted" field ({"t":…,"v":true}); an entity that is not
//     deleted has no "deleted" member;
//   - "t" is hlc_to_string() of the winning write's HLC ("2026-11-28T14:09:59.123Z+3");
//   - serialised by nlohmann dump(): keys sorted, no whitespace, UTF-8 as is.
// content_hash = lowercase hex SHA-256 of
//   "werkex-content:v1\n" + canonical contents sorted by id, joined with "\n".
// Signed message (signoff_message) = "werkex-signoff:v1\n" + the canonical JSON (same dump)
//   of the object of the sign-off's signed fields that are present: id, placement, covers
//   (sorted array), content_hash, statement_date, attendance, hours, assessment, signer,
//   method, key_id, signed_at. Everything else (signature, verified_at, revoked_*) is
//   outside the message.
// method key: signature = Ed25519 detached signature (libsodium) of the message, 128 hex.
// method pin: no proof at all replicates. The supervisor types one of her placement's
//   one-time codes on the pupil's phone; the phone keeps the code in a local-only setting
//   (never in an entity, never in a bundle) and sends it to the server beside the sign-off
//   in its next /v1/sync push (SyncRequest::pin_codes); the server checks it against codes
//   only it holds, burns it and writes verified_at. So no replica holds anything derived
//   from a code that could test a guess offline. A PIN sign-off carrying a pin_proof (the
//   v1 design, whose salt was the public placement id) is refused as invalid.
// key_id of a public key = first 16 hex digits of SHA-256 of the raw 32-byte key.
//
// Status (signoff_status), derived from replicated data only, so every replica that holds
// the same entities derives the same status:
//   revoked  the sign-off's revoked_at is set;
//   invalid  check_signoff_authority fails (reason says why), or a covered entity is missing;
//   pending  method pin without verified_at: the phone cannot check a code, the server can;
//   refused  the server refused it when this device pushed it (the one local exception to
//            "replicated data only": the sign-off left the device, its quarantine says why);
//   stale    the covered entities' content hash differs from content_hash: `changed` lists
//            the entries with a state stamped after the sign-off's own write (the reason
//            names their fields); when no stamp tells (an edit concurrent with the signing,
//            a removed set element) it lists every covered entry;
//   superseded  it would be valid or stale, but a newer sign-off replaced it: same placement,
//            pupil, signer and statement_date, covering at least the same entries, signed
//            later, itself valid or stale (signoff_count.hpp); it no longer counts;
//   valid    otherwise.
// An Ed25519 sign-off whose signing_key has not reached this replica yet (a pupil accepted a
// QR hand-over before syncing) is `invalid` with reason "unknown key …" until the key syncs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "werkex/error.hpp"
#include "werkex/store.hpp"

namespace werkex {

// refused: the server refused the sign-off at sync (its wrong or used code, a date outside
// the placement, …); the sign-off was withdrawn from this device and kept in its quarantine.
// superseded: replaced by a newer sign-off of the same day (signoff_count.hpp).
enum class SignoffState { valid, stale, invalid, revoked, pending, refused, superseded };
const char* signoff_state_name(SignoffState state);

struct SignoffStatus {
  SignoffState state = SignoffState::invalid;
  std::string method;                // "key" or "pin": the UI shows which form it is
  std::string reason;                // why invalid / pending / revoked / refused
  std::vector<std::string> changed;  // stale: covered entities whose content changed
  // stale: the changes in words (entry title, Dutch field label, old and new text);
  // superseded: which sign-off replaced it. Empty otherwise.
  std::string explanation;
  json why = json::array();   // stale: FieldChange::to_json() of each changed field
  std::string superseded_by;  // superseded: the newer sign-off's id
  // {"state","method","reason","changed"} and, when not empty, "explanation", "why",
  // "superseded_by".
  json to_json() const;
};

struct SigningKey {
  std::string public_key, secret_key, key_id;  // hex
};
// A fresh Ed25519 key pair (libsodium). secret_key is libsodium's 64-byte form, 128 hex.
Result<SigningKey> generate_signing_key();
// First 16 hex digits of SHA-256 of the raw public key ("" if the hex is not 32 bytes).
std::string signing_key_id(std::string_view public_key_hex);

// Canonical content of an entity as held by `replica` (see above); WX_NOT_FOUND if absent.
Result<json> canonical_content(const EntityReader& replica, const std::string& entity_id);
// The content hash over canonical contents given in any order (sorted by id here).
std::string content_hash_of(const std::vector<json>& canonical_contents);
Result<std::string> content_hash(const EntityReader& replica,
                                 const std::vector<std::string>& entity_ids);

// The exact bytes signed / MACed for a sign-off given as a flat entity JSON.
std::string signoff_message(const json& signoff);
// Ed25519 over `message` with a 128-hex secret key; the signature as 128 hex.
Result<std::string> sign_message(std::string_view secret_key_hex, std::string_view message);
bool verify_message(std::string_view public_key_hex, std::string_view message,
                    std::string_view sig_hex);
// A one-time sign-off code as typed: digits, spaces and dashes; returns the digits, or ""
// when it is not 6 to 12 digits.
std::string normalise_pin_code(std::string_view typed);

// The checks that do not depend on the covered entities' current state: key known, owned by
// the signer, not revoked, signature valid; signer is the placement's supervisor; statement
// date within the placement (start..end: the grace days after the end are for signing what
// happened during it, not for dates after it). For method pin only the placement/date checks
// (the server checks the proof). WX_PERMISSION_DENIED / WX_INVALID_ARGUMENT with the reason.
// Used by the server on push and by status.
//
// A sign-off that carries verified_at was accepted by the server, which writes that field
// (only the server may) after checking the placement as it stood then: the supervisor and
// date checks are skipped for it, so a placement ended early, or its supervisor cleared or
// changed, later does not turn genuine sign-offs invalid. The server itself judges a pushed
// sign-off without its verified_at.
// For method pin the sign-off must carry no proof, signature or key (the server checks the
// one-time code).
Status check_signoff_authority(const EntityReader& replica, const json& signoff);
// Full derived status of a stored sign-off, or `refused` for one the server refused from
// this device (withdrawn, kept in the quarantine).
Result<SignoffStatus> signoff_status(const EntityReader& replica, const std::string& signoff_id);
// The sign-offs the server refused that were withdrawn from this device, from its
// quarantine: listed with the stored ones so a refused sign-off does not just vanish.
// Each refused attempt is its own sign-off (a new id), listed once.
Result<std::vector<std::string>> refused_signoffs(const EntityReader& replica);
// The pupil takes a refused sign-off away (she asks again, or gives up): its quarantine
// entries go, so it is no longer listed. WX_NOT_FOUND if this replica holds no refusal of it;
// WX_CONFLICT if the sign-off is still stored here (only a withdrawn one can go this way).
Status remove_refused_signoff(Replica& replica, const std::string& signoff_id);

}  // namespace werkex
