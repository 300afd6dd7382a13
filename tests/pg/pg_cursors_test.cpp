// Cursors become visible in cursor order however writers overlap (docs/design.md §3): the
// late-commit case step by step, the blocking that makes it hold (seen in pg_locks, not
// guessed from timing), no gap after a rollback, and a reader racing many writers that sees
// every cursor exactly once and in order.
#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "pg_cursors.hpp"
#include "pg_schema.hpp"
#include "pg_test_db.hpp"

using namespace werkex;
namespace pg = werkex::server::pg;

namespace {

pg::Conn migrated(const test::TestDatabase& db) {
  pg::Conn c = db.connect();
  REQUIRE(pg::migrate(c));
  REQUIRE(
      c.exec("INSERT INTO entities(id, type, bucket, state, doc) "
             "VALUES('e', 'note', 'pupil:p', '\\x03', '{}')"));
  return c;
}

// A writer's last step: its cursor, and the change row carrying it.
uint64_t record_change(pg::Conn& c) {
  auto first = pg::take_cursors(c, 1);
  REQUIRE(first);
  REQUIRE(c.exec("INSERT INTO changes(cursor, entity, bucket, hlc) VALUES($1, 'e', 'pupil:p', 1)",
                 {*first}));
  return *first;
}

// A pull as the store cuts it: the counter first, then the changes after `after` up to it.
std::vector<uint64_t> pull(pg::Conn& c, uint64_t after) {
  auto upto = pg::last_cursor(c);
  REQUIRE(upto);
  auto rows = c.exec(
      "SELECT cursor FROM changes WHERE bucket = 'pupil:p' AND cursor > $1 AND cursor <= $2 "
      "ORDER BY cursor",
      {after, *upto});
  REQUIRE(rows);
  std::vector<uint64_t> seen;
  for (int i = 0; i < rows->size(); ++i) seen.push_back(static_cast<uint64_t>(*rows->int64(i, 0)));
  return seen;
}

// Waits until the backend `pid` waits for a lock: a condition PostgreSQL reports, polled.
void wait_until_blocked(pg::Conn& observer, int pid) {
  for (int i = 0; i < 3000; ++i) {
    auto rows =
        observer.exec("SELECT count(*) FROM pg_locks WHERE pid = $1 AND NOT granted", {pid});
    REQUIRE(rows);
    if (rows->text(0, 0) != "0") return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL("the second writer never waited for the counter");
}

}  // namespace

TEST_CASE("cursors: a push that commits late is not skipped by a reader that saw a later one") {
  test::TestDatabase db;
  pg::Conn reader = migrated(db);
  pg::Conn a = db.connect(), b = db.connect();
  auto ta = pg::Transaction::begin(a);  // A has done its merging and not taken a cursor yet
  REQUIRE(ta);
  REQUIRE(a.exec("UPDATE entities SET doc = '{\"by\": \"a\"}' WHERE id = 'e'"));
  {
    // B's push runs beside it on other entities' rows and commits first.
    auto tb = pg::Transaction::begin(b);
    REQUIRE(tb);
    CHECK(record_change(b) == 1);
    REQUIRE(tb->commit());
  }
  CHECK(pull(reader, 0) == std::vector<uint64_t>{1});
  CHECK(record_change(a) == 2);  // A takes its cursor only now, above what readers saw
  REQUIRE(ta->commit());
  CHECK(pull(reader, 1) == std::vector<uint64_t>{2});
}

TEST_CASE("cursors: a writer that took the counter holds the next one until it commits") {
  test::TestDatabase db;
  pg::Conn reader = migrated(db);
  pg::Conn a = db.connect(), b = db.connect();
  auto ta = pg::Transaction::begin(a);
  REQUIRE(ta);
  CHECK(record_change(a) == 1);
  // B asks for a cursor while A holds one uncommitted: it must wait, not get 2 and commit first.
  auto b_done = std::async(std::launch::async, [&b] {
    auto tb = pg::Transaction::begin(b);
    if (!tb) return uint64_t{0};
    auto first = pg::take_cursors(b, 1);
    if (!first) return uint64_t{0};
    if (!b.exec("INSERT INTO changes(cursor, entity, bucket, hlc) VALUES($1, 'e', 'pupil:p', 1)",
                {*first}))
      return uint64_t{0};
    return tb->commit() ? *first : uint64_t{0};
  });
  wait_until_blocked(reader, b.backend_pid());
  CHECK(pull(reader, 0).empty());  // neither is visible yet
  REQUIRE(ta->commit());
  CHECK(b_done.get() == 2);
  CHECK(pull(reader, 0) == std::vector<uint64_t>{1, 2});
}

TEST_CASE("cursors: a writer that rolls back after taking cursors leaves no gap") {
  test::TestDatabase db;
  pg::Conn reader = migrated(db);
  pg::Conn a = db.connect();
  {
    auto ta = pg::Transaction::begin(a);
    REQUIRE(ta);
    CHECK(*pg::take_cursors(a, 5) == 1);
  }  // rolled back
  auto ta = pg::Transaction::begin(a);
  REQUIRE(ta);
  CHECK(record_change(a) == 1);
  REQUIRE(ta->commit());
  CHECK(pull(reader, 0) == std::vector<uint64_t>{1});
  CHECK(pg::take_cursors(a, 0).code() == WX_INTERNAL);
}

TEST_CASE("cursors: a reader racing four writers sees every cursor once, in order") {
  test::TestDatabase db;
  pg::Conn reader = migrated(db);
  constexpr int kWriters = 4, kEach = 150;
  std::atomic<int> failures{0}, writers_done{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w)
    writers.emplace_back([&, w] {
      const std::string own = "e" + std::to_string(w);  // rows of its own: no lock in common
      auto c = pg::Conn::connect(db.conninfo());
      if (!c) {
        ++failures;
        ++writers_done;
        return;
      }
      for (int i = 0; i < kEach; ++i) {
        auto tx = pg::Transaction::begin(*c);
        // Work before the cursor, as a push merges its entities before taking one.
        bool ok = tx && c->exec("SELECT pg_sleep(0.0001 * random())") &&
                  c->exec(
                      "INSERT INTO entities(id, type, bucket, state, doc) VALUES($1, 'note', "
                      "'pupil:p', '\\x03', '{}') ON CONFLICT (id) DO UPDATE SET doc = "
                      "entities.doc",
                      {own});
        auto first = ok ? pg::take_cursors(*c, 1) : Result<uint64_t>(make_error(WX_IO, "skip"));
        // And between the cursor and the commit, where a cursor taken too early shows.
        ok = first && c->exec("SELECT pg_sleep(0.0001 * random())") &&
             c->exec(
                 "INSERT INTO changes(cursor, entity, bucket, hlc) "
                 "VALUES($1, $2, 'pupil:p', 1)",
                 {*first, own}) &&
             tx->commit();
        if (!ok) ++failures;
      }
      ++writers_done;
    });
  std::vector<uint64_t> seen;
  uint64_t after = 0;
  auto pull_into_seen = [&] {
    for (uint64_t c : pull(reader, after)) {
      seen.push_back(c);
      after = c;
    }
  };
  while (writers_done < kWriters) pull_into_seen();
  for (auto& t : writers) t.join();
  pull_into_seen();  // what the last commits added
  CHECK(failures == 0);
  REQUIRE(seen.size() == static_cast<size_t>(kWriters * kEach));
  for (size_t i = 0; i < seen.size(); ++i) REQUIRE(seen[i] == i + 1);
}
