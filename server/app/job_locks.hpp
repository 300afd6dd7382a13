// JobLocks: which admin jobs may run at once across every server process on one store
// (docs/design.md §6). AdminJobs keeps one job at a time in a process; with several processes
// on one database (PostgreSQL) a roster retried through the load balancer, or two crons,
// would import the same school twice at once, each seeing the other's new people too late.
//
// The rule, per deployment: a school's job excludes another job of that school and any job of
// the deployment; a deployment's job (school "") excludes every other job. A lock is released
// by unlock() or when its process dies (the database ends its session).
#pragma once

#include <string>

#include "werkex/error.hpp"

namespace werkex::server {

class JobLocks {
 public:
  virtual ~JobLocks() = default;
  // Takes the lock for a job of `school` ("" the deployment's); WX_CONFLICT when another
  // process holds a job that excludes it.
  virtual Status try_lock(const std::string& school) = 0;
  // Ends what try_lock(school) took. Failure is logged by the caller and the session's end
  // releases it anyway.
  virtual Status unlock(const std::string& school) = 0;
};

}  // namespace werkex::server
