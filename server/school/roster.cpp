#include "roster.hpp"

namespace werkex::school {

std::string RosterProblem::to_string() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  if (!column.empty()) out += ": " + column;
  out += ": " + what;
  return out;
}

std::string RosterPerson::display_name() const {
  std::string out;
  for (const std::string* part : {&given_name, &middle_name, &family_name}) {
    if (part->empty()) continue;
    if (!out.empty()) out += ' ';
    out += *part;
  }
  return out;
}

}  // namespace werkex::school
