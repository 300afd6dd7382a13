// A pupil's summary narrowed to one school year: what the Groep rows and the Directie
// aggregates count (activities, phases of the cycle reached, complete cycles, variety,
// activity per month).
//
// Invariants: an activity counts in the year its date (ActivityFacts::date) falls in; an
// experience's kind and sector count in the year of its own date; `phases` holds the five
// phase names of kPhases, each true when at least one of the year's activities reached it.
// Pure.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <set>
#include <string>

#include "calendar.hpp"
#include "pupil_summary.hpp"

namespace werkex::dashboard {

// The phases of the cycle as the dashboard names them, in cycle order.
inline constexpr std::array<const char*, 5> kPhases = {"voorbereid", "ervaren", "gereflecteerd",
                                                       "vervolgstap", "afgetekend"};

struct YearFacts {
  size_t activities = 0;
  size_t complete = 0;  // activities whose cycle is complete (ActivityFacts::complete)
  std::map<std::string, bool> phases;
  std::set<std::string> kinds, sectors;     // of the year's experiences
  std::map<std::string, size_t> per_month;  // "2026-11" -> activities dated in it
};

YearFacts year_facts(const PupilSummary& summary, const DateRange& year);

}  // namespace werkex::dashboard
