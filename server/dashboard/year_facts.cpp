// A pupil's year (year_facts.hpp).
#include "year_facts.hpp"

namespace werkex::dashboard {

YearFacts year_facts(const PupilSummary& s, const DateRange& year) {
  YearFacts f;
  for (const char* p : kPhases) f.phases[p] = false;
  for (const ActivityFacts& a : s.activities) {
    if (!year.contains(a.date)) continue;
    ++f.activities;
    ++f.per_month[a.date.substr(0, 7)];
    if (a.complete()) ++f.complete;
    f.phases["voorbereid"] = f.phases["voorbereid"] || a.prepared;
    f.phases["ervaren"] = f.phases["ervaren"] || a.experienced;
    f.phases["gereflecteerd"] = f.phases["gereflecteerd"] || a.reflected;
    f.phases["vervolgstap"] = f.phases["vervolgstap"] || a.next_step;
    f.phases["afgetekend"] = f.phases["afgetekend"] || a.signed_off;
  }
  for (const ExperienceFacts& e : s.experiences) {
    if (!year.contains(e.date)) continue;
    if (!e.kind.empty()) f.kinds.insert(e.kind);
    if (!e.sector.empty()) f.sectors.insert(e.sector);
  }
  return f;
}

}  // namespace werkex::dashboard
