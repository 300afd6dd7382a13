// The admin job board (server/app/admin_jobs.hpp) in-process, with a clock the test moves
// and work that waits for the test: one job at a time (a second is refused, never queued),
// progress with rate and time left, answers kept for a client that comes back, and a job
// that throws ends as a 500 answer instead of a board that stays busy.
#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "admin_jobs.hpp"
#include "test_support.hpp"

using namespace werkex;
using namespace werkex::server;
using werkex::test::expect_ok;

namespace {

// Work that reports a step and then waits until the test lets it end.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool started = false, open = false;

  AdminJobs::Work work(unsigned status) {
    return [this, status](JobProgress& p) {
      p.step("export", 10);
      p.advance(4, 10);
      std::unique_lock lock(mu);
      started = true;
      cv.notify_all();
      cv.wait(lock, [&] { return open; });
      return AdminAnswer{status, {{"written", 10}}};
    };
  }
  void wait_started() {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return started; });
  }
  void release() {
    std::lock_guard lock(mu);
    open = true;
    cv.notify_all();
  }
};

json wait_done(const AdminJobs& jobs, const std::string& id) {
  for (;;) {
    auto s = jobs.status(id, "");
    REQUIRE(s);
    if ((*s)["state"] == "done") return *s;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace

TEST_CASE("admin jobs: one at a time, progress while it runs, the answer kept", "[admin][jobs]") {
  std::atomic<uint64_t> now{1795000000000};
  AdminJobs jobs([&] { return now.load(); });
  Gate gate;
  const std::string id = expect_ok(jobs.start("export", gate.work(200)));
  gate.wait_started();
  now += 2000;  // 4 of 10 in 2 s: 2 per second, 3 s left

  json running = *jobs.status(id, "");
  CHECK(running["state"] == "running");
  CHECK(running["kind"] == "export");
  CHECK(running["progress"]["step"] == "export");
  CHECK(running["progress"]["done"] == 4);
  CHECK(running["progress"]["total"] == 10);
  CHECK(running["progress"]["rate_per_s"] == 2.0);
  CHECK(running["progress"]["eta_s"] == 3.0);
  CHECK_FALSE(running.contains("result"));

  // Another job, started or run inline, is refused while this one runs, naming it.
  auto second = jobs.start("backup", [](JobProgress&) { return AdminAnswer{200, {}}; });
  REQUIRE_FALSE(second);
  CHECK(second.error().code == WX_CONFLICT);
  CHECK_THAT(second.error().message, Catch::Contains(id));
  auto inline_run = jobs.run("roster", [](JobProgress&) { return AdminAnswer{200, {}}; });
  REQUIRE_FALSE(inline_run);
  CHECK(inline_run.error().code == WX_CONFLICT);

  gate.release();
  json done = wait_done(jobs, id);
  CHECK(done["status"] == 200);
  CHECK(done["result"]["written"] == 10);
  CHECK(done.contains("ended_at"));
  // Now the board is free again, and the list shows both runs, newest first.
  auto after = expect_ok(jobs.run("backup", [](JobProgress&) { return AdminAnswer{201, {}}; }));
  CHECK(after.status == 201);
  json list = jobs.list("");
  REQUIRE(list.size() == 2);
  CHECK(list[0]["kind"] == "backup");
  CHECK(list[1]["id"] == id);
  CHECK_FALSE(list[1].contains("result"));  // the list is a summary
  CHECK_FALSE(jobs.status("job-0000", ""));
}

TEST_CASE("admin jobs: a job that throws ends as a 500 answer and frees the board",
          "[admin][jobs]") {
  AdminJobs jobs([] { return uint64_t{1795000000000}; });
  const std::string id = expect_ok(jobs.start(
      "export", [](JobProgress&) -> AdminAnswer { throw std::runtime_error("disk on fire"); }));
  json done = wait_done(jobs, id);
  CHECK(done["status"] == 500);
  CHECK(done["result"]["error"]["code"] == "internal");
  CHECK_THAT(done["result"]["error"]["message"].get<std::string>(),
             Catch::Contains("disk on fire"));
  CHECK(expect_ok(jobs.run("export", [](JobProgress&) {
          return AdminAnswer{200, {}};
        })).status == 200);
}

TEST_CASE("admin jobs: ids are unguessable and only the recent jobs are kept", "[admin][jobs]") {
  AdminJobs jobs([] { return uint64_t{1795000000000}; });
  std::vector<std::string> ids;
  for (size_t i = 0; i < AdminJobs::kRecentJobs + 3; ++i) {
    ids.push_back(expect_ok(jobs.start("backup", [](JobProgress&) {
      return AdminAnswer{200, {}};
    })));
    wait_done(jobs, ids.back());  // else the next start is refused: one job at a time
  }
  for (size_t i = 0; i < 3; ++i) CHECK_FALSE(jobs.status(ids[i], ""));
  CHECK(jobs.list("").size() == AdminJobs::kRecentJobs);
  std::set<std::string> distinct(ids.begin(), ids.end());
  CHECK(distinct.size() == ids.size());
  for (const std::string& id : ids) CHECK(id.size() >= 20);
}

TEST_CASE("admin jobs: a school's token sees its school's jobs only, the deployment's all",
          "[admin][jobs][schools]") {
  AdminJobs jobs([] { return uint64_t{1795000000000}; });
  auto done = [](JobProgress&) { return AdminAnswer{200, {{"codes", {"secret"}}}}; };
  const std::string a = expect_ok(jobs.start("roster", done, "school-a"));
  wait_done(jobs, a);
  const std::string b = expect_ok(jobs.start("roster", done, "school-b"));
  wait_done(jobs, b);
  const std::string d = expect_ok(jobs.start("backup", done, ""));
  wait_done(jobs, d);
  CHECK(jobs.status(a, "school-a"));
  CHECK_FALSE(jobs.status(b, "school-a"));  // its answer holds B's enrolment codes
  CHECK_FALSE(jobs.status(d, "school-a"));
  for (const std::string& id : {a, b, d}) CHECK(jobs.status(id, ""));
  json listed = jobs.list("school-a");
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["id"] == a);
  CHECK(jobs.list("").size() == 3);
  // A job running for B is refused to A without naming where to poll it.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  const std::string slow = expect_ok(jobs.start(
      "roster",
      [released](JobProgress&) {
        released.wait();
        return AdminAnswer{200, {}};
      },
      "school-b"));
  auto refused = jobs.run("roster", done, "school-a");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == WX_CONFLICT);
  CHECK(refused.error().message.find(slow) == std::string::npos);
  release.set_value();
  wait_done(jobs, slow);
}

