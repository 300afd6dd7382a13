// The libpq wrapper against a real PostgreSQL: values round-trip exactly, and every failure
// comes back as the werkex error its class calls for, without the statement's values or a
// password in the message.
#include <string>

#include "pg_test_db.hpp"

using namespace werkex;
using server::pg::Conn;
using server::pg::Param;
using server::pg::Transaction;

TEST_CASE("conn: text, integers, bytea and NULL round-trip exactly") {
  test::TestDatabase db;
  Conn c = db.connect();
  std::string all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes.push_back(static_cast<char>(i));
  const std::string text = "Ça va, Zoë? \xF0\x9F\x91\x8D 'quoted' \"too\" \\ back";
  auto rows = c.exec("SELECT $1::text, $2::bigint, $3::bytea, $4::text IS NULL, $5::bigint",
                     {text, int64_t{-9007199254740993}, Param::bytes(all_bytes), Param::null(),
                      uint64_t{9223372036854775807ull}});
  REQUIRE(rows);
  REQUIRE(rows->size() == 1);
  CHECK(rows->text(0, 0) == text);
  CHECK(*rows->int64(0, 1) == -9007199254740993);
  CHECK(*rows->bytes(0, 2) == all_bytes);
  CHECK(rows->text(0, 3) == "t");
  CHECK(*rows->int64(0, 4) == 9223372036854775807);
  CHECK(rows->bytes(0, 0).code() == WX_CORRUPT);  // text is not bytea
  CHECK(rows->int64(0, 0).code() == WX_CORRUPT);
}

TEST_CASE("conn: errors map by SQLSTATE class and name no values") {
  test::TestDatabase db;
  Conn c = db.connect();
  REQUIRE(c.run_script("CREATE TABLE t(k text PRIMARY KEY, n integer CHECK (n > 0))"));
  REQUIRE(c.exec("INSERT INTO t VALUES($1, 1)", {"pupil-secret-name"}));
  auto dup = c.exec("INSERT INTO t VALUES($1, 2)", {"pupil-secret-name"});
  REQUIRE(dup.code() == WX_CONFLICT);
  CHECK(dup.error().message.find("23505") != std::string::npos);
  CHECK(dup.error().message.find("\n") == std::string::npos);
  CHECK(c.exec("INSERT INTO t VALUES('x', $1)", {"not a number"}).code() == WX_INVALID_ARGUMENT);
  CHECK(c.exec("SELEKT 1").code() == WX_IO);  // a bug of ours, not the caller's input
  CHECK(c.exec("SELECT * FROM no_such_table").code() == WX_IO);

  SECTION("a transaction that failed does not commit, and says so") {
    auto tx = Transaction::begin(c);
    REQUIRE(tx);
    REQUIRE(c.exec("INSERT INTO t VALUES('y', 1)"));
    CHECK(!c.exec("INSERT INTO t VALUES('y', 1)"));
    Status committed = tx->commit();
    CHECK(committed.code() == WX_UNAVAILABLE);
    CHECK(c.exec("SELECT count(*) FROM t WHERE k = 'y'")->text(0, 0) == "0");
  }
  SECTION("a transaction dropped without commit rolls back") {
    {
      auto tx = Transaction::begin(c);
      REQUIRE(tx);
      REQUIRE(c.exec("INSERT INTO t VALUES('z', 1)"));
    }
    CHECK(c.exec("SELECT count(*) FROM t WHERE k = 'z'")->text(0, 0) == "0");
    CHECK(c.exec("SELECT 1"));  // and the connection is usable again
  }
}

TEST_CASE("conn: an unreachable server is WX_UNAVAILABLE, and the password stays out") {
  // Port 1 on loopback: nothing listens there (tcpmux; no test binds it).
  auto c = Conn::connect(
      "host=127.0.0.1 port=1 user=werkex password=hunter2-secret dbname=x connect_timeout=5");
  REQUIRE(c.code() == WX_UNAVAILABLE);
  CHECK(c.error().message.find("127.0.0.1:1") != std::string::npos);
  CHECK(c.error().message.find("hunter2") == std::string::npos);
}

TEST_CASE("conn: check() answers for a live connection and fails for a killed one") {
  test::TestDatabase db;
  Conn c = db.connect();
  REQUIRE(c.check());
  Conn other = db.connect();
  REQUIRE(other.exec("SELECT pg_terminate_backend($1)", {c.backend_pid()}));
  // The first statement on the killed connection fails as transient; check() reconnects.
  CHECK(c.exec("SELECT 1").code() == WX_UNAVAILABLE);
  CHECK(c.check());
  CHECK(c.exec("SELECT 1"));
}

TEST_CASE("conn: statements are prepared once per session and still answer exactly") {
  test::TestDatabase db;
  Conn c = db.connect();
  REQUIRE(c.run_script("CREATE TABLE t(k text PRIMARY KEY, n integer)"));
  for (int i = 0; i < 20; ++i)  // past PostgreSQL's switch to a generic plan (after 5)
    REQUIRE(c.exec("INSERT INTO t VALUES($1, $2)", {"k" + std::to_string(i), i}));
  auto prepared = [&] {
    return std::string(c.exec("SELECT count(*) FROM pg_prepared_statements")->text(0, 0));
  };
  CHECK(prepared() == "2");  // the INSERT, and this SELECT itself
  CHECK(c.exec("SELECT n FROM t WHERE k = $1", {"k7"})->text(0, 0) == "7");
  CHECK(c.exec("SELECT n FROM t WHERE k = $1", {"k13"})->text(0, 0) == "13");
  // A text that does not parse prepares nothing and spoils nothing after it.
  CHECK(c.exec("SELEKT $1", {"x"}).code() == WX_IO);
  CHECK(c.exec("SELECT n FROM t WHERE k = $1", {"k3"})->text(0, 0) == "3");
  // Past the cap, statements run unprepared.
  for (int i = 0; i < 300; ++i)
    REQUIRE(c.exec("SELECT " + std::to_string(i) + " + $1::int", {1})->text(0, 0) ==
            std::to_string(i + 1));
  CHECK(std::stoi(prepared()) <= 256);
  // A new session (the old one killed, check() reconnects) prepares again.
  Conn other = db.connect();
  REQUIRE(other.exec("SELECT pg_terminate_backend($1)", {c.backend_pid()}));
  CHECK(c.exec("SELECT n FROM t WHERE k = $1", {"k1"}).code() == WX_UNAVAILABLE);
  REQUIRE(c.check());
  CHECK(c.exec("SELECT n FROM t WHERE k = $1", {"k1"})->text(0, 0) == "1");
}
