// The Begeleider page's read model (issue 12, supervisor, "Mijn stagiairs"): the placements a
// praktijkbegeleider supervises and, per placement, the pupil's work waiting for her
// signature — the same signoff_waiting items her phone's to-do list shows (werkex/todo.hpp),
// computed here from the server's store, so page and phone agree.
//
// Result (JSON):
//   {"today", "placements":[<placement> (network_overview.hpp) + "waiting":n], by start date,
//    "waiting":[{"kind","entity","pupil","pupil_name","due","due_label","text",
//                "placement"}] (the to-do order: earliest due first)}
// Invariants: only the scope's placements (those whose pupils Access grants her today: a
// placement past its grace days is gone) and only items about their pupils; nothing of the
// rest of a dossier. Errors: WX_PERMISSION_DENIED for any role but supervisor;
// WX_INVALID_ARGUMENT for a `today` that is not a date. Reads only; call under the dossier
// lock.
#pragma once

#include <string>

#include "dashboard_scope.hpp"
#include "werkex/store.hpp"

namespace werkex::dashboard {

Result<json> supervision(const EntityReader& dossiers, const DashboardScope& scope,
                         const std::string& today);

}  // namespace werkex::dashboard
