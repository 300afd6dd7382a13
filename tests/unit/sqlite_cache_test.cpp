// sql::Db::cached: statements kept per connection. A lease must leave no read snapshot open
// when it ends, a statement in use must not be handed out twice, and the cache stays bounded.
#include "test_support.hpp"
#include "werkex/sqlite.hpp"

using namespace werkex;
using werkex::test::TempDir;

namespace {

// Statements of the connection that are mid-step (holding a read snapshot).
int busy_statements(const sql::Db& db) {
  int busy = 0;
  for (sqlite3_stmt* st = sqlite3_next_stmt(db.raw(), nullptr); st;
       st = sqlite3_next_stmt(db.raw(), st))
    busy += sqlite3_stmt_busy(st) ? 1 : 0;
  return busy;
}

int count_statements(const sql::Db& db) {
  int n = 0;
  for (sqlite3_stmt* st = sqlite3_next_stmt(db.raw(), nullptr); st;
       st = sqlite3_next_stmt(db.raw(), st))
    ++n;
  return n;
}

sql::Db numbers_db(const TempDir& dir) {
  auto db = sql::Db::open(dir.file("numbers.db"));
  REQUIRE(db);
  REQUIRE(db->exec("CREATE TABLE n(v INTEGER); INSERT INTO n VALUES (1), (2), (3)"));
  return std::move(*db);
}

}  // namespace

TEST_CASE("a cached statement is reset when its lease ends, mid-result") {
  TempDir dir;
  sql::Db db = numbers_db(dir);
  {
    auto st = db.cached("SELECT v FROM n WHERE v >= ?1 ORDER BY v");
    REQUIRE(st);
    (*st)->bind(1, 2);
    REQUIRE(*(*st)->step());
    CHECK((*st)->int64(0) == 2);
    CHECK(busy_statements(db) == 1);
  }
  CHECK(busy_statements(db) == 0);
  // The same statement again, bindings cleared: ?1 is NULL, so nothing matches.
  auto again = db.cached("SELECT v FROM n WHERE v >= ?1 ORDER BY v");
  REQUIRE(again);
  CHECK_FALSE(*(*again)->step());
  CHECK(count_statements(db) == 1);
}

TEST_CASE("a cached statement in use is not handed out twice") {
  TempDir dir;
  sql::Db db = numbers_db(dir);
  const char* sql = "SELECT v FROM n ORDER BY v";
  auto outer = db.cached(sql);
  REQUIRE(outer);
  int64_t sum = 0;
  while (*(*outer)->step()) {
    // The same query inside its own loop gets its own statement and a whole result.
    auto inner = db.cached(sql);
    REQUIRE(inner);
    int rows = 0;
    while (*(*inner)->step()) ++rows;
    CHECK(rows == 3);
    sum += (*outer)->int64(0);
  }
  CHECK(sum == 6);
}

TEST_CASE("the statement cache stays bounded and still answers past its bound") {
  TempDir dir;
  sql::Db db = numbers_db(dir);
  const size_t extra = 10;
  for (size_t i = 0; i < sql::Db::kCachedStatements + extra; ++i) {
    auto st = db.cached("SELECT v + " + std::to_string(i) + " FROM n ORDER BY v");
    REQUIRE(st);
    REQUIRE(*(*st)->step());
    CHECK((*st)->int64(0) == int64_t(1 + i));
  }
  CHECK(count_statements(db) == int(sql::Db::kCachedStatements));
}

TEST_CASE("a cached statement with bad SQL is an error, and a moved connection keeps its cache") {
  TempDir dir;
  sql::Db db = numbers_db(dir);
  auto bad = db.cached("SELECT nope FROM nowhere");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("nowhere") != std::string::npos);
  { REQUIRE(db.cached("SELECT count(*) FROM n")); }
  sql::Db moved = std::move(db);
  auto st = moved.cached("SELECT count(*) FROM n");
  REQUIRE(st);
  REQUIRE(*(*st)->step());
  CHECK((*st)->int64(0) == 3);
  CHECK(count_statements(moved) == 1);
  sql::Db none;
  CHECK_FALSE(none.cached("SELECT 1"));
}
