// Crash safety: a child process writing in a loop is killed with SIGKILL at random moments.
// After each kill the database must pass PRAGMA integrity_check and hold every write whose
// put() had returned (the child printed its number only after that).
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <random>
#include <set>
#include <thread>

#include "test_support.hpp"

using namespace werkex;
using test::expect_ok;

namespace {

// Starts the writer with its stdout on a pipe; returns the pid and the read end.
std::pair<pid_t, int> start_writer(const std::string& db, const std::string& activity, long first,
                                   const char* mode = nullptr) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::string first_s = std::to_string(first);
    execl(WERKEX_CRASH_WRITER, WERKEX_CRASH_WRITER, db.c_str(), activity.c_str(), first_s.c_str(),
          mode, static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  return {pid, fds[0]};
}

std::string integrity(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, nullptr) == SQLITE_OK);
  std::string result;
  while (sqlite3_step(st) == SQLITE_ROW)
    result += reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return result;
}

// A writer's acknowledgements read as they come, so a test waits for progress, not for time
// (the machine may be slow).
struct Writer {
  pid_t pid = -1;
  int fd = -1;
  std::string buf;
  std::vector<long> acks;
  bool exited = false;  // on its own: an error

  // Reads what is there, waiting up to `ms` for something; false at end of output.
  bool pump(int ms) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, ms) <= 0) return true;
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n <= 0) return false;
    buf.append(chunk, static_cast<size_t>(n));
    for (size_t nl; (nl = buf.find('\n')) != std::string::npos; buf.erase(0, nl + 1))
      acks.push_back(std::stol(buf.substr(0, nl)));
    return true;
  }
  // Waits until `n` writes are acknowledged (or the writer stops, or a minute passes).
  void wait_for(size_t n) {
    for (int i = 0; i < 600 && acks.size() < n; ++i)
      if (!pump(100)) break;
  }
  void kill_and_drain() {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
    } else {
      REQUIRE(kill(pid, SIGKILL) == 0);
      REQUIRE(waitpid(pid, &status, 0) == pid);
      REQUIRE(WIFSIGNALED(status));
    }
    while (pump(1000)) {
    }
    close(fd);
  }
};

Writer start(const std::string& db, const std::string& target, long first,
             const char* mode = nullptr) {
  auto [pid, fd] = start_writer(db, target, first, mode);
  Writer w;
  w.pid = pid;
  w.fd = fd;
  return w;
}

// A new dossier at `db` holding one activity, whose title the writers overwrite; its id.
std::string make_activity(const std::string& db) {
  SystemClockSource clock;
  auto r = test::open_replica(db, clock, test::pupil_identity());
  return expect_ok(r->put({{"type", "activity"}, {"kind", "beroepsstage"}}));
}

}  // namespace

TEST_CASE("crash: writes acknowledged before SIGKILL survive and the database stays intact",
          "[crash][durability]") {
  test::TempDir dir;
  std::string db = dir.file("dossier.db");
  const std::string activity = make_activity(db);
  std::mt19937_64 rng(std::random_device{}());
  std::set<long> acknowledged;
  long next = 0;
  const int kKills = 25;
  for (int round = 0; round < kKills; ++round) {
    Writer w = start(db, activity, next);
    // Odd rounds kill at a random moment, opening and recovering included; even rounds once
    // the writer has acknowledged a write, so it makes progress however slow the machine is
    // (under AddressSanitizer the writer's start alone can outlast a random wait).
    if (round % 2 == 0) w.wait_for(1);
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 170));
    w.kill_and_drain();
    REQUIRE_FALSE(w.exited);
    for (long n : w.acks) acknowledged.insert(n);
    next = acknowledged.empty() ? next : *acknowledged.rbegin() + 1000;  // fresh numbers per round

    INFO("round " << round << ", " << acknowledged.size() << " writes acknowledged so far");
    REQUIRE(integrity(db) == "ok");
    ReplicaOptions options;
    auto replica = expect_ok(Replica::open(db, options));
    Query q;
    q.type = "experience";
    std::set<std::string> notes;
    for (const json& e : expect_ok(replica->list(q))) notes.insert(e["note"].get<std::string>());
    for (long n : acknowledged) REQUIRE(notes.count("write " + std::to_string(n)) == 1);
  }
  CHECK(acknowledged.size() >= static_cast<size_t>(kKills / 2));  // the writer made progress
}

