// The counsellor's work on the school's company network (issue 12, Netwerk): add and edit
// companies, place a pupil at a company with a supervisor, end a placement early, and issue
// or renew a placement's sign-off codes. Handlers decode the request and call these; they are
// testable in-process with an App.
//
// Invariants:
// - Only a counsellor whose Access may write the school bucket gets past the first line
//   (WX_PERMISSION_DENIED otherwise): the manager, a mentor, anyone else writes nothing.
// - Every write goes into the school bucket through App::write_as, as the counsellor (her
//   person id and role: the schema's write roles apply), so it syncs to the devices that may
//   see it like any change a device made; all checks run inside that transaction, so bad input
//   writes nothing: WX_INVALID_ARGUMENT (400) for a malformed field, WX_NOT_FOUND (404) for an
//   id that is not a live entity of that type in *this* school, WX_CONFLICT (409) when the
//   request contradicts what is stored (a pupil who left, an overlapping placement, ending a
//   placement later than it ends).
// - Every successful write adds one audit line (actor: the counsellor's person id):
//   company_added, company_edited, placement_added, placement_ended, pin_issued, pin_reset.
// Thread-safe: the App serialises the store.
#pragma once

#include <string>

#include "app.hpp"
#include "staff_principal.hpp"

namespace werkex::server::network {

// {"id"} of the new company. Body: name (required), sector, size (klein|groot), address,
// offers [activity kinds], website, phone, email, notes.
Result<json> add_company(App& app, const StaffPrincipal& who, const json& body);
// {"id"}: writes the fields given (at least one; "" leaves a field as it is).
Result<json> edit_company(App& app, const StaffPrincipal& who, const std::string& id,
                          const json& body);
// {"id"} of the new placement. Body: pupil, company, start_date, end_date, kind (required),
// supervisor, notes. start_date <= end_date; the pupil active; the supervisor a supervisor.
Result<json> add_placement(App& app, const StaffPrincipal& who, const json& body);
// {"id","end_date"}. Body: end_date, not before the start and earlier than the current end.
Result<json> end_placement(App& app, const StaffPrincipal& who, const std::string& id,
                           const json& body);
// {"placement","codes":[10 codes],"renewed":bool}: fresh one-time sign-off codes (shown once;
// every earlier code of the placement stops working), through issue_signoff_codes.
Result<json> issue_codes(App& app, const StaffPrincipal& who, const std::string& placement);

// The live entity `id` of `type` in the school bucket `school_bucket`, or WX_NOT_FOUND.
// Call under the dossier lock.
Result<json> school_entity(const EntityReader& r, const std::string& school_bucket,
                           const std::string& id, const std::string& type);

}  // namespace werkex::server::network
