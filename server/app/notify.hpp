// The supervisor's side of sign-offs made in her name (issue 10 item 11).
//
// When a push brings a new sign-off signed as a supervisor by someone else (a PIN sign-off
// typed on the pupil's phone, a QR hand-over the pupil's phone stored), the server queues a
// note for the signer in server.db's outbox (AuthStore::queue_notification) in the same
// request that stores the sign-off. She reads her notes with GET /v1/notifications and, with
// one request, disputes a sign-off she did not make: POST /v1/signoffs/{id}/dispute
// {"reason": "…"} makes it revoked ("disputed by the supervisor: …"), audited. The Mailer
// (mailer.hpp) sends the notes when the config names an SMTP server.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "auth_store.hpp"
#include "dossier_store.hpp"

namespace werkex::server {

// The note for one stored sign-off: addressed to its signer (her roster e-mail, "" if none),
// naming the pupil, day, method and statement. WX_NOT_FOUND if the sign-off is not stored.
Result<Notification> signoff_notification(const DossierStore& dossiers,
                                          const std::string& signoff_id, uint64_t now_ms);

// Queues the notes of `ids` except those in `skip` (refused when applied).
Status queue_signoff_notifications(const DossierStore& dossiers, AuthStore& auth,
                                   const std::vector<std::string>& ids,
                                   const std::set<std::string>& skip, uint64_t now_ms);

// A note as GET /v1/notifications lists it.
json notification_to_json(const Notification& n);

}  // namespace werkex::server
