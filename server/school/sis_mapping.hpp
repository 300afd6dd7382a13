// Private to sis_export.cpp: the mapping file parsed and checked (see sis_export.hpp for
// its keys). Every problem is reported; what parsed is kept so the CSV can still be checked.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "roster.hpp"

namespace werkex::school {

struct SisMapping {
  char separator = ',';
  RosterSchool school;
  std::string school_year;
  std::map<std::string, std::string> columns;  // field ("given_name") → CSV column
  bool usable = false;  // the JSON parsed and named a school and the required columns
};

// Reads the mapping; problems carry `name` as their file, line 0 and the key path as column.
SisMapping parse_sis_mapping(const std::string& json, const std::string& name,
                             std::vector<RosterProblem>& problems);

}  // namespace werkex::school
