// Hybrid logical clocks: the timestamps that order every write in werkex.
//
// An Hlc packs wall-clock milliseconds and a 16-bit counter into one uint64, so stamps
// compare as integers. Milliseconds use 47 bits (until the year 6429), so every valid stamp
// is below 2^63 and is stored in SQLite as the same non-negative integer (max(hlc) there
// orders stamps exactly as here); from_parts() saturates instead of wrapping, and decoders
// refuse values above kMaxValue. A Stamp is (hlc, replica): the total order used by every
// last-writer-wins decision; stamps made by one replica strictly increase, so two distinct
// writes never share a stamp. The clock reads time through a ClockSource so tests can drive
// it, and an offset learned from the server corrects a phone whose clock is wrong. A clock
// only takes over remote stamps within a bound ahead of its physical time, so a single
// received stamp cannot send it to the end of time.
// HybridClock is not thread-safe; its owner (a Replica) serialises access.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "werkex/error.hpp"

namespace werkex {

struct Hlc {
  uint64_t value = 0;

  static constexpr int kCounterBits = 16;
  static constexpr uint64_t kMaxCounter = (uint64_t{1} << kCounterBits) - 1;
  static constexpr uint64_t kMaxMillis = (uint64_t{1} << 47) - 1;
  static constexpr uint64_t kMaxValue = (kMaxMillis << kCounterBits) | kMaxCounter;  // 2^63-1

  // Parts beyond their maximum saturate: never a stamp smaller than asked for.
  static constexpr Hlc from_parts(uint64_t millis, uint64_t counter) {
    return Hlc{((millis < kMaxMillis ? millis : kMaxMillis) << kCounterBits) |
               (counter < kMaxCounter ? counter : kMaxCounter)};
  }
  // Whether `value` is a stamp this build makes and stores (below 2^63).
  static constexpr bool is_valid_value(uint64_t value) { return value <= kMaxValue; }
  uint64_t millis() const { return value >> kCounterBits; }
  uint64_t counter() const { return value & kMaxCounter; }
  auto operator<=>(const Hlc&) const = default;
};

struct Stamp {
  Hlc hlc;
  uint64_t replica = 0;

  bool is_zero() const { return hlc.value == 0 && replica == 0; }
  auto operator<=>(const Stamp&) const = default;
};

// Where the clock reads physical time. Tests use a settable one.
class ClockSource {
 public:
  virtual ~ClockSource() = default;
  virtual uint64_t now_millis() = 0;  // Unix epoch milliseconds
};

class SystemClockSource final : public ClockSource {
 public:
  uint64_t now_millis() override;
};

class ManualClockSource final : public ClockSource {
 public:
  explicit ManualClockSource(uint64_t millis) : millis_(millis) {}
  uint64_t now_millis() override { return millis_; }
  void set(uint64_t millis) { millis_ = millis; }
  void advance(uint64_t millis) { millis_ += millis; }

 private:
  uint64_t millis_;
};

class HybridClock {
 public:
  // `source` must outlive the clock.
  explicit HybridClock(ClockSource& source) : source_(source) {}

  // A new stamp, strictly greater than every stamp this clock made or observed (at
  // Hlc::kMaxValue, which physical time reaches in the year 6429, it stays there).
  Hlc now();
  // Take a remote stamp into account so later local stamps sort after it. Fails with
  // WX_CLOCK_SKEW, changing nothing, if `remote` is more than `max_skew_ms` ahead of this
  // clock's physical time (0: no bound, for tests and tools only), and with
  // WX_INVALID_ARGUMENT for a value above Hlc::kMaxValue. Never wraps.
  Status observe(Hlc remote, uint64_t max_skew_ms = 0);
  // Physical time as this clock sees it: the source plus the offset learned from a server.
  uint64_t physical_millis() const;

  Hlc last() const { return last_; }
  void restore_last(Hlc last) {
    if (last > last_) last_ = last;
  }
  // Moves the clock back: only for re-stamping after the server refused stamps from a phone
  // whose clock ran ahead (Replica::restamp_ahead), when those stamps are being replaced.
  void reset_last(Hlc last) { last_ = last; }
  int64_t offset_millis() const { return offset_ms_; }
  void set_offset_millis(int64_t offset) { offset_ms_ = offset; }

 private:
  ClockSource& source_;
  Hlc last_;
  int64_t offset_ms_ = 0;
};

std::string hlc_to_string(Hlc hlc);             // "2026-11-28T14:09:59.123Z+3", for people and logs
std::string rfc3339_utc(uint64_t unix_millis);  // "2026-11-28T14:09:59Z"

}  // namespace werkex
