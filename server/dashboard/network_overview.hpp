// The Netwerk page's read model (issue 12, counsellor): the school's companies, their
// placements this school year, supervisors, how many pupils each company hosted, and the
// placements ending soon.
//
// Result (JSON):
//   {"today", "school_year":{"first","last"}, "ending_within_days":N,
//    "companies":[{"id","name","sector","size","offers":[{"id","label"}],
//                  "placements_this_year":n, "pupils_hosted":n (distinct, this year),
//                  "pupils_hosted_ever":n,
//                  "supervisors":[{"id","name"}] (of its placements, any year)}] by name,
//    "placements":[<placement>] this school year (overlapping it), by start date,
//    "ending_soon":[<placement>] running today and ending within N days, by end date}
//   <placement> = {"id","pupil","pupil_name","company","company_name","supervisor",
//                  "supervisor_name","start_date","end_date","start_label","end_label",
//                  "kind","kind_label","running":bool,"days_left":n (to the end date)}
// Errors: WX_PERMISSION_DENIED unless the scope has the network; WX_INVALID_ARGUMENT for a
// `today` that is not a date. Reads the school bucket only (no dossier); one list per type.
#pragma once

#include <functional>
#include <string>

#include "dashboard_scope.hpp"
#include "werkex/store.hpp"

namespace werkex::dashboard {

// The name of a person or company entity by id ("" when unknown).
using NameOf = std::function<std::string(const std::string&)>;

// One placement as <placement> above, `today` deciding running and days_left.
json placement_json(const json& placement, const NameOf& name_of, const std::string& today);

Result<json> network_overview(const EntityReader& dossiers, const DashboardScope& scope,
                              const std::string& today, int ending_within_days);

}  // namespace werkex::dashboard
