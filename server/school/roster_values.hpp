// The small values inside roster files and how they are read: a group's leerjaar and vmbo
// track from its name or OneRoster grades, calendar dates, and comma-separated id lists.
// Shared by the OneRoster and SIS readers so both name groups the same way.
//
// Group names, as Dutch vmbo schools write them: a leading digit is the leerjaar ("3KB-a" →
// 3); a run of letters that is a track code (bb, kb, gl, tl, any case), alone or followed by
// one class letter ("3KBa", "3 tl b"), is the track. Anything else leaves year 0 / level "".
// Pure functions, safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace werkex::school {

struct YearLevel {
  int year = 0;       // 1..6; 0 unknown
  std::string level;  // bb, kb, gl, tl; "" unknown
};

// Year and level as the group's name shows them (see above).
YearLevel year_level_from_name(std::string_view name);

// The leerjaar of OneRoster `grades`: CEDS "07".."12" → 1..6 (the vmbo's first year follows
// eight years of basisschool counted from groep 3, so it is the seventh grade), or plain
// "1".."6". A list ("09,10") or anything else gives 0: the caller then uses the name.
int year_from_grades(std::string_view grades);

// "YYYY-MM-DD" naming a real day of the Gregorian calendar (leap years included).
bool is_calendar_date(std::string_view s);

// "a,b, c" → {"a","b","c"}: OneRoster's lists inside one (quoted) field; empty items dropped.
std::vector<std::string> split_list(std::string_view s);

}  // namespace werkex::school
