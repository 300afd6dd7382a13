// Reading a school whose student information system (SIS) exports one CSV of pupils, with a
// mapping file (JSON) that says which column is which. Pure: the caller hands over bytes.
//
// The mapping (every key below; any other key is a problem, so a typo never goes unnoticed):
//   {
//     "description": "free text",                      optional
//     "separator": ";",                                 ";" or ","; default ","
//     "school": {"external_id": "...", "name": "...",  required (the export names no school)
//                "brin": "12AB00"},                     optional
//     "school_year": "2026-2027",                       optional
//     "columns": {"external_id": "leerlingnummer",      required: external_id, given_name,
//                 "given_name": "roepnaam",             family_name, group; optional:
//                 "middle_name": "tussenvoegsel",       middle_name, email, mentor
//                 "family_name": "achternaam", "email": "...",
//                 "group": "klas", "mentor": "mentor"}
//   }
// What becomes what: each row is a pupil (external_id = the student number, as the SIS has
// it); each distinct group value a RosterGroup "klas:<value>" (year and level from the name,
// roster_values.hpp); each distinct mentor value a teacher "mentor:<value>" who mentors every
// group a pupil of theirs is in. The mentor value is an e-mail address (it has an '@': it is
// the teacher's email) or a name; either way it is the teacher's family_name until someone
// names them properly, since a free-text name cannot be split reliably.
// Problems: the mapping's at line 0 with the key's path as column ("columns.group"), then
// the CSV's by line. A mapped column missing from the header is a problem at line 1.
#pragma once

#include <string>

#include "roster.hpp"

namespace werkex::school {

RosterRead read_sis_export(const std::string& mapping_json, const std::string& csv_bytes,
                           std::string file_name, std::string mapping_name = "mapping.json");

}  // namespace werkex::school
