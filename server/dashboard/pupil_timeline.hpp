// The Leerling page's read model (issue 12): a pupil's dossier as cycle chains, with
// comments, photos and sign-offs (and, for a stale one, which fields changed after
// signing), the pupil's next steps, and the eight conversation rules for the mentor's panel.
//
// Result (JSON):
//   {"pupil":{"id","name","status","groups":[{"id","name"}]},
//    "cycles":[{                                   newest first (export/portfolio_cycles.hpp)
//       "activity":<entry> or null,                null: experiences outside an activity
//       "preparations":[<entry>], "experiences":[<entry>],
//       "reflections":[<entry> + "next_steps":[<entry>]],
//       "phases":{"voorbereid","ervaren","gereflecteerd","vervolgstap","afgetekend"} (bools)}],
//    "next_steps":[<entry> + "open":bool]         open: not yet become an activity,
//    "signoffs":[<signoff>],
//    "conversation_rules":[{"id","number":1..8,"label"}]}
//   <entry> = {"id","type","fields":{the entity's own fields as stored},
//              "labels":{field: Dutch label, or [labels] for a set, of every enum field},
//              "date","date_label"            (entry_date(); "" when it has none),
//              "comments":[{"id","body","author","author_name","written_at",
//                           "written_label","replies":[…]}] oldest first,
//              "photos":[{"blob","sha256","mime","caption","shows_others"}],
//              "signoffs":[ids of the sign-offs covering it]}
//   <signoff> = {"id","status","status_label","reason","method","method_label",
//                "statement_date","date_label","hours","attendance","assessment",
//                "signer","signer_name","placement","company","covers":[ids],
//                "changed":[{"entry","type","fields":[names]}]}   (stale only; else [])
// A supervisor's scope sees only the cycles whose activity is one of her placements', and
// of the sign-offs and next steps only those in them.
// Errors: WX_NOT_FOUND for no such pupil (or not a pupil); WX_PERMISSION_DENIED for a pupil
// of another school or outside the scope. Reads only; call under the dossier lock.
#pragma once

#include <string>

#include "dashboard_scope.hpp"
#include "summary_cache.hpp"

namespace werkex::dashboard {

Result<json> pupil_timeline(SummaryCache& cache, const DashboardScope& scope,
                            const std::string& pupil_id);

// The eight conversation rules (schema enum conversation_rule) with number and Dutch label.
json conversation_rules_json();

}  // namespace werkex::dashboard
