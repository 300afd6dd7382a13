// PgRateBuckets: RateLimiter's buckets in PostgreSQL (the UNLOGGED table rate_buckets,
// pg_schema.cpp migration 3), so a device or address gets one limit however many server
// processes it reaches (docs/design.md §6). One statement refills and spends a bucket
// (INSERT … ON CONFLICT DO UPDATE … RETURNING): atomic across processes, one round trip per
// request. Buckets idle for an hour (or the limit's refill time, when longer) are deleted
// now and then: a full bucket is what a new key gets anyway. Thread-safe: one connection
// under a mutex.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "pg_conn.hpp"
#include "rate_limiter.hpp"

namespace werkex::server {

class PgRateBuckets final : public SharedBuckets {
 public:
  // The schema must be migrated (pg_schema.hpp).
  static Result<std::unique_ptr<PgRateBuckets>> open(const std::string& conninfo);

  Result<uint32_t> spend(const std::string& key, const RateLimit& limit, uint64_t now_ms) override;

 private:
  explicit PgRateBuckets(pg::Conn conn) : conn_(std::move(conn)) {}
  void forget_idle(const RateLimit& limit, uint64_t now_ms);  // under mu_

  std::mutex mu_;
  pg::Conn conn_;               // GUARDED_BY(mu_)
  uint64_t last_sweep_ms_ = 0;  // GUARDED_BY(mu_)
};

}  // namespace werkex::server
