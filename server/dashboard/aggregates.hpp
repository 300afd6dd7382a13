// The Directie page's read model (issue 12): figures per group, per year (leerjaar), per
// level (leerweg) and a month trend for the school, never a name or an entry.
//
// Suppression (kMinPupils = 5): a group of fewer than 5 active pupils is shown as
// {"hidden":true} without any figure, and its pupils are left out of every other figure:
// a year, a level and the trend are sums over the *shown* groups only (distinct pupils), and
// are hidden in turn when those hold fewer than 5 pupils. So every number on the page is a
// function of the shown groups' pupils alone: no sum or difference of shown numbers can say
// anything about a hidden group (a year of a group of 4 and one of 30 shows the 30's
// figures, not 34 to subtract from). The tests check this from the attacker's side: the
// whole result is byte-identical whatever the hidden group's pupils do.
//
// Result (JSON):
//   {"min_pupils":5, "today", "school_year":{"first","last"}, "hidden_groups":n,
//    "groups":[{"id","name","year","level","hidden":bool, "figures":<figures> (if shown)}],
//    "years":[{"year":n or null,"label":"leerjaar 3","groups":n shown,"hidden",["figures"]}],
//    "levels":[{"level","label","groups","hidden",["figures"]}],
//    "trend":{"hidden":bool, "months":[{"month","label","activities"}] (if shown)}}
//   <figures> = {"pupils","activities" (this school year),"complete_cycles",
//                "pupils_with_complete_cycle","cycle_completion_pct" (of pupils, rounded),
//                "phases":{phase: pupils who reached it this year},
//                "competencies":[{"id","label","pupils"}],
//                "per_month":[{"month","label","activities"}]}
// Errors: WX_PERMISSION_DENIED unless the scope has aggregates; WX_INVALID_ARGUMENT for a
// `today` that is not a date. Reads only; call under the dossier lock.
#pragma once

#include <string>

#include "dashboard_scope.hpp"
#include "summary_cache.hpp"

namespace werkex::dashboard {

inline constexpr size_t kMinPupils = 5;

Result<json> school_aggregates(SummaryCache& cache, const DashboardScope& scope,
                               const std::string& today);

}  // namespace werkex::dashboard
