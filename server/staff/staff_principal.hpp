// StaffPrincipal: who a staff dashboard request acts for, as StaffSite::authenticate found it
// on this very request (the session's person re-checked live against the roster).
//
// Invariants: `person` is an active roster member with a staff role (teacher, counsellor,
// manager, supervisor or admin); `access` is compute_access() for that person at the time of
// the request, so a relation that ended is already gone from it. Handlers bind what they show
// to `access`, never to an id the request names. A plain value owned by one request.
#pragma once

#include <string>

#include "access.hpp"

namespace werkex::server {

struct StaffPrincipal {
  std::string person;         // the roster person id
  std::string role;           // teacher, counsellor, manager, supervisor or admin
  std::string name;           // the roster's display name
  std::string school_bucket;  // "school:<id>"
  Access access;              // which buckets and school entities this person may read/write
  std::string csrf;           // the session's CSRF token (for pages that render forms)
};

}  // namespace werkex::server
