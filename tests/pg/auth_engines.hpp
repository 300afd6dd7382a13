// The AuthStore under test on either engine, so one test body checks both: SQLite
// (SqliteAuthStore on a server.db in a temporary folder) and PostgreSQL (PgAuthStore on a
// fresh database of the throwaway cluster). Besides the store, an engine lets a test look at
// what is stored (`column`: the same SQL on both), make the access log refuse writes as a full
// disk would, and, on PostgreSQL, open a second store on the same database as a second server
// process would.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "auth_store_pg.hpp"
#include "auth_store_sqlite.hpp"
#include "pg_schema.hpp"
#include "pg_test_db.hpp"
#include "test_support.hpp"
#include "werkex/sqlite.hpp"

namespace werkex::test {

class AuthEngine {
 public:
  virtual ~AuthEngine() = default;
  virtual server::AuthStore& store() = 0;
  virtual std::string name() const = 0;
  // Column 0 of the rows of `sql`, as text, read beside the store (not through it).
  virtual std::vector<std::string> column(const std::string& sql) = 0;
  // Makes every insert into the access log fail, as a full disk does, or work again.
  virtual void block_access_log(bool blocked) = 0;
};

class SqliteAuthEngine final : public AuthEngine {
 public:
  SqliteAuthEngine() : store_(expect_ok(server::SqliteAuthStore::open(dir_.file("server.db")))) {
    side_ = expect_ok(sql::Db::open(dir_.file("server.db")));
  }
  server::AuthStore& store() override { return *store_; }
  std::string name() const override { return "sqlite"; }
  std::vector<std::string> column(const std::string& sql) override {
    auto st = expect_ok(sql::Stmt::prepare(side_, sql));
    return expect_ok(st.column_texts());
  }
  void block_access_log(bool blocked) override {
    expect_ok(side_.exec(blocked ? "CREATE TRIGGER full_disk BEFORE INSERT ON access_log BEGIN "
                                   "SELECT RAISE(ABORT, 'database or disk is full'); END"
                                 : "DROP TRIGGER full_disk"));
  }

 private:
  TempDir dir_;
  std::unique_ptr<server::SqliteAuthStore> store_;
  sql::Db side_;
};

class PgAuthEngine final : public AuthEngine {
 public:
  PgAuthEngine() : side_(db_.connect()) {
    REQUIRE(server::pg::migrate(side_));
    store_ = expect_ok(server::PgAuthStore::open(db_.conninfo()));
  }
  server::AuthStore& store() override { return *store_; }
  std::string name() const override { return "postgres"; }
  std::vector<std::string> column(const std::string& sql) override {
    auto rows = side_.exec(sql);
    if (!rows) FAIL(rows.error().to_string());
    std::vector<std::string> out;
    for (int r = 0; r < rows->size(); ++r) out.emplace_back(rows->text(r, 0));
    return out;
  }
  void block_access_log(bool blocked) override {
    // 53100: PostgreSQL's disk_full.
    expect_ok(side_.run_script(
        blocked ? "CREATE FUNCTION full_disk() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                  "RAISE EXCEPTION 'could not extend file: No space left on device' USING "
                  "ERRCODE = '53100'; END $$; CREATE TRIGGER full_disk BEFORE INSERT ON "
                  "access_log FOR EACH STATEMENT EXECUTE FUNCTION full_disk()"
                : "DROP TRIGGER full_disk ON access_log; DROP FUNCTION full_disk()"));
  }
  // A second server process's store on the same database.
  std::unique_ptr<server::PgAuthStore> another_process() {
    return expect_ok(server::PgAuthStore::open(db_.conninfo()));
  }
  const TestDatabase& db() const { return db_; }
  server::pg::Conn& side() { return side_; }

 private:
  TestDatabase db_;
  server::pg::Conn side_;
  std::unique_ptr<server::PgAuthStore> store_;
};

inline std::unique_ptr<AuthEngine> make_auth_engine(const std::string& name) {
  if (name == "sqlite") return std::make_unique<SqliteAuthEngine>();
  return std::make_unique<PgAuthEngine>();
}

}  // namespace werkex::test
