// What the dashboard keeps per pupil: the facts behind a Groep row and the Directie
// aggregates, derived once from the pupil's dossier export (export/dossier_export.hpp) and
// cached (summary_cache.hpp) until the dossier or a roster entity it names changes.
//
// Invariants:
// - derived only from the export and the school-bucket entities listed in `depends_on`
//   (the pupil, their placements, companies, signers and people named, and the signing keys
//   by "key:<key_id>", the pupil's placement set by "placements-of:<pupil>"): if none of
//   those and nothing in the pupil's bucket changed, summarising again gives the same value;
// - facts carry dates, not judgements about "today": what falls in this school year or
//   counts as inactive is decided when a page is made (group_overview.hpp), so a summary
//   never goes stale with the calendar;
// - an activity is `signed_off` when a *valid* sign-off covers the activity, one of its
//   preparations or experiences; it is `complete` when prepared, experienced, reflected
//   and followed by a next step (afgetekend is extra: not every activity has a placement).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "export/progress_row.hpp"
#include "werkex/error.hpp"
#include "werkex/store.hpp"

namespace werkex::dashboard {

struct ActivityFacts {
  std::string id, kind;
  std::string date;  // planned_date, else its first experience's date, else its id's date
  bool prepared = false, experienced = false, reflected = false, next_step = false;
  bool signed_off = false;
  bool complete() const { return prepared && experienced && reflected && next_step; }
};

struct ExperienceFacts {
  std::string date;    // Dutch local date of occurred_at
  std::string kind;    // its activity's kind ("" outside an activity)
  std::string sector;  // the activity's sector, else its company's or placement company's
};

struct PupilSummary {
  std::string id, name, status;  // status as the person doc has it ("" = active)
  std::vector<std::string> groups;
  exporter::ProgressRow progress;  // counts, competencies, hours, sign-offs by status, last
  std::vector<ActivityFacts> activities;
  std::vector<ExperienceFacts> experiences;
  std::set<std::string> depends_on;  // school-bucket keys, see above
};

// Summarises the export of one pupil; `dossiers` is read for company sectors.
Result<PupilSummary> summarise(const EntityReader& dossiers, const json& export_doc);

}  // namespace werkex::dashboard
