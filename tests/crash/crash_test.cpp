// Crash safety: a child process writing in a loop is killed with SIGKILL at random moments.
// After each kill the database must pass PRAGMA integrity_check and hold every write whose
// put() had returned (the child printed its number only after that).
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <set>
#include <thread>

#include "test_support.hpp"

using namespace werkex;
using test::expect_ok;

namespace {

// Starts the writer with its stdout on a pipe; returns the pid and the read end.
std::pair<pid_t, int> start_writer(const std::string& db, const std::string& activity, long first) {
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
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  return {pid, fds[0]};
}

// Reads every acknowledged number the writer printed before it died.
std::vector<long> read_acks(int fd) {
  std::string all;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) all.append(buf, static_cast<size_t>(n));
  close(fd);
  std::vector<long> acks;
  size_t pos = 0;
  while (true) {
    size_t nl = all.find('\n', pos);
    if (nl == std::string::npos) break;  // a partial last line was not acknowledged
    acks.push_back(std::stol(all.substr(pos, nl - pos)));
    pos = nl + 1;
  }
  return acks;
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

}  // namespace

TEST_CASE("crash: writes acknowledged before SIGKILL survive and the database stays intact",
          "[crash][durability]") {
  test::TempDir dir;
  std::string db = dir.file("dossier.db");
  std::string activity;
  {
    SystemClockSource clock;
    auto r = test::open_replica(db, clock, test::pupil_identity());
    activity = expect_ok(r->put({{"type", "activity"}, {"kind", "beroepsstage"}}));
  }
  std::mt19937_64 rng(std::random_device{}());
  std::set<long> acknowledged;
  long next = 0;
  const int kKills = 25;
  for (int round = 0; round < kKills; ++round) {
    auto [pid, fd] = start_writer(db, activity, next);
    std::this_thread::sleep_for(std::chrono::milliseconds(30 + rng() % 170));
    REQUIRE(kill(pid, SIGKILL) == 0);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(WTERMSIG(status) == SIGKILL);
    for (long n : read_acks(fd)) acknowledged.insert(n);
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
  CHECK(acknowledged.size() >= static_cast<size_t>(kKills));  // the writer made real progress
}
