// PostgreSQL advisory locks for admin jobs (pg_job_locks.hpp).
#include "pg_job_locks.hpp"

#include "werkex/blob_store.hpp"  // sha256_hex

namespace werkex::server {

int32_t PgJobLocks::school_key(const std::string& school) {
  const std::string h = sha256_hex("werkex job lock " + school).substr(0, 8);
  const int32_t key = static_cast<int32_t>(static_cast<uint32_t>(std::stoul(h, nullptr, 16)));
  return key == 0 ? 1 : key;
}

Result<std::unique_ptr<PgJobLocks>> PgJobLocks::open(const std::string& conninfo) {
  WX_ASSIGN_OR_RETURN(pg::Conn conn, pg::Conn::connect(conninfo));
  return std::unique_ptr<PgJobLocks>(new PgJobLocks(std::move(conn)));
}

Result<bool> PgJobLocks::try_key(int32_t key, bool shared) {
  WX_ASSIGN_OR_RETURN(auto rows, conn_.exec(shared ? "SELECT pg_try_advisory_lock_shared($1, $2)"
                                                   : "SELECT pg_try_advisory_lock($1, $2)",
                                            {kJobs, key}));
  return rows.text(0, 0) == "t";
}

Status PgJobLocks::unlock_key(int32_t key, bool shared) {
  WX_ASSIGN_OR_RETURN(auto rows, conn_.exec(shared ? "SELECT pg_advisory_unlock_shared($1, $2)"
                                                   : "SELECT pg_advisory_unlock($1, $2)",
                                            {kJobs, key}));
  if (rows.text(0, 0) != "t")
    return make_error(WX_INTERNAL, "an admin job's lock was not held when it ended");
  return Status::ok();
}

Status PgJobLocks::try_lock(const std::string& school) {
  const Error busy = make_error(
      WX_CONFLICT, school.empty()
                       ? "another server process runs an admin job; try again when it has ended"
                       : "another server process runs an admin job of this school or of the "
                         "whole deployment; try again when it has ended");
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(bool deployment, try_key(0, !school.empty()));
  if (!deployment) return busy;
  if (school.empty()) return Status::ok();
  auto own = try_key(school_key(school), false);
  if (own && *own) return Status::ok();
  Status released = unlock_key(0, true);
  if (!own) return own.error();
  return released ? Status(busy) : released;
}

Status PgJobLocks::unlock(const std::string& school) {
  std::lock_guard lock(mu_);
  if (school.empty()) return unlock_key(0, false);
  Status own = unlock_key(school_key(school), false);
  Status deployment = unlock_key(0, true);
  return own ? deployment : own;
}

}  // namespace werkex::server
