// Schema versions: a fresh database migrates to the latest version once, a second run and
// processes migrating together apply nothing twice, and a database newer than this build is
// refused without being touched.
#include <atomic>
#include <thread>
#include <vector>

#include "pg_schema.hpp"
#include "pg_test_db.hpp"

using namespace werkex;
namespace pg = werkex::server::pg;

TEST_CASE("schema: a fresh database migrates to the latest version, a second run is a no-op") {
  test::TestDatabase db;
  pg::Conn c = db.connect();
  CHECK(*pg::schema_version(c) == 0);
  auto applied = pg::migrate(c);
  REQUIRE(applied);
  CHECK(*applied == static_cast<int>(pg::migrations().size()));
  CHECK(*pg::schema_version(c) == pg::latest_schema_version());
  auto again = pg::migrate(c);
  REQUIRE(again);
  CHECK(*again == 0);
  auto rows = c.exec("SELECT count(*) FROM schema_version");
  CHECK(rows->text(0, 0) == std::to_string(pg::migrations().size()));
  // The lock is released: another connection migrates (nothing to do) without waiting forever.
  pg::Conn other = db.connect();
  CHECK(*pg::migrate(other) == 0);
}

TEST_CASE("schema: four processes starting at once migrate once between them") {
  test::TestDatabase db;
  std::atomic<int> total{0}, failures{0};
  std::vector<std::thread> starters;
  for (int i = 0; i < 4; ++i)
    starters.emplace_back([&] {
      auto c = pg::Conn::connect(db.conninfo());
      if (!c) {
        ++failures;
        return;
      }
      auto n = pg::migrate(*c);
      if (n)
        total += *n;
      else
        ++failures;
    });
  for (auto& t : starters) t.join();
  CHECK(failures == 0);
  CHECK(total == static_cast<int>(pg::migrations().size()));
}

TEST_CASE("schema: a database newer than this build is refused and left as it is") {
  test::TestDatabase db;
  pg::Conn c = db.connect();
  REQUIRE(pg::migrate(c));
  const int newer = pg::latest_schema_version() + 1;
  REQUIRE(
      c.exec("INSERT INTO schema_version(version, name) VALUES($1, 'from the future')", {newer}));
  auto r = pg::migrate(c);
  REQUIRE(r.code() == WX_CONFLICT);
  CHECK(r.error().message.find(std::to_string(newer)) != std::string::npos);
  CHECK(*pg::schema_version(c) == newer);
}

TEST_CASE("schema: a migration that fails leaves the database at the version before it") {
  test::TestDatabase db;
  pg::Conn c = db.connect();
  // Something already named like the first migration's table: its CREATE fails, and nothing
  // of it (nor a schema_version row) stays.
  REQUIRE(c.run_script("CREATE TABLE entities(x integer)"));
  auto r = pg::migrate(c);
  REQUIRE(!r);
  CHECK(*pg::schema_version(c) == 0);
  CHECK(c.exec("SELECT to_regclass('changes') IS NULL")->text(0, 0) == "t");
}
