// The Inzage page (issue 12, counsellor and admin): for one pupil, who read the dossier, when,
// and through which device or dashboard page (the access log, AuthStore::reads), and the
// security events about the pupil and the pupil's placements from the audit log: enrolments,
// enrolment codes made, device revocations, sign-off codes issued or renewed, placements
// made or ended, conversations recorded.
//
// JSON (GET /v1/staff/audit?pupil=<id>):
//   {"pupil":{"id","name"}, "reads":[{"at","at_label","person","name","role","via","what"}]
//    (newest first, at most 500), "events":[{"at","at_label","actor","actor_name","action",
//    "label","target","detail"}] (newest first)}
// Invariants: counsellor or admin only (WX_PERMISSION_DENIED); the pupil must be a pupil of
// the principal's school (WX_NOT_FOUND); no dossier content is shown, only who and when; the
// look itself goes into the access log (page "web:/inzage", 0 changes).
#pragma once

#include <string>

#include "app.hpp"
#include "staff_pages.hpp"
#include "staff_principal.hpp"

namespace werkex::server::inzage {

Result<json> audit_json(App& app, const StaffPrincipal& who, const std::string& pupil);

// The page: a pupil chooser (GET form), and with ?pupil= the two lists of audit_json.
Result<StaffPage> inzage_page(App& app, const StaffPrincipal& who, const std::string& pupil);

// The value of query parameter `name` in a request target ("" when absent).
std::string query_param(std::string_view target, const std::string& name);

}  // namespace werkex::server::inzage
