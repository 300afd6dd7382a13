// `werkex-admin migrate --postgres CONNINFO` as school IT runs it: it creates the schema, a
// second run changes nothing, and bad input gets a usage error or a clear error with its exit
// code, never a half-made schema.
#include "pg_schema.hpp"
#include "pg_test_db.hpp"
#include "process.hpp"

using namespace werkex;

TEST_CASE("admin migrate: creates the schema once, then reports it is current") {
  test::TestDatabase db;
  auto first = test::run_process({WERKEX_ADMIN, "migrate", "--postgres", db.conninfo()});
  CHECK(first.exit_code == 0);
  CHECK(first.err == "");
  const std::string version = std::to_string(server::pg::latest_schema_version());
  CHECK(first.out == "schema at version " + version + " (" +
                         std::to_string(server::pg::migrations().size()) + " migration" +
                         (server::pg::migrations().size() == 1 ? "" : "s") + " applied)\n");
  auto again = test::run_process({WERKEX_ADMIN, "migrate", "--postgres", db.conninfo()});
  CHECK(again.exit_code == 0);
  CHECK(again.out == "schema at version " + version + " (0 migrations applied)\n");
  auto conn = db.connect();
  CHECK(*server::pg::schema_version(conn) == server::pg::latest_schema_version());
}

TEST_CASE("admin migrate: bad input is refused with its exit code and a message") {
  auto no_value = test::run_process({WERKEX_ADMIN, "migrate", "--postgres"});
  CHECK(no_value.exit_code == 2);
  CHECK(no_value.err.find("usage: werkex-admin migrate --postgres CONNINFO") != std::string::npos);
  CHECK(test::run_process({WERKEX_ADMIN, "migrate", "--sqlite", "x"}).exit_code == 2);

  auto unreachable = test::run_process(
      {WERKEX_ADMIN, "migrate", "--postgres",
       "host=127.0.0.1 port=1 user=werkex password=s3cret-pw dbname=x connect_timeout=5"});
  CHECK(unreachable.exit_code == 19);  // 10 + unavailable
  CHECK(unreachable.err.find("werkex-admin migrate: unavailable: ") == 0);
  CHECK(unreachable.err.find("s3cret-pw") == std::string::npos);
  CHECK(unreachable.out == "");

  test::TestDatabase db;
  auto conn = db.connect();
  REQUIRE(server::pg::migrate(conn));
  REQUIRE(conn.exec("INSERT INTO schema_version(version, name) VALUES($1, 'newer')",
                    {server::pg::latest_schema_version() + 1}));
  auto newer = test::run_process({WERKEX_ADMIN, "migrate", "--postgres", db.conninfo()});
  CHECK(newer.exit_code == 13);  // 10 + conflict
  CHECK(newer.err.find("upgrade werkex") != std::string::npos);
}
