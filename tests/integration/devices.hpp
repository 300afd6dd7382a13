// A device in integration tests: a replica on a real SQLite file that syncs with the real
// server through libcurl, plus the admin tool for more enrolment codes.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <random>

#include "server_process.hpp"
#include "werkex/curl_transport.hpp"
#include "werkex/sync_session.hpp"

namespace werkex::test {

inline CurlOptions quick_curl() {
  CurlOptions o;
  o.connect_timeout = std::chrono::milliseconds(2000);
  o.timeout = std::chrono::milliseconds(10000);
  o.max_attempts = 2;
  o.backoff = std::chrono::milliseconds(50);
  return o;
}

// Runs werkex-admin and returns its stdout's first line.
inline std::string admin(const std::string& data, const std::string& args) {
  std::string cmd = std::string(WERKEX_ADMIN) + admin_store_args(data) + args;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  char buf[256] = {0};
  std::string out = fgets(buf, sizeof buf, p) ? std::string(buf) : std::string();
  REQUIRE(pclose(p) == 0);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// Runs werkex-admin (it must succeed) and returns all of its stdout.
inline std::string admin_all(const std::string& data, const std::string& args) {
  std::string cmd = std::string(WERKEX_ADMIN) + admin_store_args(data) + args;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::string out;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) out += buf;
  REQUIRE(pclose(p) == 0);
  return out;
}

// Runs a shell command; its exit code (-1 if it did not exit) and what it printed (stdout and
// whatever `cmd` redirects there).
inline std::pair<int, std::string> run_command(const std::string& cmd) {
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::string out;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) out += buf;
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

struct Device {
  std::unique_ptr<Replica> replica;
  CurlTransport transport{quick_curl()};

  Device(const std::string& path, const std::string& url, const std::string& code,
         ClockSource* clock = nullptr) {
    ReplicaOptions options;
    options.clock = clock;
    replica = expect_ok(Replica::open(path, options));
    expect_ok(replica->set_setting("server", url));
    expect_ok(SyncSession(*replica, transport).enroll(code));
  }
  SyncReport sync() { return expect_ok(SyncSession(*replica, transport).run()); }
  Result<SyncReport> try_sync() { return SyncSession(*replica, transport).run(); }
  const std::string& user() const { return replica->identity().user; }
  // Everything of one bucket, as JSON text: equal on replicas that converged on it.
  std::string bucket_dump(const std::string& bucket) const {
    Query q;
    q.bucket = bucket;
    q.include_deleted = true;
    return json(expect_ok(replica->list(q))).dump();
  }
};

// The placement of a demo pupil, as an activity's extra fields: a supervisor sees of the
// dossier only what is linked to her placement (server/app/pupil_view.hpp), so tests where
// she reads or signs the pupil's entries plan them in it. Empty for a pupil without one.
inline json at_placement(Device& pupil) {
  Query q = Query::where("placement", "", "pupil", pupil.user());
  auto placements = expect_ok(pupil.replica->list(q));
  if (placements.empty()) {
    pupil.sync();  // a fresh device holds nothing of the school yet
    placements = expect_ok(pupil.replica->list(q));
  }
  if (placements.empty()) return json::object();
  return {{"placement", placements.at(0)["id"]}};
}

}  // namespace werkex::test
