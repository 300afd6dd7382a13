#include "rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace werkex::server {

uint32_t RateLimiter::acquire(const std::string& key, uint64_t now_ms) {
  if (limit_.per_minute <= 0) return 0;
  if (shared_) {
    if (auto wait = shared_->spend(scope_ + key, limit_, now_ms)) return *wait;
  }
  std::lock_guard lock(mu_);
  forget_idle(now_ms);
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{limit_.burst, now_ms});
  Bucket& b = it->second;
  if (!fresh && now_ms > b.at_ms) {
    b.tokens = std::min(limit_.burst, b.tokens + (now_ms - b.at_ms) * limit_.per_minute / 60000.0);
    b.at_ms = now_ms;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  double wait_s = (1 - b.tokens) * 60.0 / limit_.per_minute;
  return static_cast<uint32_t>(std::max(1.0, std::ceil(wait_s)));
}

// A bucket untouched long enough to be full again carries no information: drop it. Sweeping
// at most once a minute keeps acquire() O(1) amortised.
void RateLimiter::forget_idle(uint64_t now_ms) {
  if (now_ms < last_sweep_ms_ + 60000) return;
  last_sweep_ms_ = now_ms;
  const double refill_ms = limit_.burst * 60000.0 / limit_.per_minute;
  for (auto it = buckets_.begin(); it != buckets_.end();)
    it = now_ms > it->second.at_ms + refill_ms ? buckets_.erase(it) : std::next(it);
}

}  // namespace werkex::server
