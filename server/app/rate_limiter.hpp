// RateLimiter: a token bucket per device, so one runaway or hostile device cannot take the
// server's time from a school's other devices (design.md: rate limits per device).
//
// Each key (a device token's key, Device::token_key) holds up to `burst` tokens, refilled at
// `per_minute` tokens a minute; a request spends one. A phone that was offline for a day and now
// syncs many pages and photos in a row fits in the burst; a loop that hammers the server does not.
// Buckets of keys not seen for a while are forgotten (a full bucket is what a new key gets anyway),
// so memory stays bounded by the devices active in the last minutes. per_minute == 0 turns the
// limiter off. Thread-safe.
//
// With SharedBuckets (several server processes on one database, docs/design.md §6) the
// buckets live there instead, so a device gets one limit however many processes it reaches.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "werkex/error.hpp"

namespace werkex::server {

struct RateLimit {
  double per_minute = 600;  // sustained requests per device
  double burst = 120;       // requests a device may make at once
};

// Token buckets every server process sees (PgRateBuckets, pg_rate_buckets.hpp). spend() refills
// and spends `key`'s bucket in one atomic step; it returns what RateLimiter::acquire does.
class SharedBuckets {
 public:
  virtual ~SharedBuckets() = default;
  virtual Result<uint32_t> spend(const std::string& key, const RateLimit& limit,
                                 uint64_t now_ms) = 0;
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimit limit) : limit_(limit) {}
  // Keeps its buckets in `shared` (not owned; outlives this) under `scope` + key: one limit
  // per key across processes. A failing `shared` (the database unreachable) lets the request
  // through, counted in this process's memory instead: the request's own use of the
  // database then fails on its own, with its own error.
  void share(SharedBuckets* shared, std::string scope) {
    shared_ = shared;
    scope_ = std::move(scope);
  }

  // Spends one token of `key` at `now_ms`. Returns 0 when allowed, else the whole seconds
  // (at least 1) after which the next token is there: the answer's Retry-After.
  uint32_t acquire(const std::string& key, uint64_t now_ms);

 private:
  struct Bucket {
    double tokens;
    uint64_t at_ms;
  };
  void forget_idle(uint64_t now_ms);

  RateLimit limit_;
  SharedBuckets* shared_ = nullptr;
  std::string scope_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  uint64_t last_sweep_ms_ = 0;
};

}  // namespace werkex::server
