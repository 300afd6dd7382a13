// GroupCommit (server/app): many writers share WAL fsyncs, and nobody returns before a fsync
// that started after their own commit. DossierMutex: syncs share one open transaction (a
// batch), committed by the next plain lock; a batch whose commit fails is rolled back whole
// and its syncs are told.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

#include "group_commit.hpp"
#include "test_support.hpp"
#include "werkex/store.hpp"

using namespace werkex;

TEST_CASE("group commit: concurrent writers are durable through shared fsyncs",
          "[server][commit]") {
  char tmpl[] = "/tmp/werkex-gc-XXXXXX";
  REQUIRE(mkdtemp(tmpl));
  std::string path = std::string(tmpl) + "/d.db";
  {
    auto db = sql::Db::open(path);
    REQUIRE(db);
    REQUIRE(
        db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                 "CREATE TABLE t(x INTEGER)"));
    server::DossierMutex db_mutex;  // no replica attached: a plain lock, no batches
    server::GroupCommit commits(*db, db_mutex, path + "-wal");
    constexpr int kThreads = 8, kWrites = 40;
    std::atomic<int> failures{0};
    std::atomic<int64_t> highest_durable{0};
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t)
      writers.emplace_back([&] {
        for (int i = 0; i < kWrites; ++i) {
          int64_t mark;
          {
            std::lock_guard lock(db_mutex);
            if (!db->exec("INSERT INTO t VALUES(1)")) ++failures;
            mark = commits.mark();
          }
          if (!commits.wait_durable(mark)) ++failures;
          int64_t seen = highest_durable.load();
          while (seen < mark && !highest_durable.compare_exchange_weak(seen, mark)) {
          }
        }
      });
    for (auto& w : writers) w.join();
    CHECK(failures == 0);
    CHECK(highest_durable == kThreads * kWrites);
    CHECK(commits.fsyncs() >= 1);
    CHECK(commits.fsyncs() <= uint64_t(kThreads * kWrites));
    // Nothing new: no fsync at all.
    uint64_t before = commits.fsyncs();
    int64_t mark;
    {
      std::lock_guard lock(db_mutex);
      mark = commits.mark();
    }
    CHECK(commits.wait_durable(mark));
    CHECK(commits.fsyncs() == before);
  }
  std::filesystem::remove_all(tmpl);
}

namespace {

int64_t rows(const std::string& path, const std::string& table, const std::string& where = "1") {
  // Another connection: sees only what was committed. -1 on failure (no Catch assertions:
  // the threads below call it).
  auto db = sql::Db::open(path);
  if (!db) return -1;
  auto st = sql::Stmt::prepare(*db, "SELECT count(*) FROM " + table + " WHERE " + where);
  if (!st) return -1;
  auto row = st->step();
  return row && *row ? st->int64(0) : -1;
}

// A server's dossier replica with two tables of the test's own: `t`, and `child`, whose
// foreign key is checked at COMMIT, so an orphan row makes the commit itself fail.
std::unique_ptr<Replica> dossiers(const std::string& path) {
  ReplicaOptions quick;
  quick.durable = false;
  auto r = test::expect_ok(Replica::open(path, quick));
  REQUIRE(r->database().exec(
      "PRAGMA foreign_keys=ON; CREATE TABLE t(x INTEGER); CREATE TABLE parent(id INTEGER "
      "PRIMARY KEY); CREATE TABLE child(p INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY "
      "DEFERRED)"));
  return r;
}

// The replica above with a DossierMutex attached, as App has them (the lock declared after
// the replica, so it goes first).
struct BatchedStore {
  test::TempDir dir;
  std::string path = dir.file("d.db");
  std::unique_ptr<Replica> replica = dossiers(path);
  server::DossierMutex lock;
  BatchedStore() { lock.attach(*replica); }
};

// One sync's writes, as App::handle_sync makes them: the lock for a sync, the open batch.
uint64_t sync_writes(server::DossierMutex& m, Replica& r, const std::string& sql) {
  m.lock_for_sync();
  std::unique_lock lock(m, std::adopt_lock);
  uint64_t batch = test::expect_ok(m.join_batch());
  REQUIRE(r.write_together([&] { return r.database().exec(sql); }));
  return batch;
}

}  // namespace

