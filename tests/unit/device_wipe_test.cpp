// The wipe a lost device performs (werkex/device_wipe.hpp): who wipes by default, a setting
// that is neither on nor off, and what Replica::wipe leaves (nothing but the replica id).
#include "werkex/device_wipe.hpp"
#include "test_support.hpp"

using namespace werkex;
using test::expect_ok;

TEST_CASE("wipe: pupils wipe by default, staff not, and a bad setting is an error",
          "[unit][wipe]") {
  test::TempDir dir;
  ManualClockSource clock{test::kStartMillis};
  auto pupil = test::open_replica(dir.file("pupil.db"), clock, test::pupil_identity());
  auto mentor =
      test::open_replica(dir.file("mentor.db"), clock, test::role_identity("teacher", "pupil:x"));
  CHECK(expect_ok(wipe_on_revoke(*pupil)));
  CHECK_FALSE(expect_ok(wipe_on_revoke(*mentor)));
  expect_ok(pupil->set_setting(kWipeOnRevokeSetting, "off"));
  CHECK_FALSE(expect_ok(wipe_on_revoke(*pupil)));
  expect_ok(mentor->set_setting(kWipeOnRevokeSetting, "on"));
  CHECK(expect_ok(wipe_on_revoke(*mentor)));
  expect_ok(pupil->set_setting(kWipeOnRevokeSetting, "ja"));
  auto bad = wipe_on_revoke(*pupil);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == WX_INVALID_ARGUMENT);
  CHECK(bad.error().message.find("'ja', not 'on' or 'off'") != std::string::npos);
}

TEST_CASE("wipe: a wiped replica holds nothing but its id", "[unit][wipe]") {
  test::TempDir dir;
  ManualClockSource clock{test::kStartMillis};
  auto r = test::open_replica(dir.file("pupil.db"), clock, test::pupil_identity());
  const uint64_t id = r->replica_id();
  expect_ok(r->put(
      {{"type", "experience"}, {"occurred_at", "2026-11-28T09:00:00Z"}, {"note", "geheim"}}));
  expect_ok(r->set_setting("token", "wx_secret"));
  CHECK(expect_ok(wipe_device(*r, nullptr)) == 0);
  CHECK(expect_ok(r->buckets()).empty());
  CHECK_FALSE(expect_ok(r->setting("token")).has_value());
  CHECK(r->identity().user.empty());
  CHECK(r->replica_id() == id);
  // Writes after the wipe never reuse a sequence number the wiped changes had.
  const uint64_t before = r->last_seq();
  expect_ok(r->set_identity(test::pupil_identity()));
  expect_ok(r->put({{"type", "experience"}, {"occurred_at", "2026-11-29T09:00:00Z"}}));
  CHECK(r->last_seq() > before);
}
