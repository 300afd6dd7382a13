// PgJobLocks: JobLocks as PostgreSQL session advisory locks on a connection of its own, so a
// process that dies mid-job releases them with its session. Keys (the two-int form, a key
// space apart from the one-bigint form the migrations lock with): (kJobs, 0) for the
// deployment, (kJobs, school_key(school)) for a school. A school's job holds the deployment's
// key shared and its school's exclusively; a deployment's job holds the deployment's
// exclusively. Two schools whose keys collide (32 bits) only wait for each other.
// Thread-safe: one connection under a mutex.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "job_locks.hpp"
#include "pg_conn.hpp"

namespace werkex::server {

class PgJobLocks final : public JobLocks {
 public:
  static constexpr int32_t kJobs = 0x776a;  // "wj"
  // The second key of `school`'s lock (never 0, the deployment's).
  static int32_t school_key(const std::string& school);

  static Result<std::unique_ptr<PgJobLocks>> open(const std::string& conninfo);

  Status try_lock(const std::string& school) override;
  Status unlock(const std::string& school) override;

 private:
  explicit PgJobLocks(pg::Conn conn) : conn_(std::move(conn)) {}
  Result<bool> try_key(int32_t key, bool shared);  // under mu_
  Status unlock_key(int32_t key, bool shared);     // under mu_

  std::mutex mu_;
  pg::Conn conn_;  // GUARDED_BY(mu_)
};

}  // namespace werkex::server
