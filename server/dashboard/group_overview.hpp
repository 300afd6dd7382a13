// The Groep page's read model (issue 12): one row per pupil of a group plus the group's
// chart data, for a mentor or counsellor.
//
// Result (JSON; labels Dutch, dates both as YYYY-MM-DD and as Dutch text):
//   {"group":{"id","name","year","level","level_label","school_year"},
//    "today":"YYYY-MM-DD", "school_year":{"first","last"}, "inactive_weeks":N,
//    "pupils":[{"id","name",
//      "activities":n                      this school year,
//      "complete_cycles":n                 of those, prepared+experienced+reflected+next step,
//      "phases":{"voorbereid":bool,"ervaren","gereflecteerd","vervolgstap","afgetekend"},
//      "competencies":[{"id","label"}]     covered anywhere in the dossier, schema order,
//      "kinds":[{"id","label"}], "sectors":[…]   variety of this year's experiences,
//      "signoffs":{"waiting","stale","invalid","valid"}  (waiting = pending PIN sign-offs),
//      "hours":[{"placement","company","hours"}], "hours_total",
//      "last_activity":"YYYY-MM-DD" or "", "last_activity_label":"30 november 2026" or "",
//      "inactive":bool                     no dated entry in the last N weeks (or none at all)
//    }…] sorted by name then id,
//    "charts":{
//      "competencies":[{"id","label","pupils":n}]          pupils covering each competency,
//      "cycle_completion":[{"pupil","name","activities","complete"}],
//      "activity_per_month":[{"month":"2026-09","label":"september 2026","activities":n}]}}
// Pupils: the group's active members (status not "left").
// Errors: WX_NOT_FOUND for no such group; WX_PERMISSION_DENIED for a group of another
// school or one outside the scope; WX_INVALID_ARGUMENT for a `today` that is not a date.
#pragma once

#include <string>

#include "dashboard_scope.hpp"
#include "summary_cache.hpp"

namespace werkex::dashboard {

struct GroupOptions {
  std::string today;       // YYYY-MM-DD
  int inactive_weeks = 4;  // a pupil without activity for this long is flagged
};

Result<json> group_overview(SummaryCache& cache, const DashboardScope& scope,
                            const std::string& group_id, const GroupOptions& options);

// The group's document after the checks above (shared with the other pages).
Result<json> find_group(const EntityReader& dossiers, const DashboardScope& scope,
                        const std::string& group_id);
// The group's active pupils' ids, sorted.
Result<std::vector<std::string>> group_pupils(const EntityReader& dossiers,
                                              const std::string& school_bucket,
                                              const std::string& group_id);

}  // namespace werkex::dashboard
