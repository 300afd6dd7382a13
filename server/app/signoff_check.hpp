// The server's check of pushed sign-offs (issue 4), called by /v1/sync before it applies a
// push. Devices verify sign-offs too; the server's check is what keeps forgeries out of
// everyone's replica in the first place, and the only check a PIN sign-off can get.
//
// A sign-off is judged whole: its pushed changes merged over what the server already holds
// for it. Refused, every change of it comes back rejected with the reason (the device
// quarantines them) and none is applied. Checked:
//   - only a supervisor (signing as themselves) or the pupil's phone writes one, never
//     deletes it, and only its signer (or a counsellor) revokes it;
//   - it lies in the dossier of its placement's pupil;
//   - check_signoff_authority (synclib): key known, the signer's, not revoked, signature
//     valid; signer is the placement's supervisor; statement date within the placement
//     (start..end: a supervisor in her grace days signs only the placement's days), judged
//     against the placement as it stands now;
//   - method pin: the proof matches the placement's PIN key (constant-time compare); a wrong
//   - method pin: it carries no proof, signature or key (nothing on a replica may be derived
//     from a code), and its one-time code came with the push (SyncRequest::pin_codes; only
//     the phone it was typed on has it). The code must be one of the placement's unused codes
//     (auth_store.hpp); right, it is burned for this sign-off (a retry of the same sign-off
//     is let through); wrong or used by another sign-off, a failure is counted — once per
//     (sign-off, code), so a retried push counts once — and kMaxPinFailures lock the
//     placement until staff issue new codes. A code arriving without a push of its sign-off
//     is ignored.
// A sign-off the server already holds unchanged is not checked again, so retries are free.
// A sign-off the server already holds unchanged is not checked again, so retries are free.
// Accepted sign-offs, key and PIN, are listed so the server writes their verified_at in the
// same transaction as the push: the replicated proof that the sign-off was valid when made,
// which keeps it valid on every device after the placement is ended early or its supervisor
// changed (check_signoff_authority). Accepted new sign-offs pushed by someone other than
// their signer are listed so the signer is told (the outbox).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "access.hpp"
#include "auth_store.hpp"
#include "dossier_store.hpp"

namespace werkex::server {

inline constexpr int kMaxPinFailures = 5;

struct SignoffVerdicts {
  std::vector<RejectedChange> rejected;  // every change of every refused sign-off
  std::set<std::string> refused;         // their entity ids
  std::vector<std::string> verified;     // accepted sign-offs: write verified_at
  std::vector<std::string> notify;       // accepted new sign-offs not pushed by their signer
};

// `changes`: the push, after the bucket and role checks; `pin_codes`: the request's codes
// (sign-off id -> code as typed). Burned codes, failed attempts and locks are recorded in
// `auth` (and its audit log) as they happen.
Result<SignoffVerdicts> verify_pushed_signoffs(const DossierStore& dossiers, AuthStore& auth,
                                               const Access& access,
                                               const std::vector<Change>& changes,
                                               const std::map<std::string, std::string>& pin_codes,
                                               uint64_t now_ms);

// Writes verified_at = now (RFC 3339) on each sign-off, as the server ("admin").
Status stamp_verified(DossierStore& dossiers, const std::vector<std::string>& ids, uint64_t now_ms);

}  // namespace werkex::server
