// The Loopbaangesprek page (issue 12): /gesprek/{pupil}, for the mentor of the pupil's group
// (and the counsellor, who reads it; writing follows the schema, conversation_service.hpp).
// Shows the pupil's latest experiences to choose from, the eight conversation rules as
// prompts, and the form whose JSON /static/conversation.js posts to
// /v1/staff/pupils/{id}/conversation.
//
// Invariants: only a pupil in the principal's DashboardScope (else WX_PERMISSION_DENIED, 403);
// the read is written to the access log (page "web:/gesprek"); every text from data escaped;
// enum values shown with their Dutch labels.
#pragma once

#include <string>

#include "app.hpp"
#include "staff_pages.hpp"
#include "staff_principal.hpp"

namespace werkex::server::conversation {

Result<StaffPage> conversation_page(App& app, const StaffPrincipal& who, const std::string& pupil);

}  // namespace werkex::server::conversation
