// One pupil's progress figures, derived from their dossier export (dossier_export.hpp): what
// the progress CSV (progress_csv.hpp) writes as a row and the staff dashboard
// (server/dashboard) shows, computed in one place so the two never disagree.
//
// Invariants: counts are of live entities of the export by type; competencies are the union
// of every entity's "competencies"; hours are those of the valid sign-offs only, per
// placement, every placement of the pupil listed (0 when none is valid); sign-offs are
// counted per derived status (valid, stale, invalid, revoked, pending, refused); `last` is
// the newest entry date (entry_date) or "". Pure; never throws on a malformed export.
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "werkex/merge.hpp"  // werkex::json

namespace werkex::exporter {

struct PlacementHours {
  std::string placement;  // placement id
  std::string company;    // the company's name ("" if unknown)
  double hours = 0;       // of the valid sign-offs for this placement
};

struct ProgressRow {
  std::string name, status;              // status: "actief" or "vertrokken"
  std::map<std::string, size_t> counts;  // entity type -> count
  std::set<std::string> competencies;
  std::vector<PlacementHours> hours;  // in export order
  double total_hours = 0;
  std::map<std::string, size_t> signoffs;  // status -> count
  std::string last;                        // YYYY-MM-DD
};

ProgressRow progress_row(const json& export_doc);

// The entry's date as a Dutch local date YYYY-MM-DD ("" if it has none): an experience's
// occurred_at, a comment's written_at, a sign-off's statement_date, a preparation's or
// reflection's held_on.
std::string entry_date(const json& entity);

}  // namespace werkex::exporter
