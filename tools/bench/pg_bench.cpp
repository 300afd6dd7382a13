// werkex-bench on PostgreSQL (pg_bench.hpp): the school and phones of server_bench.cpp, then
// the closed loop through one werkex-server process and through two.
#include "pg_bench.hpp"

#include <cmath>
#include <filesystem>
#include <iostream>

#include "bench_school.hpp"
#include "bench_server.hpp"
#include "load_client.hpp"
#include "pg_processes.hpp"
#include "pg_schema.hpp"

namespace bench {

namespace {

size_t sum(const std::vector<size_t>& v, size_t from, size_t to) {
  size_t n = 0;
  for (size_t i = from; i < to; ++i) n += v[i];
  return n;
}

// A fresh database `name` in the cluster, at the schema's latest version.
std::string make_database(const PgCluster& cluster, const std::string& name) {
  auto admin = check(werkex::server::pg::Conn::connect(cluster.conninfo("postgres")), "connect");
  check(admin.exec("CREATE DATABASE " + name).status(), "create the database");
  const std::string conninfo = cluster.conninfo(name);
  auto conn = check(werkex::server::pg::Conn::connect(conninfo), "connect");
  check(werkex::server::pg::migrate(conn).status(), "migrate");
  if (std::getenv("WERKEX_BENCH_PG_STATEMENTS"))
    check(conn.exec("CREATE EXTENSION pg_stat_statements").status(), "pg_stat_statements");
  return conninfo;
}

// WERKEX_BENCH_PG_STATEMENTS=N: the N statements that took the most time since the last call,
// on stderr (where a sync's database time goes; docs/design.md §10). Not part of the figures.
void print_statements(const std::string& conninfo, const std::string& phase) {
  const char* top = std::getenv("WERKEX_BENCH_PG_STATEMENTS");
  if (!top) return;
  auto conn = check(werkex::server::pg::Conn::connect(conninfo), "connect");
  auto rows =
      check(conn.exec("SELECT calls, round(total_exec_time), round(mean_exec_time::numeric, "
                      "3), rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 150) "
                      "FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT $1",
                      {int64_t(std::atoi(top))}),
            "read pg_stat_statements");
  std::cerr << "statements by total time, " << phase << " (calls, total ms, mean ms, rows):\n";
  for (int r = 0; r < rows.size(); ++r)
    std::cerr << "  " << rows.text(r, 0) << "\t" << rows.text(r, 1) << "\t" << rows.text(r, 2)
              << "\t" << rows.text(r, 3) << "\t" << rows.text(r, 4) << "\n";
  check(conn.exec("SELECT pg_stat_statements_reset()").status(), "reset pg_stat_statements");
}

// Rounds [first, last) of every phone, the phones spread over `servers`, flat out.
PgRun closed_loop(LoadClient& client, const std::vector<ServerChild*>& servers,
                  const PgCluster& cluster, size_t devices, size_t first, size_t last,
                  size_t expected) {
  std::vector<unsigned short> ports;
  for (ServerChild* s : servers) ports.push_back(s->port());
  client.connect_to(ports);
  std::vector<double> cpu0;
  for (ServerChild* s : servers) cpu0.push_back(s->cpu_seconds());
  const double db0 = cluster.cpu_seconds();
  LoadPhase phase = client.run(first, last, std::chrono::milliseconds(0));
  if (phase.errors) throw Failure("PostgreSQL closed loop: " + phase.first_error);
  if (phase.applied != expected)
    throw Failure("PostgreSQL closed loop: applied " + std::to_string(phase.applied) + " of " +
                  std::to_string(expected));
  PgRun run;
  run.processes = servers.size();
  run.requests = phase.requests;
  run.applied = phase.applied;
  run.seconds = phase.seconds;
  run.changes_per_s = double(phase.applied) / phase.seconds;
  run.p50_ms = percentile(phase.latency_ms, 0.5);
  run.p99_ms = percentile(phase.latency_ms, 0.99);
  for (size_t i = 0; i < servers.size(); ++i) {
    // Phone k talks to servers[k % n]: each answered its phones' (last - first) syncs.
    const size_t phones = (devices + servers.size() - 1 - i) / servers.size();
    const double syncs = double(phones * (last - first));
    run.server_cpu_ms_per_sync.push_back((servers[i]->cpu_seconds() - cpu0[i]) * 1000 / syncs);
  }
  run.database_cpu_ms_per_sync = (cluster.cpu_seconds() - db0) * 1000 / double(phase.requests);
  return run;
}

}  // namespace

PgFigures bench_pg(const TempDir& dir, bool quick) {
  PgFigures f;
  f.devices = quick ? 100 : 1000;
  f.rounds = quick ? 2 : 3;
  PgCluster cluster;
  const std::string conninfo = make_database(cluster, "werkex_bench");
  const std::string data = dir.file("pg-server");
  werkex::server::StoreConfig store{"postgres", conninfo};
  // The school and the phones' tokens, by an App in this process on the same database.
  TempDir phones(std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : dir.path().string());
  PhoneWork work;
  std::vector<DeviceScript> scripts;
  {
    BenchServer seeder(data, store);
    BenchSchool school = seed_school(seeder.app(), f.devices);
    scripts =
        prepare_phones(seeder.app(), school, f.devices, 2 * f.rounds, phones.path().string(), work);
  }
  progress("PostgreSQL: seeded the school and " + std::to_string(f.devices) + " phones");
  const std::string config = nlohmann::json{
      {"store", {{"engine", "postgres"}, {"conninfo", conninfo}}},
      {"admin_listen", "off"}}.dump();
  ServerChild a(data, "a", config);
  LoadClient client(a.port(), std::move(scripts));
  client.connect();
  const size_t sample = quick ? 5 : 20;  // the catch-up, as server_bench.cpp runs it
  LoadPhase catch_up = client.run(0, 1, std::chrono::milliseconds(50 * sample), sample);
  if (catch_up.errors) throw Failure("PostgreSQL catch-up: " + catch_up.first_error);
  client.share_cursors(sample - 1);
  print_statements(conninfo, "seeding and catch-up");
  const size_t mid = 1 + f.rounds, end = 1 + 2 * f.rounds;
  f.one =
      closed_loop(client, {&a}, cluster, f.devices, 1, mid, sum(work.changes_per_round, 1, mid));
  progress("PostgreSQL, 1 process: " + std::to_string(f.one.changes_per_s) + " changes/s");
  print_statements(conninfo, "1 process");
  ServerChild b(data, "b", config);
  f.two = closed_loop(client, {&a, &b}, cluster, f.devices, mid, end,
                      sum(work.changes_per_round, mid, end));
  progress("PostgreSQL, 2 processes: " + std::to_string(f.two.changes_per_s) + " changes/s");
  return f;
}

void add_pg_json(nlohmann::ordered_json& j, const PgFigures& f) {
  auto r1 = [](double v) { return std::round(v * 10) / 10; };
  auto r2 = [](double v) { return std::round(v * 100) / 100; };
  j["pg_devices"] = f.devices;
  j["pg_changes_per_s_1proc"] = std::llround(f.one.changes_per_s);
  j["pg_changes_per_s_2proc"] = std::llround(f.two.changes_per_s);
  j["pg_sync_p99_ms"] = r1(f.one.p99_ms);
  j["pg_sync_p99_ms_2proc"] = r1(f.two.p99_ms);
  j["pg_sync_p50_ms"] = r1(f.one.p50_ms);
  j["pg_server_cpu_ms_per_sync_1proc"] = r2(f.one.server_cpu_ms_per_sync.at(0));
  nlohmann::ordered_json per = nlohmann::ordered_json::array();
  for (double ms : f.two.server_cpu_ms_per_sync) per.push_back(r2(ms));
  j["pg_server_cpu_ms_per_sync_2proc"] = per;
  j["pg_database_cpu_ms_per_sync_1proc"] = r2(f.one.database_cpu_ms_per_sync);
  j["pg_database_cpu_ms_per_sync_2proc"] = r2(f.two.database_cpu_ms_per_sync);
}

void print_pg(const PgFigures& f) {
  std::cout << fmt(
      "\nPostgreSQL: %zu phones, closed loop of %zu rounds each (2 cores shared with "
      "the load client and PostgreSQL)\n",
      f.devices, f.rounds);
  for (const PgRun* r : {&f.one, &f.two}) {
    std::string cpu;
    for (double ms : r->server_cpu_ms_per_sync) cpu += fmt(" %.2f", ms);
    std::cout << fmt(
        "  %zu process%s  %8.0f changes/s  p50 %6.1f ms  p99 %6.1f ms  server CPU "
        "per sync (each):%s ms  database CPU per sync %.2f ms\n",
        r->processes, r->processes == 1 ? ": " : "es:", r->changes_per_s, r->p50_ms, r->p99_ms,
        cpu.c_str(), r->database_cpu_ms_per_sync);
  }
}

}  // namespace bench