TEST_CASE("dossier lock: syncs share a batch that the next plain lock commits",
          "[server][commit]") {
  BatchedStore store;
  const std::string& path = store.path;
  auto& r = store.replica;
  server::DossierMutex& m = store.lock;
  const uint64_t first = sync_writes(m, *r, "INSERT INTO t VALUES(1)");
  const uint64_t second = sync_writes(m, *r, "INSERT INTO t VALUES(2)");
  CHECK(first == second);       // one batch
  CHECK(rows(path, "t") == 0);  // not committed yet: nobody else sees it
  {
    std::lock_guard plain(m);                                 // any other user of the connection
    CHECK(sqlite3_get_autocommit(r->database().raw()) != 0);  // no transaction left open
  }
  CHECK(rows(path, "t") == 2);
  CHECK_FALSE(m.failed(first));
  CHECK(m.batches_committed() == 1);
  CHECK(sync_writes(m, *r, "INSERT INTO t VALUES(3)") == first + 1);  // a new batch
}

TEST_CASE("dossier lock: a batch nobody wrote in is closed at the end of its sync",
          "[server][commit]") {
  BatchedStore store;
  const std::string& path = store.path;
  auto& r = store.replica;
  server::DossierMutex& m = store.lock;
  {
    m.lock_for_sync();  // a pull alone
    std::unique_lock lock(m, std::adopt_lock);
    REQUIRE(m.join_batch());
    m.close_if_unwritten();
    CHECK(sqlite3_get_autocommit(r->database().raw()) != 0);  // the write lock is free
  }
  // Another process can write at once (no 30 s wait for a lock an idle server holds).
  auto other = sql::Db::open(path);
  REQUIRE(other);
  REQUIRE(other->exec("PRAGMA busy_timeout=0; INSERT INTO t VALUES(9)"));
  // A batch with a write stays open for GroupCommit's leader.
  sync_writes(m, *r, "INSERT INTO t VALUES(1)");
  {
    m.lock_for_sync();
    std::unique_lock lock(m, std::adopt_lock);
    m.close_if_unwritten();
    CHECK(sqlite3_get_autocommit(r->database().raw()) == 0);
  }
}

TEST_CASE("dossier lock: a batch whose commit fails is rolled back whole, its syncs are told",
          "[server][commit]") {
  BatchedStore store;
  const std::string& path = store.path;
  auto& r = store.replica;
  server::DossierMutex& m = store.lock;
  const uint64_t batch = sync_writes(m, *r, "INSERT INTO t VALUES(1)");
  sync_writes(m, *r, "INSERT INTO child VALUES(7)");  // an orphan: the COMMIT will refuse it
  { std::lock_guard plain(m); }
  CHECK(m.failed(batch));
  CHECK(rows(path, "t") == 0);  // the innocent sync's write went with the batch
  CHECK(rows(path, "child") == 0);
  // The next batch is a new one and stores what it is given.
  const uint64_t next = sync_writes(m, *r, "INSERT INTO t VALUES(2)");
  CHECK(next != batch);
  REQUIRE(m.commit_batch());
  CHECK_FALSE(m.failed(next));
  CHECK(rows(path, "t") == 1);
}

TEST_CASE("dossier lock: concurrent syncs are durable through shared batches and fsyncs",
          "[server][commit]") {
  BatchedStore store;
  const std::string& path = store.path;
  auto& r = store.replica;
  server::DossierMutex& m = store.lock;
  server::GroupCommit commits(r->database(), m, path + "-wal");
  constexpr int kThreads = 6, kWrites = 30;
  std::atomic<int> failures{0};
  std::vector<std::thread> syncs;
  for (int t = 0; t < kThreads; ++t)
    syncs.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        const std::string mine = std::to_string(t * 1000 + i);
        int64_t mark;
        uint64_t batch;
        {
          m.lock_for_sync();
          std::unique_lock lock(m, std::adopt_lock);
          auto joined = m.join_batch();
          if (!joined) {
            ++failures;
            continue;
          }
          batch = *joined;
          if (!r->write_together(
                  [&] { return r->database().exec("INSERT INTO t VALUES(" + mine + ")"); }))
            ++failures;
          mark = commits.mark();
        }
        // Answered only once committed and on disk: another connection sees it.
        if (!commits.wait_durable(mark) || m.failed(batch)) ++failures;
        if (rows(path, "t", "x = " + mine) != 1) ++failures;
      }
    });
  for (auto& s : syncs) s.join();
  CHECK(failures == 0);
  CHECK(rows(path, "t") == kThreads * kWrites);
  CHECK(m.batches_committed() >= 1);
  CHECK(m.batches_committed() <= uint64_t(kThreads * kWrites));
}

TEST_CASE("dossier lock: a batch still open when the server stops is committed",
          "[server][commit]") {
  test::TempDir dir;
  const std::string path = dir.file("d.db");
  auto r = dossiers(path);
  {
    server::DossierMutex m;
    m.attach(*r);
    sync_writes(m, *r, "INSERT INTO t VALUES(1)");
    CHECK(rows(path, "t") == 0);
  }
  CHECK(rows(path, "t") == 1);
  CHECK(sqlite3_get_autocommit(r->database().raw()) != 0);
}
