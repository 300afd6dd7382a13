// Rate limits shared through PostgreSQL (pg_rate_buckets.hpp).
#include "pg_rate_buckets.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "pg_schema.hpp"

namespace werkex::server {

namespace {

// The bucket after a refill at $3 (never backwards: processes' clocks differ), spending one
// token when there is one; `spent` says whether it did. $2 is the burst, $4 the tokens a
// minute: the arithmetic is RateLimiter's, in the same order, in doubles on both sides.
constexpr const char* kSpend = R"sql(
  INSERT INTO rate_buckets AS b(key, tokens, at_ms, spent)
    VALUES ($1, $2::float8 - CASE WHEN $2::float8 >= 1 THEN 1 ELSE 0 END, $3, $2::float8 >= 1)
  ON CONFLICT (key) DO UPDATE SET
    tokens = least($2::float8, b.tokens + greatest($3 - b.at_ms, 0)::float8 * $4::float8 / 60000.0)
             - CASE WHEN least($2::float8, b.tokens + greatest($3 - b.at_ms, 0)::float8 *
                                           $4::float8 / 60000.0) >= 1 THEN 1 ELSE 0 END,
    spent = least($2::float8, b.tokens + greatest($3 - b.at_ms, 0)::float8 *
                                         $4::float8 / 60000.0) >= 1,
    at_ms = greatest(b.at_ms, $3)
  RETURNING tokens, spent)sql";

// A double as text without losing digits (std::to_string keeps six decimals).
std::string exact(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

Result<std::unique_ptr<PgRateBuckets>> PgRateBuckets::open(const std::string& conninfo) {
  WX_ASSIGN_OR_RETURN(pg::Conn conn, pg::Conn::connect(conninfo));
  WX_RETURN_IF_ERROR(pg::require_latest_schema(conn));
  return std::unique_ptr<PgRateBuckets>(new PgRateBuckets(std::move(conn)));
}

Result<uint32_t> PgRateBuckets::spend(const std::string& key, const RateLimit& limit,
                                      uint64_t now_ms) {
  std::lock_guard lock(mu_);
  forget_idle(limit, now_ms);
  WX_ASSIGN_OR_RETURN(
      auto rows, conn_.exec(kSpend, {key, exact(limit.burst), now_ms, exact(limit.per_minute)}));
  if (rows.size() != 1) return make_error(WX_INTERNAL, "rate_buckets: no row returned");
  if (rows.text(0, 1) == "t") return uint32_t{0};
  const double tokens = std::stod(std::string(rows.text(0, 0)));
  const double wait_s = (1 - tokens) * 60.0 / limit.per_minute;
  return static_cast<uint32_t>(std::max(1.0, std::ceil(wait_s)));
}

void PgRateBuckets::forget_idle(const RateLimit& limit, uint64_t now_ms) {
  if (now_ms < last_sweep_ms_ + 60000) return;
  last_sweep_ms_ = now_ms;
  const double refill_ms = limit.burst * 60000.0 / limit.per_minute;
  const uint64_t idle_ms = std::max<uint64_t>(3600000, static_cast<uint64_t>(refill_ms));
  if (now_ms <= idle_ms) return;
  // Best effort: a bucket left behind costs a row, never a wrong answer.
  (void)conn_.exec("DELETE FROM rate_buckets WHERE at_ms < $1", {now_ms - idle_ms});
}

}  // namespace werkex::server
