#include <sodium.h>

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
