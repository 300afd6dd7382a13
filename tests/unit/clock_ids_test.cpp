#include <sodium.h>

#include <cstdio>
#include <ctime>
#include <random>
#include <set>

#include "test_support.hpp"
#include "werkex/clock.hpp"
#include "werkex/ids.hpp"

using namespace werkex;

TEST_CASE("hlc: stamps strictly increase even when the wall clock stands still or goes back",
          "[clock]") {
  ManualClockSource src(test::kStartMillis);
  HybridClock clock(src);
  Hlc a = clock.now();
  Hlc b = clock.now();
  CHECK(b > a);
  CHECK(b.millis() == a.millis());
  CHECK(b.counter() == a.counter() + 1);
  src.set(test::kStartMillis - 60000);  // the phone's clock is set back a minute
  Hlc c = clock.now();
  CHECK(c > b);
  src.advance(120000);
  Hlc d = clock.now();
  CHECK(d.millis() == test::kStartMillis + 60000);
  CHECK(d.counter() == 0);
}

TEST_CASE("hlc: the counter overflowing borrows the next millisecond", "[clock]") {
  ManualClockSource src(1000);
  HybridClock clock(src);
  clock.restore_last(Hlc::from_parts(1000, Hlc::kMaxCounter));
  Hlc next = clock.now();
  CHECK(next.millis() == 1001);
  CHECK(next.counter() == 0);
}

TEST_CASE("hlc: observing a remote stamp moves the clock past it", "[clock]") {
  ManualClockSource src(test::kStartMillis);
  HybridClock clock(src);
  Hlc remote = Hlc::from_parts(test::kStartMillis + 5000, 7);
  REQUIRE(clock.observe(remote));
  CHECK(clock.now() > remote);
}

TEST_CASE("hlc: a stamp too far ahead is refused with a clear error and changes nothing",
          "[clock]") {
  ManualClockSource src(test::kStartMillis);
  HybridClock clock(src);
  Hlc before = clock.now();
  Hlc year_ahead = Hlc::from_parts(test::kStartMillis + 365ull * 24 * 3600 * 1000, 0);
  Status s = clock.observe(year_ahead, 10 * 60 * 1000);
  REQUIRE_FALSE(s);
  CHECK(s.code() == WX_CLOCK_SKEW);
  CHECK_THAT(s.error().message, Catch::Contains("ahead of this clock"));
  CHECK(clock.last() == before);
  CHECK(clock.observe(Hlc::from_parts(test::kStartMillis + 1000, 0), 10 * 60 * 1000));
}

TEST_CASE("hlc: the server offset corrects physical time", "[clock]") {
  ManualClockSource src(test::kStartMillis);
  HybridClock clock(src);
  clock.set_offset_millis(-3600 * 1000);
  CHECK(clock.physical_millis() == test::kStartMillis - 3600 * 1000);
  CHECK(hlc_to_string(Hlc::from_parts(0, 3)) == "1970-01-01T00:00:00.000Z+3");
}

// hlc_to_string does its own calendar arithmetic; libc's gmtime_r and snprintf are the
// independent model, over random stamps, every leap-day boundary and the largest stamp.
TEST_CASE("clock: stamps print as libc's gmtime prints them, up to the largest stamp", "[clock]") {
  auto reference = [](Hlc hlc) {
    std::time_t secs = static_cast<std::time_t>(hlc.millis() / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ+%u", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<unsigned>(hlc.millis() % 1000), static_cast<unsigned>(hlc.counter()));
    return std::string(buf);
  };
  std::mt19937_64 rng(20261204);  // fixed: a failure names its stamp (INFO)
  for (int i = 0; i < 20000; ++i) {
    Hlc hlc{rng() & Hlc::kMaxValue};
    INFO(hlc.value);
    REQUIRE(hlc_to_string(hlc) == reference(hlc));
  }
  for (uint64_t day : {0ull, 58ull, 59ull, 789ull, 790ull, 10956ull, 11016ull, 11017ull, 47540ull,
                       47541ull, 2932896ull})
    for (uint64_t ms : {0ull, 86399999ull}) {
      Hlc hlc = Hlc::from_parts(day * 86400000ull + ms, 65535);
      REQUIRE(hlc_to_string(hlc) == reference(hlc));
    }
  Hlc largest{Hlc::kMaxValue};
  CHECK(hlc_to_string(largest) == reference(largest));
}

TEST_CASE("ids: UUIDv7 carry their time, version and variant, and do not collide", "[ids]") {
  REQUIRE(sodium_init() >= 0);
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    std::string id = new_uuid_v7(test::kStartMillis);
    REQUIRE(is_valid_entity_id(id));
    CHECK(id[14] == '7');
    CHECK(std::string("89ab").find(id[19]) != std::string::npos);
    seen.insert(id);
  }
  CHECK(seen.size() == 10000);
  // The first 48 bits are the milliseconds, so ids sort by creation time.
  CHECK(new_uuid_v7(1000) < new_uuid_v7(2000));
  CHECK(new_uuid_v7(0x0123456789ab).substr(0, 13) == "01234567-89ab");
}

TEST_CASE("ids: entity id and replica id syntax is checked strictly", "[ids]") {
  CHECK(is_valid_entity_id("0190a000-0000-7000-8000-000000000001"));
  CHECK_FALSE(is_valid_entity_id("0190A000-0000-7000-8000-000000000001"));  // uppercase
  CHECK_FALSE(is_valid_entity_id("0190a000-0000-7000-8000-00000000001"));
  CHECK_FALSE(is_valid_entity_id("../../etc/passwd-000000000000000000000"));
  CHECK_FALSE(is_valid_entity_id(""));
  CHECK(replica_from_hex(replica_to_hex(0xdeadbeef01234567ull)) == 0xdeadbeef01234567ull);
  CHECK_FALSE(replica_from_hex("xyz"));
  CHECK_FALSE(replica_from_hex("DEADBEEF01234567"));
  REQUIRE(sodium_init() >= 0);
  CHECK(new_replica_id() != 0);
}

TEST_CASE("ids: UUID bytes and text round-trip, and anything else is refused", "[ids]") {
  REQUIRE(sodium_init() >= 0);
  const std::string id = "0190a000-0000-7000-8000-00000000abcd";
  unsigned char bytes[16] = {};
  REQUIRE(uuid_to_bytes(id, bytes));
  CHECK(bytes[0] == 0x01);
  CHECK(bytes[1] == 0x90);
  CHECK(bytes[6] == 0x70);
  CHECK(bytes[15] == 0xcd);
  CHECK(uuid_from_bytes(bytes) == id);
  const std::string fresh = new_uuid_v7(test::kStartMillis);
  REQUIRE(uuid_to_bytes(fresh, bytes));
  CHECK(uuid_from_bytes(bytes) == fresh);
  unsigned char untouched[16] = {9};
  for (std::string_view bad : {"0190A000-0000-7000-8000-00000000abcd", "not a uuid", "",
                               "0190a000-0000-7000-8000-00000000abc"})
    CHECK_FALSE(uuid_to_bytes(bad, untouched));
  CHECK(untouched[0] == 9);
}
