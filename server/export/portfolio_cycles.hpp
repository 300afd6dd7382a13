// The cycles of a dossier (handvat 12): each activity with what hangs from it, found by
// following the references of an exported dossier (portfolio_view.hpp). Shared by the
// portfolio page (portfolio_timeline.cpp) and the staff dashboard (server/dashboard), so
// both show the same chain.
//
// Invariants: every experience, preparation and reflection of the export lands in exactly
// one cycle: a preparation with its activity; an experience with its activity, or in the
// cycle without activity (activity == nullptr) when it has none or its activity is gone; a
// reflection with the activity of the latest experience it reflects on. Pointers point into
// the view's export, which must outlive the cycles.
#pragma once

#include <string>
#include <vector>

#include "portfolio_view.hpp"

namespace werkex::exporter {

struct Cycle {
  const json* activity = nullptr;  // nullptr: the experiences outside any activity
  std::vector<const json*> preparations, experiences, reflections;  // experiences by time
  std::string when;  // newest date of the cycle (planned_date or occurred_at), for the order
};

// Every activity's cycle, plus one for the experiences outside an activity when there are
// any, newest first (by `when`, then activity id).
std::vector<Cycle> gather_cycles(const PortfolioView& view);

}  // namespace werkex::exporter
