// What werkex-bench measures against the sync server (design.md: 1,000 concurrent devices on
// loopback, the first sync of a supervisor's phone, bytes on the wire per field change).
//
// The server is the real one, in this process (bench_server.hpp); the school and the pupils'
// phones are made with the server app's and synclib's own code (bench_school.hpp). The load
// client (load_client.hpp) replays each phone's requests over its own keep-alive connection;
// the phones do not store what they pull (device work, not server work, and it would take
// the same two cores). The first sync is the real thing: a fresh durable replica, SyncSession
// and CurlTransport.
//
// Phases, in order: a catch-up sync by a sample of the phones (a pupil's first sync: the school
// bucket), the others starting from the cursors that catch-up gets (nothing is written in
// between, so the server would answer them the same); every phone at once, each syncing again
// as soon as it is answered (the server flat out: its changes/s, and latency = phones /
// syncs per second by Little's law); the same phones paced at about half that rate (latency
// without the queue); then the supervisor's first sync.
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cmath>

#include "bench.hpp"
#include "bench_school.hpp"
#include "bench_server.hpp"
#include "load_client.hpp"
#include "werkex/curl_transport.hpp"
#include "werkex/sync_session.hpp"

namespace bench {

namespace {

double process_cpu_s() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

size_t sum(const std::vector<size_t>& v, size_t from, size_t to) {
  size_t n = 0;
  for (size_t i = from; i < to; ++i) n += v[i];
  return n;
}

void expect_applied(const LoadPhase& p, size_t expected, const char* what) {
  if (p.errors) throw Failure(std::string(what) + ": " + p.first_error);
  if (p.applied != expected)
    throw Failure(std::string(what) + ": the server applied " + std::to_string(p.applied) + " of " +
                  std::to_string(expected) + " pushed changes");
}

werkex::CurlOptions bench_curl() {
  werkex::CurlOptions o;
  o.max_attempts = 1;  // a bench should see a failure, not hide it behind a retry
  return o;
}

// The placed pupil's phone records ~10,000 field changes and pushes them through the real
// sync path; then fresh supervisor phones enrol and run their first sync, timed.
void bench_first_sync(BenchServer& server, const BenchSchool& s, const TempDir& dir,
                      ServerFigures& f) {
  werkex::server::App& app = server.app();
  size_t entities = 0;
  {
    werkex::ReplicaOptions quick;
    quick.durable = false;
    auto phone = check(werkex::Replica::open(dir.file("pupil-phone.db"), quick), "open");
    check(phone->set_setting("server", server.url()), "setting");
    werkex::CurlTransport curl(bench_curl());
    std::string code = check(app.auth().create_invite(s.dossier_pupil, 24, app.now_ms()), "invite");
    check(werkex::SyncSession(*phone, curl).enroll(code), "enrol the pupil");
    // The activity belongs to the supervisor's placement (first pulled with the school
    // bucket): she sees only that part of the dossier (pupil_view.hpp).
    check(werkex::SyncSession(*phone, curl).run(), "the pupil's first sync");
    werkex::ActivityPlan plan;
    plan.kind = "snuffelstage";
    plan.title = "Snuffelstage bij Bistro Noord";
    plan.builds_on = "Wat ik in de vorige stage over mezelf heb geleerd";
    plan.expected_yield = "Weten of werken in de horeca bij mij past";
    plan.use_of_yield = "Bespreken met mijn mentor bij het kiezen van een profiel";
    plan.extra = {{"placement", s.placement}};
    std::string activity =
        check(werkex::Dossier(*phone).plan_activity(plan), "plan the placement's activity");
    werkex::ChangeFilter own;
    own.skip_from_server = true;  // what the phone pushes, not what it pulled
    size_t planned = check(phone->changes_since(0, 0, own), "changes").changes.size();
    size_t experiences = (10000 - planned + 8) / 9;
    werkex::Dossier dossier(*phone);
    for (const Experience& e : make_experiences(experiences, 4))
      check(dossier.record_experience(draft_of(e, activity)), "record experience");
    entities = 1 + experiences;
    size_t made = check(phone->changes_since(0, 0, own), "changes").changes.size();
    werkex::SyncReport up = check(werkex::SyncSession(*phone, curl).run(), "push the dossier");
    if (up.pushed != made || !up.rejected.empty())
      throw Failure("the pupil pushed " + std::to_string(up.pushed) + " of " +
                    std::to_string(made) + " changes, " + std::to_string(up.rejected.size()) +
                    " refused");
  }
  std::vector<double> ms;
  for (int run = 0; run < f.first_sync_runs; ++run) {
    auto phone = check(werkex::Replica::open(dir.file("supervisor-" + std::to_string(run) + ".db")),
                       "open the supervisor's phone");  // durable, as on a phone
    check(phone->set_setting("server", server.url()), "setting");
    werkex::CurlTransport curl(bench_curl());
    std::string code = check(app.auth().create_invite(s.supervisor, 24, app.now_ms()), "invite");
    check(werkex::SyncSession(*phone, curl).enroll(code), "enrol the supervisor");
    SyncTraffic before = server.traffic();
    auto start = Clock::now();
    werkex::SyncReport report = check(werkex::SyncSession(*phone, curl).run(), "first sync");
    ms.push_back(seconds_since(start) * 1000);
    SyncTraffic used = server.traffic() - before;
    // Sanity: the phone holds the whole dossier.
    werkex::Query dossier;
    dossier.bucket = "pupil:" + s.dossier_pupil;
    size_t held = check(phone->count(dossier), "count");
    if (held != entities || !report.rejected.empty())
      throw Failure("first sync: the supervisor's phone holds " + std::to_string(held) + " of " +
                    std::to_string(entities) + " entities of the dossier");
    f.first_sync_dossier_entities = held;
    f.first_sync_entities = check(phone->count(werkex::Query{}), "count");
    f.first_sync_changes = report.pulled;
    f.first_sync_rounds = size_t(report.rounds);
    f.first_sync_request_bytes = double(used.request_bytes);
    f.first_sync_response_bytes = double(used.response_bytes);
    werkex::Bundle held_changes = check(phone->changes_since(0), "changes");
    double raw = 0;
    for (const werkex::Change& c : held_changes.changes) raw += double(raw_value_bytes(c));
    f.pulled_raw_per_change = raw / double(held_changes.changes.size());
    progress("first sync " + std::to_string(run + 1) + ": " + std::to_string(ms.back()) + " ms, " +
             std::to_string(report.pulled) + " changes in " + std::to_string(report.rounds) +
             " rounds");
  }
  f.first_sync_ms = median(ms);
}

void raise_fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

}  // namespace

ServerFigures bench_server(const TempDir& dir, bool quick) {
  ServerFigures f;
  f.devices = quick ? 100 : 1000;
  f.rounds = quick ? 2 : 3;
  f.paced_rounds = quick ? 2 : 3;
  f.catch_up_devices = quick ? 10 : 20;
  f.first_sync_runs = 3;
  raise_fd_limit();  // two sockets per device in this one process
  BenchServer server(dir.file("server"));

  auto t0 = Clock::now();
  BenchSchool school = seed_school(server.app(), f.devices);
  f.school_entities = school.entities;
  f.seed_s = seconds_since(t0);
  progress("seeded a school of " + std::to_string(school.entities) + " entities");

  // The phones' replicas are not what is measured: on tmpfs where there is one.
  t0 = Clock::now();
  TempDir phones(std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : dir.path().string());
  PhoneWork work;
  const size_t closed_end = 1 + f.rounds, paced_end = closed_end + f.paced_rounds;
  LoadClient client(server.port(), prepare_phones(server.app(), school, f.devices, paced_end - 1,
                                                  phones.path().string(), work));
  f.prepare_s = seconds_since(t0);
  f.push_raw_per_change = work.raw_value_bytes / double(sum(work.changes_per_round, 1, paced_end));
  progress("prepared " + std::to_string(f.devices) + " phones");
  client.connect();

  // A pupil's first sync, a sample one after the other (50 ms apart: no queue).
  LoadPhase catch_up =
      client.run(0, 1, std::chrono::milliseconds(50 * f.catch_up_devices), f.catch_up_devices);
  expect_applied(catch_up, 0, "catch-up");
  f.catch_up_p50_ms = percentile(catch_up.latency_ms, 0.5);
  f.catch_up_p99_ms = percentile(catch_up.latency_ms, 0.99);
  client.share_cursors(f.catch_up_devices - 1);
  (void)server.take_server_ms();

  // Every phone at once, flat out.
  SyncTraffic before = server.traffic();
  double cpu0 = process_cpu_s(), client0 = thread_cpu_s();
  LoadPhase all = client.run(1, closed_end, std::chrono::milliseconds(0));
  double client_cpu = thread_cpu_s() - client0, cpu = process_cpu_s() - cpu0;
  SyncTraffic used = server.traffic() - before;
  expect_applied(all, sum(work.changes_per_round, 1, closed_end), "all phones at once");
  std::vector<double> server_ms = server.take_server_ms();
  f.requests = all.requests;
  f.applied = all.applied;
  f.seconds = all.seconds;
  f.changes_per_s = double(all.applied) / all.seconds;
  f.p50_ms = percentile(all.latency_ms, 0.5);
  f.p99_ms = percentile(all.latency_ms, 0.99);
  f.max_ms = percentile(all.latency_ms, 1);
  f.server_p50_ms = percentile(server_ms, 0.5);
  f.server_p99_ms = percentile(server_ms, 0.99);
  f.server_cpu_ms_per_request = (cpu - client_cpu) * 1000 / double(all.requests);
  f.client_cpu_share = client_cpu / cpu;
  f.request_bytes = double(used.request_bytes);
  f.response_bytes = double(used.response_bytes);
  f.request_body_bytes = double(all.request_body_bytes);
  f.response_body_bytes = double(all.response_body_bytes);
  progress("all at once: " + std::to_string(f.changes_per_s) + " changes/s");

  // Paced at about half the rate the server just managed: each phone every interval.
  const double per_round =
      double(sum(work.changes_per_round, closed_end, paced_end)) / double(f.paced_rounds);
  f.paced_interval_ms = std::ceil(per_round / (f.changes_per_s / 2) * 1000);
  LoadPhase paced =
      client.run(closed_end, paced_end, std::chrono::milliseconds(long(f.paced_interval_ms)));
  expect_applied(paced, sum(work.changes_per_round, closed_end, paced_end), "paced");
  f.paced_applied = paced.applied;
  f.paced_changes_per_s = double(paced.applied) / paced.seconds;
  f.paced_p50_ms = percentile(paced.latency_ms, 0.5);
  f.paced_p99_ms = percentile(paced.latency_ms, 0.99);
  progress("paced: p99 " + std::to_string(f.paced_p99_ms) + " ms");

  bench_first_sync(server, school, dir, f);
  return f;
}

}  // namespace bench