namespace {

// A pupil's dossier with one reflection, the crash writer's starting point for next steps.
std::string seed_reflection(const std::string& db) {
  SystemClockSource clock;
  auto r = test::open_replica(db, clock, test::pupil_identity());
  std::string act = expect_ok(r->put({{"type", "activity"}, {"kind", "beroepsstage"}}));
  std::string exp = expect_ok(
      r->put({{"type", "experience"}, {"activity", act}, {"occurred_at", "2026-11-28T10:00:00Z"}}));
  return expect_ok(r->put({{"type", "reflection"}, {"experiences", {exp}}}));
}

}  // namespace

TEST_CASE("crash: an activity from a next step and its back link survive a kill together",
          "[crash][atomic]") {
  test::TempDir dir;
  std::string db = dir.file("dossier.db");
  const std::string reflection = seed_reflection(db);
  std::mt19937_64 rng(std::random_device{}());
  std::set<long> acknowledged;
  long next = 0;
  for (int round = 0; round < 15; ++round) {
    Writer w = start(db, reflection, next, "from-next-step");
    w.wait_for(1);  // in its loop: the kill lands somewhere among its writes
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 100));
    w.kill_and_drain();
    INFO("round " << round << ", " << acknowledged.size() << " writes acknowledged so far");
    REQUIRE_FALSE(w.exited);
    acknowledged.insert(w.acks.begin(), w.acks.end());
    next = acknowledged.empty() ? next + 1000 : *acknowledged.rbegin() + 1000;

    REQUIRE(integrity(db) == "ok");
    auto replica = expect_ok(Replica::open(db));
    Query q;
    q.type = "activity";
    std::set<std::string> titles;
    for (const json& a : expect_ok(replica->list(q))) {
      if (!a.contains("from_next_step")) continue;
      titles.insert(a["title"].get<std::string>());
      // Never half of the verb: an activity from a next step is linked back from it.
      json step = expect_ok(replica->get(a["from_next_step"].get<std::string>()));
      REQUIRE(step.value("became_activity", "") == a["id"]);
    }
    for (long n : acknowledged) REQUIRE(titles.count("write " + std::to_string(n)) == 1);
  }
  CHECK(acknowledged.size() >= 15);
}

TEST_CASE("crash: two processes writing one database at once both succeed, nothing lost",
          "[crash][writers]") {
  test::TempDir dir;
  std::string db = dir.file("dossier.db");
  const std::string activity = make_activity(db);
  // An app and its widget: two long-lived replicas on one file, writing as fast as they can,
  // each until it has 20 writes acknowledged while the other keeps writing too.
  Writer app = start(db, activity, 0);
  Writer widget = start(db, activity, 1000000);
  for (int i = 0; i < 600 && (app.acks.size() < 20 || widget.acks.size() < 20); ++i) {
    bool a = app.pump(50), b = widget.pump(50);
    if (!a || !b) break;  // one of them stopped: an error
  }
  app.kill_and_drain();
  widget.kill_and_drain();
  CHECK_FALSE(app.exited);  // neither stopped on an error (before: UNIQUE constraint failed)
  CHECK_FALSE(widget.exited);
  CHECK(app.acks.size() >= 20);
  CHECK(widget.acks.size() >= 20);
  REQUIRE(integrity(db) == "ok");
  auto replica = expect_ok(Replica::open(db));
  Query q;
  q.type = "experience";
  std::set<std::string> notes;
  for (const json& e : expect_ok(replica->list(q))) notes.insert(e["note"].get<std::string>());
  for (auto* acks : {&app.acks, &widget.acks})
    for (long n : *acks) CHECK(notes.count("write " + std::to_string(n)) == 1);
  // Every write has its own seq: another device receives every one of them.
  SystemClockSource clock;
  auto other = test::open_replica(dir.file("other.db"), clock, test::pupil_identity());
  expect_ok(other->apply(expect_ok(replica->changes_since(0))));
  CHECK(expect_ok(other->dump()) == expect_ok(replica->dump()));
}
