// Stale change rows (store_stale.cpp): a row whose seq no field carries any more is dropped
// in batches, after checking its entity, so the table stays as small as before while a
// single write no longer pays for the delete; nothing a peer needs is ever dropped.
#include <sqlite3.h>

#include "test_support.hpp"

using namespace werkex;
using test::expect_ok;

namespace {

int64_t change_rows(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT count(*) FROM changes", -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  int64_t n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

// What a fresh replica holds after taking everything `from` sends.
json copied_doc(Replica& from, const std::string& id, test::TempDir& dir,
                ManualClockSource& clock) {
  auto copy = test::open_replica(dir.file("copy.db"), clock, test::pupil_identity());
  expect_ok(copy->apply(expect_ok(from.changes_since(0))));
  return expect_ok(copy->get(id));
}

}  // namespace

TEST_CASE("stale change rows are dropped in batches and when the replica closes") {
  test::TempDir dir;
  ManualClockSource clock{test::kStartMillis};
  const std::string path = dir.file("a.db");
  std::string id;
  {
    auto a = test::open_replica(path, clock, test::pupil_identity());
    id = expect_ok(a->put({{"type", "activity"}, {"kind", "meeloopdag"}, {"title", "t0"}}));
    for (int i = 1; i <= 700; ++i)
      expect_ok(a->put({{"id", id}, {"title", "t" + std::to_string(i)}}));
    // Batches ran while writing: far fewer rows than writes are left.
    CHECK(change_rows(path) < 300);
    CHECK(copied_doc(*a, id, dir, clock)["title"] == "t700");
  }
  // Closed: only the rows a field carries remain (kind's and title's).
  CHECK(change_rows(path) == 2);
  auto again = test::open_replica(path, clock, test::pupil_identity());
  CHECK(expect_ok(again->get(id))["kind"] == "meeloopdag");
}

TEST_CASE("a rolled back write keeps the change rows its fields still carry") {
  test::TempDir dir;
  ManualClockSource clock{test::kStartMillis};
  auto a = test::open_replica(dir.file("a.db"), clock, test::pupil_identity());
  std::string id =
      expect_ok(a->put({{"type", "activity"}, {"kind", "meeloopdag"}, {"title", "vast"}}));
  std::string other =
      expect_ok(a->put({{"type", "activity"}, {"kind", "meeloopdag"}, {"title", "o0"}}));
  // The rolled-back write noted the create's seq as stale; the title still carries it.
  Status s = a->write_together([&]() -> Status {
    WX_RETURN_IF_ERROR(a->put({{"id", id}, {"title", "weg"}, {"kind", "bedrijfsbezoek"}}).status());
    return make_error(WX_CONFLICT, "changed my mind");
  });
  REQUIRE_FALSE(s.is_ok());
  // Enough writes elsewhere to run a batch over the noted seq.
  for (int i = 1; i <= 600; ++i)
    expect_ok(a->put({{"id", other}, {"title", "o" + std::to_string(i)}}));
  json doc = copied_doc(*a, id, dir, clock);
  CHECK(doc["title"] == "vast");
  CHECK(doc["kind"] == "meeloopdag");
}
