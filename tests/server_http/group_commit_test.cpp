// GroupCommit (server/app): many writers share WAL fsyncs, and nobody returns before a fsync
// that started after their own commit.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

#include "group_commit.hpp"

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
    std::mutex db_mutex;
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
