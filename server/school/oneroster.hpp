// Reading a OneRoster 1.1 CSV set (the export most Dutch school systems offer) into a
// Roster, with every problem in it listed. Pure: the caller hands over the files' bytes.
//
// What becomes what:
//  - manifest.csv: `file.<name>` = bulk | delta | absent for each file; every file that is
//    not absent must say the same (bulk: the set is the whole roster; delta: only changes).
//  - orgs.csv: type school → RosterSchool (identifier → brin); other org types are only
//    references (a user may name their district too).
//  - academicSessions.csv: the title of a schoolYear session is a group's school_year (a
//    class names it in termSourcedIds, directly or as the parent of a term).
//  - classes.csv: classType homeroom → RosterGroup (the stamklas, which has a mentor);
//    scheduled classes (lessons) are skipped and counted in a note. Year: from `grades`
//    (roster_values.hpp), else the title's leading digit; level from the title ("3KB-a").
//  - users.csv: student → pupil, teacher → teacher, administrator → RoleMapping::administrator
//    (counsellor unless configured); any staff sourcedId in RoleMapping::managers → manager.
//    guardian, parent, relative, aide and proctor are skipped: werkex never imports parents.
//    middleName is the tussenvoegsel; the person's school is the first org in orgSourcedIds
//    that is a school (in a delta without orgs.csv: the first such org a class or enrollment
//    names as its school, else the first org). enabledUser is not read (a disabled account
//    is still on the roster).
//  - enrollments.csv: in a homeroom class, student → member, teacher → mentor; other
//    classes and roles are skipped.
//  - status: "" or active is present; tobedeleted (delta only) sets `left`. A tobedeleted row
//    still needs its required values, as OneRoster asks of every row.
// A reference (class → org, enrollment → class/user, user → org, class → session) must name
// a row of a file read in bulk; in a delta, or when the file is absent, it may name what an
// earlier run brought, so it is taken as is.
#pragma once

#include <map>
#include <set>
#include <string>

#include "roster.hpp"

namespace werkex::school {

// How OneRoster's single `administrator` role maps onto werkex's staff roles: schools differ
// in whom their system marks administrator (zorgcoördinator, decaan, teamleider, directie).
struct RoleMapping {
  std::string administrator = "counsellor";  // counsellor or manager
  std::set<std::string> managers;            // users.csv sourcedIds of staff who are manager
};

// `files` maps a file name ("users.csv") to its bytes; files OneRoster has but werkex does not
// read (courses.csv, demographics.csv, ...) are ignored. Problems come in the order manifest,
// orgs, academicSessions, classes, users, enrollments, and within a file by line.
RosterRead read_oneroster(const std::map<std::string, std::string>& files,
                          const RoleMapping& roles = {});

}  // namespace werkex::school
