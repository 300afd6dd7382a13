// Staff sessions in server.db (AuthStore, auth_store_staff.cpp): the housekeeping the night
// does. A session past its absolute age is deleted by retention even if no request ever came
// to end it; a person who left loses every session at once.
#include <catch2/catch.hpp>

#include "auth_store_sqlite.hpp"
#include "test_support.hpp"

using namespace werkex;
using werkex::test::expect_ok;

namespace {
constexpr uint64_t kT0 = 1795000000000;
constexpr uint64_t kHour = 3600ull * 1000;
constexpr uint64_t kIdle = 30 * 60 * 1000;
}  // namespace

TEST_CASE("staff sessions: retention deletes the ones past their absolute age", "[staff][store]") {
  test::TempDir dir;
  auto auth = expect_ok(server::SqliteAuthStore::open(dir.file("server.db")));
  auto old_one = expect_ok(auth->create_staff_session("mentor-a", kT0));
  auto new_one = expect_ok(auth->create_staff_session("mentor-b", kT0 + 13 * kHour));
  const uint64_t now = kT0 + 13 * kHour + 1;
  CHECK(expect_ok(auth->prune_staff_sessions(now - server::kStaffSessionMaxAgeMs)) == 1);
  CHECK(expect_ok(auth->prune_staff_sessions(now - server::kStaffSessionMaxAgeMs)) == 0);
  auto gone = auth->staff_session(old_one.token, kT0 + 1, kIdle, server::kStaffSessionMaxAgeMs);
  REQUIRE_FALSE(gone);
  CHECK(gone.error().code == WX_UNAUTHENTICATED);
  CHECK(expect_ok(auth->staff_session(new_one.token, now, kIdle, server::kStaffSessionMaxAgeMs))
            .person == "mentor-b");
}

TEST_CASE("staff sessions: a person who left loses all of them, others keep theirs",
          "[staff][store]") {
  test::TempDir dir;
  auto auth = expect_ok(server::SqliteAuthStore::open(dir.file("server.db")));
  auto laptop = expect_ok(auth->create_staff_session("mentor-a", kT0));
  auto phone = expect_ok(auth->create_staff_session("mentor-a", kT0));
  auto other = expect_ok(auth->create_staff_session("mentor-b", kT0));
  expect_ok(auth->end_person_staff_sessions("mentor-a"));
  for (const auto& t : {laptop, phone})
    CHECK_FALSE(auth->staff_session(t.token, kT0 + 1, kIdle, server::kStaffSessionMaxAgeMs));
  CHECK(auth->staff_session(other.token, kT0 + 1, kIdle, server::kStaffSessionMaxAgeMs));
}
