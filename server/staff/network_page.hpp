// The Netwerk page (issue 12, counsellor) and its JSON: the read model of
// dashboard/network_overview.hpp plus what the forms choose from (the school's active pupils
// with their groups, its supervisors, the placement kinds), and the printable sign-off code
// page of one placement.
//
// Invariants: only for a principal whose DashboardScope has the network (the counsellor);
// reads the school bucket only, under the dossier lock; every text from data is escaped; the
// forms post JSON through /static/network.js (no inline script), never a plain form post.
#pragma once

#include <string>

#include "app.hpp"
#include "staff_pages.hpp"
#include "staff_principal.hpp"

namespace werkex::server::network {

// network_overview's JSON plus "pupils":[{"id","name","groups"}] (active, by name),
// "supervisors":[{"id","name"}] (active, by name), "kinds":[{"id","label"}].
Result<json> network_json(App& app, const StaffPrincipal& who);

// The /netwerk page of `model` (network_json's result).
StaffPage network_page(const StaffPrincipal& who, const json& model);

// The /netwerk/codes/{placement} page: the placement, whether codes were issued before, and
// a button that issues (or renews) them and shows them ready to print. WX_NOT_FOUND for a
// placement that is not this school's.
Result<StaffPage> codes_page(App& app, const StaffPrincipal& who, const std::string& placement);

}  // namespace werkex::server::network
