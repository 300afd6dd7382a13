// Calendar helpers of the dashboard read models: the school year a day falls in, months, and
// the creation date hidden in a UUIDv7 id.
//
// Invariants: dates are YYYY-MM-DD strings and compare as strings; a Dutch school year runs
// from 1 August to 31 July (the summer holiday ends in August in every region), so a day in
// August..December belongs to the year starting that August. Functions never throw: an input
// that does not parse gives "" (or an empty range that contains nothing).
#pragma once

#include <string>
#include <vector>

namespace werkex::dashboard {

struct DateRange {
  std::string first, last;  // both included
  bool contains(const std::string& date) const {
    return !date.empty() && !first.empty() && date >= first && date <= last;
  }
};

// The school year of `today`: "2026-11-30" -> {"2026-08-01", "2027-07-31"}.
DateRange school_year_of(const std::string& today);
// "2026-08-01".."2027-07-31" as its twelve months "2026-08".."2027-07".
std::vector<std::string> months_of(const DateRange& year);
// "2026-11" -> "november 2026".
std::string month_label(const std::string& month);
// The UTC date an UUIDv7 id was made ("" if `id` is not one).
std::string uuid_v7_date(const std::string& id);
// Whole days from `from` to `to` (negative if `to` is earlier; 0 if either does not parse).
long days_between(const std::string& from, const std::string& to);

}  // namespace werkex::dashboard
