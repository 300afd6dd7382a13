// What a supervisor is about to sign, shown before she signs a pupil's QR request: the
// pupil, the placement, the day, the hours and attendance she states, and each covered entry
// (type, title, dates, its fields). Apps show it and sign only after she confirms.
//
// preview_sign_request() decodes the payload (the same checks as signing it) and reads
// names from this replica where it holds them (pupil, company, placement period); what it
// does not hold is "" (an offline supervisor's phone may never have synced the pupil). It
// signs nothing and writes nothing. JSON shape:
//   {"pupil": {"id","name"}, "signer": {"id","name"},
//    "placement": {"id","company","kind","start_date","end_date"}, "date",
//    "hours" (number or null), "attendance", "attendance_label", "assessment",
//    "entries": [{"id","type","type_label","title","dates":{field: value},"fields":{...}}]}
#pragma once

#include <string>
#include <string_view>

#include "werkex/signoff_flow.hpp"

namespace werkex {

// WX_INVALID_ARGUMENT for a damaged payload (as decode_sign_request) or a statement that
// names another date or placement than the request.
Result<json> preview_sign_request(const Replica& replica, std::string_view payload,
                                  const Statement& statement);
// The preview as Dutch lines for a terminal ("Je tekent af voor Sem ...").
std::string preview_text(const json& preview);

}  // namespace werkex
