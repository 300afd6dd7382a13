#include "werkex/clock.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace werkex {

uint64_t SystemClockSource::now_millis() {
  using namespace std::chrono;
  return static_cast<uint64_t>(
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

uint64_t HybridClock::physical_millis() const {
  int64_t t = static_cast<int64_t>(source_.now_millis()) + offset_ms_;
  if (t < 0) return 0;
  return std::min<uint64_t>(static_cast<uint64_t>(t), Hlc::kMaxMillis);
}

Hlc HybridClock::now() {
  uint64_t pt = physical_millis();
  if (pt > last_.millis()) {
    last_ = Hlc::from_parts(pt, 0);
  } else if (last_.counter() < Hlc::kMaxCounter) {
    last_ = Hlc{last_.value + 1};
  } else if (last_.millis() < Hlc::kMaxMillis) {
    // 65,536 stamps in one millisecond: borrow the next millisecond rather than wrap.
    last_ = Hlc::from_parts(last_.millis() + 1, 0);
  }
  return last_;
}

Status HybridClock::observe(Hlc remote, uint64_t max_skew_ms) {
  if (!Hlc::is_valid_value(remote.value))
    return make_error(WX_INVALID_ARGUMENT, "timestamp " + std::to_string(remote.value) +
                                               " is beyond the largest stamp (2^63 - 1)");
  if (max_skew_ms != 0) {
    uint64_t pt = physical_millis();
    if (remote.millis() > pt && remote.millis() - pt > max_skew_ms) {
      return make_error(WX_CLOCK_SKEW, "timestamp " + hlc_to_string(remote) + " is " +
                                           std::to_string(remote.millis() - pt) +
                                           " ms ahead of this clock (allowed " +
                                           std::to_string(max_skew_ms) + " ms)");
    }
  }
  if (remote > last_) last_ = remote;
  return Status::ok();
}

std::string hlc_to_string(Hlc hlc) {
  std::time_t secs = static_cast<std::time_t>(hlc.millis() / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ+%u", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<unsigned>(hlc.millis() % 1000), static_cast<unsigned>(hlc.counter()));
  return buf;
}

std::string rfc3339_utc(uint64_t unix_millis) {
  std::time_t secs = static_cast<std::time_t>(unix_millis / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace werkex
