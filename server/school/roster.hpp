// The school's roster as the nightly import reads it, before it touches any entity: schools,
// school years, groups, people and who is in or mentors which group, each keyed by the
// school system's own id (OneRoster `sourcedId`, or the student number of a plain SIS
// export), which becomes the entity's `external_id` so a second run finds what the first
// made. Readers (oneroster.hpp, sis_export.hpp) fill it and list every problem they find;
// the import applies a roster only when its read found none (all or nothing).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace werkex::school {

// One problem in the input, where it is: the report lists every one, and nothing is applied.
struct RosterProblem {
  std::string file;    // "users.csv"
  size_t line = 0;     // 1-based line where the record starts (the header is line 1); 0: the file
  std::string column;  // "familyName"; "" when the problem is the whole row or file
  std::string what;    // "is empty", "names class c-9 that classes.csv does not have", ...
  // "users.csv:12: familyName: is empty" (no line part for line 0, no column part for "").
  std::string to_string() const;
};

struct RosterSchool {
  std::string external_id;  // orgs.csv sourcedId
  std::string name;
  std::string brin;   // orgs.csv identifier, e.g. "12AB" or "12AB00"; may be empty
  bool left = false;  // marked tobedeleted (delta mode)
};

struct RosterGroup {
  std::string external_id;  // classes.csv sourcedId
  std::string name;         // "3KB-a"
  std::string school;       // external_id of its school
  std::string school_year;  // "2026-2027" (the academic session's title); may be empty
  int year = 0;             // leerjaar 1..6; 0 unknown
  std::string level;        // vmbo_track: bb, kb, gl, tl; "" unknown
  bool left = false;        // marked tobedeleted (delta mode): the class has ended
};

struct RosterPerson {
  std::string external_id;  // users.csv sourcedId
  std::string role;         // werkex role: pupil, teacher, counsellor or manager
  std::string given_name;   // roepnaam
  std::string middle_name;  // tussenvoegsel ("van der"), may be empty
  std::string family_name;  // achternaam
  std::string email;        // may be empty
  std::string school;       // external_id of their school
  bool left = false;        // marked tobedeleted (delta mode)
  // "Sem van der Berg": given, tussenvoegsel, family name joined by single spaces.
  std::string display_name() const;
};

struct RosterMembership {
  std::string group;    // external_id of the group
  std::string person;   // external_id of the person
  bool mentor = false;  // a teacher enrolled in the group mentors it; a pupil is a member
  bool left = false;    // marked tobedeleted (delta mode)
};

struct Roster {
  // Bulk: the files are the whole roster (a pupil absent from them has left). Delta: only
  // what changed since the last run (absence means nothing; `left` marks who went).
  bool delta = false;
  std::vector<RosterSchool> schools;
  std::vector<RosterGroup> groups;
  std::vector<RosterPerson> persons;
  std::vector<RosterMembership> memberships;
};

struct RosterRead {
  Roster roster;
  std::vector<RosterProblem> problems;  // in file order, then line order
  // What was left out on purpose, for the report ("classes.csv: 1 scheduled class skipped").
  std::vector<std::string> notes;
  bool ok() const { return problems.empty(); }
};

}  // namespace werkex::school
