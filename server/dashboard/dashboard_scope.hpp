// Who may see what on the staff dashboard: the groups and pupils a signed-in person's Access
// (app/access.hpp, computed per request from the roster and the placements) lets them see,
// so every handler answers 403 the same way (issue 12, "Who sees what").
//
//   teacher     the groups they mentor and the pupils in them (Access::read's dossiers)
//   counsellor  every group of the school and every active pupil; the network; aggregates
//   manager     aggregates only: no group's rows, no pupil, no network
//   supervisor  the pupils of the placements she supervises (while Access grants them), and
//               of their dossiers only the cycles of those placements (`placements`)
//   anyone else nothing
// Invariant: the scope never grants more than Access does: a pupil is in `pupils` only if
// their dossier bucket is in Access::read, so a relation that ended ends here too.
#pragma once

#include <set>
#include <string>

#include "access.hpp"
#include "werkex/error.hpp"

namespace werkex::dashboard {

struct DashboardScope {
  std::string person, role, school_bucket;
  std::set<std::string> groups;      // group ids whose Groep page they may open
  std::set<std::string> pupils;      // pupil ids whose Leerling page they may open
  std::set<std::string> placements;  // supervisor: the placements whose cycles she sees
  bool aggregates = false;           // the Directie page
  bool network = false;              // the Netwerk page

  // OK, or WX_PERMISSION_DENIED saying what is not theirs to see.
  Status may_see_group(const std::string& group) const;
  Status may_see_pupil(const std::string& pupil) const;
  Status may_see_aggregates() const;
  Status may_see_network() const;
  // {"role","groups":[ids],"pupils":[ids],"aggregates","network"}
  json to_json() const;
};

Result<DashboardScope> dashboard_scope(const EntityReader& dossiers, const server::Access& access);

}  // namespace werkex::dashboard
