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

namespace {

// The proleptic Gregorian date of a day count since 1970-01-01 (days >= 0), by the
// era-of-400-years arithmetic: no gmtime_r/snprintf, which were a tenth of building an
// entity's document when it lists conflicts (each lost write carries its stamp as text).
struct CivilDate {
  uint64_t year;
  unsigned month, day;
};
CivilDate civil_from_days(uint64_t days) {
  const uint64_t z = days + 719468;  // days since 0000-03-01
  const uint64_t era = z / 146097;
  const uint64_t doe = z - era * 146097;                                       // [0, 146096]
  const uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const uint64_t mp = (5 * doy + 2) / 153;                                     // March = 0
  const unsigned day = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  const unsigned month = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

// `v` in decimal, zero-padded to at least `width` digits.
void append_decimal(std::string& out, uint64_t v, int width) {
  char digits[20];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (int i = n; i < width; ++i) out += '0';
  while (n > 0) out += digits[--n];
}

}  // namespace

std::string hlc_to_string(Hlc hlc) {
  const uint64_t ms = hlc.millis();
  const uint64_t secs = ms / 1000;
  const CivilDate date = civil_from_days(secs / 86400);
  const uint64_t in_day = secs % 86400;
  std::string out;
  out.reserve(32);
  append_decimal(out, date.year, 4);
  out += '-';
  append_decimal(out, date.month, 2);
  out += '-';
  append_decimal(out, date.day, 2);
  out += 'T';
  append_decimal(out, in_day / 3600, 2);
  out += ':';
  append_decimal(out, in_day / 60 % 60, 2);
  out += ':';
  append_decimal(out, in_day % 60, 2);
  out += '.';
  append_decimal(out, ms % 1000, 3);
  out += "Z+";
  append_decimal(out, hlc.counter(), 1);
  return out;
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
