// The DossierStore under test on either engine, so one test body checks both: SQLite (a
// synclib Replica under SqliteDossierStore, as App opens it) and PostgreSQL (PgDossierStore
// on a fresh database of the throwaway cluster). `another_process()` opens a second store on
// the same data, as a second server process would (PostgreSQL only: SQLite has one writer).
#pragma once

#include <memory>
#include <string>

#include "dossier_store_pg.hpp"
#include "dossier_store_sqlite.hpp"
#include "pg_schema.hpp"
#include "pg_test_db.hpp"
#include "test_support.hpp"

namespace werkex::test {

class StoreEngine {
 public:
  virtual ~StoreEngine() = default;
  virtual server::DossierStore& store() = 0;
  virtual std::unique_ptr<server::DossierStore> another_process(ClockSource& clock) = 0;
  virtual std::string name() const = 0;
  // A second connection that only reads (App::open_reader's, for the export).
  virtual std::unique_ptr<server::DossierStore> reader() = 0;
};

class SqliteEngine final : public StoreEngine {
 public:
  explicit SqliteEngine(ClockSource& clock) {
    ReplicaOptions options;
    options.clock = &clock;
    options.durable = false;
    options.max_clock_skew_ms = 10 * 60 * 1000;
    replica_ = expect_ok(Replica::open(dir_.file("dossiers.db"), options));
    expect_ok(replica_->set_identity({"server", "admin", "", ""}));
    store_ = std::make_unique<server::SqliteDossierStore>(*replica_);
  }
  server::DossierStore& store() override { return *store_; }
  std::unique_ptr<server::DossierStore> another_process(ClockSource&) override { return nullptr; }
  std::string name() const override { return "sqlite"; }
  std::unique_ptr<server::DossierStore> reader() override {
    return std::make_unique<server::SqliteDossierStore>(
        expect_ok(Replica::open(dir_.file("dossiers.db"))));
  }

 private:
  TempDir dir_;
  std::unique_ptr<Replica> replica_;
  std::unique_ptr<server::SqliteDossierStore> store_;
};

class PgEngine final : public StoreEngine {
 public:
  explicit PgEngine(ClockSource& clock) {
    auto conn = db_.connect();
    REQUIRE(server::pg::migrate(conn));
    store_ = open(clock);
  }
  server::DossierStore& store() override { return *store_; }
  std::unique_ptr<server::DossierStore> another_process(ClockSource& clock) override {
    return open(clock);
  }
  std::string name() const override { return "postgres"; }
  std::unique_ptr<server::DossierStore> reader() override {
    server::PgDossierOptions options;
    options.conninfo = db_.conninfo();
    options.read_only = true;
    return expect_ok(server::PgDossierStore::open(options));
  }

 private:
  std::unique_ptr<server::PgDossierStore> open(ClockSource& clock) {
    server::PgDossierOptions options;
    options.conninfo = db_.conninfo();
    options.clock = &clock;
    return expect_ok(server::PgDossierStore::open(options));
  }
  TestDatabase db_;
  std::unique_ptr<server::PgDossierStore> store_;
};

inline std::unique_ptr<StoreEngine> make_engine(const std::string& name, ClockSource& clock) {
  if (name == "sqlite") return std::make_unique<SqliteEngine>(clock);
  return std::make_unique<PgEngine>(clock);
}

}  // namespace werkex::test
