// PgJobLocks (server/app/pg_job_locks.hpp): the admin jobs' locks across server processes,
// each process a connection of its own, against a model of the rule alone (a school's job
// excludes a job of that school and any of the deployment; a deployment's job excludes
// every job), and a lock given back when its process's session ends.
#include <map>
#include <random>
#include <thread>

#include "pg_job_locks.hpp"
#include "pg_test_db.hpp"
#include "test_support.hpp"

using namespace werkex;
using namespace werkex::server;
using werkex::test::expect_ok;

namespace {

// The rule: may `school` start while `running` (process → school of its job) runs?
bool model_allows(const std::map<int, std::string>& running, const std::string& school) {
  for (const auto& [process, other] : running)
    if (school.empty() || other.empty() || other == school) return false;
  return true;
}

}  // namespace

TEST_CASE("job locks on pg: what the rule allows across processes, step by step") {
  test::TestDatabase db;
  std::vector<std::unique_ptr<PgJobLocks>> processes;
  for (int i = 0; i < 3; ++i) processes.push_back(expect_ok(PgJobLocks::open(db.conninfo())));
  const std::vector<std::string> schools = {"", "school-a", "school-b"};
  std::map<int, std::string> running;  // one job at a time per process, as AdminJobs keeps it
  std::mt19937 rng(15);
  size_t refused = 0, started = 0;
  for (int step = 0; step < 400; ++step) {
    const int p = int(rng() % processes.size());
    INFO("step " << step << ", process " << p);
    if (running.count(p)) {
      expect_ok(processes[p]->unlock(running[p]));
      running.erase(p);
      continue;
    }
    const std::string school = schools[rng() % schools.size()];
    INFO("school '" << school << "'");
    Status s = processes[p]->try_lock(school);
    REQUIRE(bool(s) == model_allows(running, school));
    if (s) {
      running[p] = school;
      ++started;
    } else {
      CHECK(s.code() == WX_CONFLICT);
      ++refused;
    }
  }
  CHECK(started > 50);
  CHECK(refused > 50);
}

TEST_CASE("job locks on pg: a process that dies gives its job's lock back") {
  test::TestDatabase db;
  auto survivor = expect_ok(PgJobLocks::open(db.conninfo()));
  {
    auto dying = expect_ok(PgJobLocks::open(db.conninfo()));
    expect_ok(dying->try_lock(""));
    CHECK(survivor->try_lock("school-a").code() == WX_CONFLICT);
    CHECK(survivor->try_lock("").code() == WX_CONFLICT);
  }  // its connection closes, as a killed process's does
  // The server ends the session a moment after the connection closes.
  Status taken = survivor->try_lock("school-a");
  for (int i = 0; i < 250 && !taken; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    taken = survivor->try_lock("school-a");
  }
  expect_ok(taken);
  expect_ok(survivor->unlock("school-a"));
  CHECK(PgJobLocks::school_key("school-a") != 0);
  CHECK(PgJobLocks::school_key("school-a") != PgJobLocks::school_key("school-b"));
}
