// Admin jobs across several werkex-server processes on one PostgreSQL database (docs/design.md
// §6): one job at a time whichever process it reaches, and the in-server nightly run once a
// day however many processes have its timer. [multiprocess]: run only on PostgreSQL
// (tests/integration/CMakeLists.txt).
#include <ctime>
#include <fstream>
#include <thread>

#include "devices.hpp"

using namespace werkex;
using namespace werkex::test;

#ifdef WERKEX_TEST_PG
namespace {

server::pg::Conn connect_to(const std::string& conninfo) {
  auto c = server::pg::Conn::connect(conninfo);
  if (!c) FAIL(c.error().message);
  return std::move(*c);
}

// `werkex-admin nightly` importing the roster fixture `day` through `server`'s admin listener.
int import_through(const ServerProcess& server, const std::string& token_file,
                   const std::string& day, const std::string& report,
                   const std::string& more = "") {
  return run_command(std::string(WERKEX_ADMIN) + " nightly --server " + server.admin_url() +
                     " --token-file " + token_file + " --roster " + WERKEX_SCHOOL_FIXTURES + "/" +
                     day + " --report " + report + " " + more + " >/dev/null 2>&1")
      .first;
}

}  // namespace

TEST_CASE("two processes: one admin job at a time across both, and nobody imported twice",
          "[integration][multiprocess][nightly]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess a(data);
  auto b = ServerProcess::another(data, "b");
  REQUIRE_FALSE(b->admin_url().empty());
  const std::string token_file = dir.file("admin.token");
  std::ofstream(token_file) << admin(data, "admin-token nightly") << "\n";
  const std::string conninfo = store_under_test(data)["conninfo"];
  server::pg::Conn db = connect_to(conninfo);

  // A job of the deployment running elsewhere (its lock held, as a process mid-job holds it:
  // PgJobLocks' keys, server/app/pg_job_locks.hpp): neither process starts an import.
  server::pg::Conn elsewhere = connect_to(conninfo);
  REQUIRE(elsewhere.exec("SELECT pg_advisory_lock(30570, 0)"));  // (kJobs, the deployment)
  CHECK(import_through(a, token_file, "day1", dir.file("r1.json")) != 0);
  CHECK(import_through(*b, token_file, "day1", dir.file("r2.json")) != 0);
  // How many persons the roster's user `id` became.
  auto people = [&](const std::string& id = "p-1001") {
    return std::string(db.exec("SELECT count(*) FROM entities WHERE type = 'person' AND "
                               "doc::jsonb ->> 'external_id' = $1",
                               {id})
                           ->text(0, 0));
  };
  CHECK(people() == "0");
  // With --wait-busy it tries again until the other job has ended, then imports.
  int waited = -1;
  std::thread patient([&] {
    waited = import_through(a, token_file, "day1", dir.file("r3.json"), "--wait-busy 120");
  });
  std::this_thread::sleep_for(std::chrono::seconds(1));
  CHECK(people() == "0");  // still held up
  REQUIRE(elsewhere.exec("SELECT pg_advisory_unlock(30570, 0)"));
  patient.join();
  CHECK(waited == 0);
  CHECK(people() == "1");

  // The next day's roster through both at once: one import, or two one after the other (the
  // second writing nothing); never the same people twice.
  int code_a = -1, code_b = -1;
  std::thread through_a(
      [&] { code_a = import_through(a, token_file, "day2", dir.file("ra.json")); });
  std::thread through_b(
      [&] { code_b = import_through(*b, token_file, "day2", dir.file("rb.json")); });
  through_a.join();
  through_b.join();
  CHECK((code_a == 0 || code_b == 0));
  CHECK(people() == "1");
  CHECK(people("t-04") == "1");  // the teacher who is new on day 2
  CHECK(std::string(db.exec("SELECT count(*) FROM entities WHERE type = 'school' AND "
                            "doc::jsonb ->> 'external_id' IS NOT NULL")
                        ->text(0, 0)) == "1");
}

namespace {

// Local HH:MM a minute or two from now, so both processes are up before their timers fire.
std::string next_minute() {
  std::time_t t = std::time(nullptr);
  std::tm local{};
  localtime_r(&t, &local);
  t += local.tm_sec > 45 ? 120 : 60;
  localtime_r(&t, &local);
  char hhmm[8];
  std::strftime(hhmm, sizeof hhmm, "%H:%M", &local);
  return hhmm;
}

size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("two processes: the server's own nightly runs once, whichever timer fires first",
          "[integration][multiprocess][nightly]") {
  TempDir dir;
  std::string data = dir.file("server");
  json config = {{"nightly",
                  {{"at", next_minute()},
                   {"roster_dir", std::string(WERKEX_SCHOOL_FIXTURES) + "/day1"},
                   {"letters_dir", dir.file("letters")},
                   {"export", true}}}};
  ServerProcess a(data, "127.0.0.1:0", config);
  auto b = ServerProcess::another(data, "b", config);
  const std::string ran = "\"event\":\"nightly\",", skipped = "\"event\":\"nightly_skipped\"";
  auto ended = [&](const ServerProcess& p) {
    return occurrences(p.log(), ran) + occurrences(p.log(), skipped) > 0;
  };
  for (int waited = 0; waited < 300 && !(ended(a) && ended(*b)); ++waited)
    std::this_thread::sleep_for(std::chrono::seconds(1));
  const std::string log_a = a.log(), log_b = b->log();
  INFO(log_a << "\n" << log_b);
  CHECK(occurrences(log_a, ran) + occurrences(log_b, ran) == 1);
  CHECK(occurrences(log_a, skipped) + occurrences(log_b, skipped) == 1);
  // The later one waited for the first's job to end, then found the day claimed.
  CHECK(occurrences(log_a + log_b, "another server process ran the nightly of") == 1);
  // The roster went in once: each person of it once.
  server::pg::Conn db = connect_to(store_under_test(data)["conninfo"]);
  CHECK(std::string(db.exec("SELECT count(*) FROM entities WHERE type = 'person' AND "
                            "doc::jsonb ->> 'external_id' = 'p-1001'")
                        ->text(0, 0)) == "1");
}
#endif
