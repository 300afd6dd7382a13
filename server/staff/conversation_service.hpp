// Recording a loopbaangesprek (issue 12, Loopbaangesprek): the staff member who held the
// conversation writes it into the pupil's dossier as one `reflection` (which experiences, with
// whom, qualities, motives, the conversation rules used, the summary, the red thread,
// competencies) and one `next_step` that follows from it, so it syncs to the pupil's phone.
//
// Invariants:
// - Access is exactly as for a push through /v1/sync: the pupil's bucket must be in the
//   principal's Access::write (a mentor of another group, the manager: WX_PERMISSION_DENIED),
//   and the write runs as that person and role through App::write_as, so the schema's write
//   roles apply (reflection and next_step: pupil, teacher and counsellor — the decaan holds
//   loopbaangesprekken too; anyone else is refused with the schema's reason).
// - Everything is checked before or inside the one transaction: bad input (400), an
//   experience that is not this pupil's (404) write nothing; both entities or neither.
// - held_by is the principal, held_on today (server time); an audit line
//   conversation_recorded (target: the pupil) follows a successful write.
// Thread-safe: the App serialises the store.
#pragma once

#include <string>

#include "app.hpp"
#include "staff_principal.hpp"

namespace werkex::server::conversation {

// Body: experiences [ids], with_whom [reflection_partner], qualities [text], motives [text],
// conversation_rules [conversation_rule], competencies [competency], summary (required),
// red_thread, next_step {description (required), action, direction [picture_direction],
// feasible, challenging}. Returns {"reflection","next_step"} (the new ids).
Result<json> record(App& app, const StaffPrincipal& who, const std::string& pupil,
                    const json& body);

// OK if `who` may write in `pupil`'s dossier, else WX_PERMISSION_DENIED (in Dutch).
Status may_write_dossier(const StaffPrincipal& who, const std::string& pupil);

}  // namespace werkex::server::conversation