namespace {

// Another process's jobs as JobLocks would report them: `held` schools are busy there.
struct OtherProcess final : JobLocks {
  std::set<std::string> held;
  std::vector<std::string> taken, given_back;
  Status try_lock(const std::string& school) override {
    if (held.count(school)) return make_error(WX_CONFLICT, "another process runs it");
    taken.push_back(school);
    return Status::ok();
  }
  Status unlock(const std::string& school) override {
    given_back.push_back(school);
    return Status::ok();
  }
};

}  // namespace

TEST_CASE("admin jobs: a job another process runs is refused here too, and frees nothing",
          "[admin][jobs]") {
  AdminJobs jobs([] { return uint64_t{1795000000000}; });
  OtherProcess other;
  jobs.share(&other);
  other.held = {"school-a"};
  auto refused = jobs.run(
      "roster",
      [](JobProgress&) {
        return AdminAnswer{200, {}};
      },
      "school-a");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == WX_CONFLICT);
  CHECK(jobs.list("").empty());  // no job was made
  CHECK(other.given_back.empty());
  // This process is free for the next job, which holds its lock until it ends.
  CHECK(expect_ok(jobs.run(
                      "roster",
                      [](JobProgress&) {
                        return AdminAnswer{200, {}};
                      },
                      "school-b"))
            .status == 200);
  CHECK(other.taken == std::vector<std::string>{"school-b"});
  CHECK(other.given_back == std::vector<std::string>{"school-b"});
}
