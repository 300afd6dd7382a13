// werkex-bench: the performance figures of design.md ("Performance targets"), in one run.
//
//   werkex-bench [--json] [--quick] [--only device|server|pg|nightly|dashboard|peer] [--dir DIR]
//
// 0. The common peer workload of issue 14 (peer_workload.hpp): 3 replicas of 2,000 records,
//    20,000 single-field updates each offline, then pairwise merges, in forked children; first,
//    while this process is small.
// 1. Local writes: N experiences (9 field rows each) through werkex::Dossier against the same
//    values inserted as (entity, field, value) rows into a plain SQLite table, one transaction
//    per action on both sides, same journal (WAL), same synchronous setting (FULL, werkex's
//    default, then NORMAL), same directory. The two sides take turns action by action (each
//    timed alone), so both meet the same disk; the ratio is the median of 3 rounds' ratios.
// 2. Applying a received bundle: everything of a 10,000-experience dossier exported with
//    changes_since(0) as JSON text, then parsed and applied on a fresh (durable) replica.
// 3. Memory: a forked child opens that dossier and lists it before this process has
//    allocated anything much; its VmHWM is the figure. Plus this process's own peak RSS.
// 4. The sync server (server_bench.cpp): 1,000 phones syncing at once against the real server
//    in this process on loopback, then paced; a supervisor's first sync of a 10,000-change
//    dossier with SyncSession + CurlTransport; bytes on the wire per pushed and pulled change.
// 4b. The same load on PostgreSQL (pg_bench.hpp): real werkex-server processes, one then two,
//    on one database in a throwaway cluster; their CPU and the database's per sync.
// 5. The nightly school sync (nightly_bench.hpp): the roster import, then every pupil's
//    portfolio exported and the next night's incremental export, phones syncing meanwhile.
// 6. The staff dashboard (dashboard_bench.hpp): a mentor's group and pupil pages and their
//    JSON on a 1,200-pupil school while 100 phones sync; the server's time per request.
// Benchmarks print figures; nothing here asserts a target (the "target" column only says).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bench.hpp"
#include "dashboard_bench.hpp"
#include "nightly_bench.hpp"
#include "peer_workload.hpp"
#ifdef WERKEX_HAVE_POSTGRES
#include "pg_bench.hpp"
#endif

namespace {

using bench::fmt;
using bench::rounded;
using bench::verdict;

struct Options {
  bool json = false;
  bool quick = false;
  std::string only;  // "", "device", "server", "pg", "nightly", "dashboard" or "peer"
  std::string dir;
};

void usage(std::FILE* to) {
  std::fputs(
      "usage: werkex-bench [--json] [--quick] [--only device|server|pg|nightly|dashboard|peer] "
      "[--dir DIR]\n"
      "  --json   print the figures as one JSON object on stdout\n"
      "  --quick  a tenth of the work (a smoke run; figures are noisier); the peer workload:\n"
      "           100 records, 500 updates per replica\n"
      "  --only   just the device workloads (writes, apply, memory), the server ones (on\n"
      "           SQLite; pg: on PostgreSQL, one and two server processes) or the\n"
      "           nightly school sync's (roster import, exports, syncs during them) or the\n"
      "           staff dashboard's (group and pupil pages while phones sync) or the\n"
      "           common peer workload's (3 replicas, 20,000 offline updates each, merged)\n"
      "  --dir    make the temporary databases under DIR (default $TMPDIR or /tmp)\n",
      to);
}

bool known_phase(const std::string& p) {
  return p == "device" || p == "server" || p == "pg" || p == "nightly" || p == "dashboard" ||
         p == "peer";
}

Options parse_args(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--json") {
      o.json = true;
    } else if (a == "--quick") {
      o.quick = true;
    } else if (a == "--only" && i + 1 < argc && known_phase(argv[i + 1])) {
      o.only = argv[++i];
    } else if (a == "--dir" && i + 1 < argc) {
      o.dir = argv[++i];
    } else if (a == "--help" || a == "-h") {
      usage(stdout);
      std::exit(0);
    } else {
      std::fprintf(stderr, "werkex-bench: unknown or incomplete argument '%s'\n", a.c_str());
      usage(stderr);
      std::exit(2);
    }
  }
  if (o.dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    o.dir = tmp && *tmp ? tmp : "/tmp";
  }
  return o;
}

// 1234567 -> "1,234,567"
std::string grouped(double v) {
  std::string digits = fmt("%.0f", v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0 && digits[i - 1] != '-') out += ',';
    out += digits[i];
  }
  return out;
}

long long whole(double v) {
  return static_cast<long long>(v + 0.5);
}

struct Report {
  Options opt;
  int rounds = 0;
  std::string dir;
  size_t dossier_entities = 0;
  bench::DossierMemory memory;
  bench::WriteFigures full, normal;
  bench::ApplyFigures apply;
  bench::ServerFigures server;
#ifdef WERKEX_HAVE_POSTGRES
  bench::PgFigures pg;
#endif
  bench::NightlyFigures nightly;
  bench::DashboardFigures dashboard;
  bench::peer::Report peer;
  double peak_rss_mb = 0;
  double run_seconds = 0;

  double wire_per_change() const {
    return double(apply.bundle_bytes) / double(apply.changes);
  }
  double raw_per_change() const {
    return apply.raw_value_bytes / double(apply.changes);
  }
  double wire_target() const {
    return 2 * raw_per_change() + 40;
  }
};

// Whether this run measures `phase` ("device", "server", "nightly", "dashboard", "peer"): all,
// or the --only one.
bool wants(const Report& r, const char* phase) {
  return r.opt.only.empty() || r.opt.only == phase;
}

void add_device_json(nlohmann::ordered_json& j, const Report& r);
void add_server_json(nlohmann::ordered_json& j, const bench::ServerFigures& s);

void print_json(const Report& r) {
  nlohmann::ordered_json j;
  j["mode"] = r.opt.quick ? "quick" : "full";
  j["rounds"] = r.rounds;
  if (wants(r, "device")) add_device_json(j, r);
  if (wants(r, "server")) add_server_json(j, r.server);
#ifdef WERKEX_HAVE_POSTGRES
  if (wants(r, "pg")) bench::add_pg_json(j, r.pg);
#endif
  if (wants(r, "nightly")) bench::add_nightly_json(j, r.nightly);
  if (wants(r, "dashboard")) bench::add_dashboard_json(j, r.dashboard);
  if (wants(r, "peer")) bench::peer::add_json(j, r.peer);
  j["run_seconds"] = rounded(r.run_seconds, 1);
  std::cout << j.dump() << std::endl;
}

void add_device_json(nlohmann::ordered_json& j, const Report& r) {
  j["local_write_vs_sqlite_ratio"] = rounded(r.full.ratio, 2);
  j["local_write_us_per_action"] = rounded(r.full.local_us, 1);
  j["sqlite_write_us_per_action"] = rounded(r.full.sqlite_us, 1);
  j["write_actions"] = r.full.actions;
  j["local_write_vs_sqlite_ratio_normal"] = rounded(r.normal.ratio, 2);
  j["local_write_us_per_action_normal"] = rounded(r.normal.local_us, 1);
  j["sqlite_write_us_per_action_normal"] = rounded(r.normal.sqlite_us, 1);
  j["write_actions_normal"] = r.normal.actions;
  j["field_rows_per_action"] = r.full.rows_per_action;
  j["apply_changes_per_s"] = whole(r.apply.json.changes_per_s);
  j["apply_only_changes_per_s"] = whole(r.apply.json.apply_only_changes_per_s);
  j["apply_parse_s"] = rounded(r.apply.json.parse_s, 3);
  j["apply_apply_s"] = rounded(r.apply.json.apply_s, 3);
  j["apply_binary_changes_per_s"] = whole(r.apply.binary.changes_per_s);
  j["apply_binary_only_changes_per_s"] = whole(r.apply.binary.apply_only_changes_per_s);
  j["apply_binary_parse_s"] = rounded(r.apply.binary.parse_s, 3);
  j["apply_binary_apply_s"] = rounded(r.apply.binary.apply_s, 3);
  j["binary_bundle_bytes"] = r.apply.binary_bundle_bytes;
  j["apply_changes"] = r.apply.changes;
  j["apply_entities"] = r.apply.entities;
  j["export_changes_per_s"] = whole(r.apply.export_changes_per_s);
  j["bundle_bytes"] = r.apply.bundle_bytes;
  j["bundle_bytes_per_change"] = rounded(r.wire_per_change(), 1);
  j["bundle_raw_value_bytes_per_change"] = rounded(r.raw_per_change(), 1);
  j["bundle_target_bytes_per_change"] = rounded(r.wire_target(), 1);
  j["dossier_entities"] = r.dossier_entities;
  j["dossier_10k_rss_mb"] = rounded(r.memory.scan_hwm_mb, 1);
  j["dossier_10k_list_all_rss_mb"] = rounded(r.memory.hwm_mb, 1);
  j["dossier_rss_before_open_mb"] = rounded(r.memory.before_open_mb, 1);
  j["dossier_rss_after_open_mb"] = rounded(r.memory.after_open_mb, 1);
  j["dossier_rss_after_list_mb"] = rounded(r.memory.after_list_mb, 1);
  j["peak_rss_mb"] = rounded(r.peak_rss_mb, 1);
}

void print_device(const Report& r);
void print_server(const bench::ServerFigures& s);

void print_human(const Report& r) {
  std::cout << fmt("werkex-bench (%s run; medians of %d rounds; databases in %s)\n",
                   r.opt.quick ? "quick" : "full", r.rounds, r.dir.c_str());
  if (wants(r, "device")) print_device(r);
  if (wants(r, "server")) print_server(r.server);
#ifdef WERKEX_HAVE_POSTGRES
  if (wants(r, "pg")) bench::print_pg(r.pg);
#endif
  if (wants(r, "nightly")) bench::print_nightly(r.nightly);
  if (wants(r, "dashboard")) bench::print_dashboard(r.dashboard);
  if (wants(r, "peer")) bench::peer::print(r.peer);
  std::cout << fmt("\nRun took %.1f s\n", r.run_seconds);
}

void print_device(const Report& r) {
  auto& o = std::cout;
  o << "\n";

  o << fmt("Local writes: one experience (%zu field rows) per action and transaction\n",
           r.full.rows_per_action);
  o << fmt("  %-22s %8s %14s %14s %8s   %s\n", "", "actions", "werkex", "plain SQLite", "ratio",
           "target <= 2x");
  for (auto [name, w] : {std::pair{"synchronous=FULL", &r.full}, {"synchronous=NORMAL", &r.normal}})
    o << fmt("  %-22s %8zu %11.1f us %11.1f us %7.2fx   %s\n", name, w->actions, w->local_us,
             w->sqlite_us, w->ratio, verdict(w->ratio <= 2));

  const auto& a = r.apply;
  o << fmt("\nApplying a received bundle: %s field changes of %s entities, %.1f MB of JSON\n",
           grouped(double(a.changes)).c_str(), grouped(double(a.entities)).c_str(),
           double(a.bundle_bytes) / (1024 * 1024));
  for (auto [name, t] : {std::pair{"JSON", &a.json}, {"binary", &a.binary}}) {
    o << fmt("  %-22s %14s changes/s   target >= 300,000   %s\n",
             fmt("parse + apply, %s", name).c_str(), grouped(t->changes_per_s).c_str(),
             verdict(t->changes_per_s >= 300000));
    o << fmt("  %-22s %14s changes/s   (%.3f s parse, %.3f s apply)\n",
             fmt("apply only, %s", name).c_str(), grouped(t->apply_only_changes_per_s).c_str(),
             t->parse_s, t->apply_s);
  }
  o << fmt("  %-22s %14.1f MB\n", "binary bundle", double(a.binary_bundle_bytes) / (1024 * 1024));
  o << fmt("  %-22s %14s changes/s   (changes_since(0) + bundle_to_json + dump)\n", "export",
           grouped(a.export_changes_per_s).c_str());

  o << fmt("\nWire size per field change\n");
  o << fmt("  %-22s %10.1f bytes   (raw value %.1f bytes; target <= 2x raw + 40 = %.1f)   %s\n",
           "bundle JSON", r.wire_per_change(), r.raw_per_change(), r.wire_target(),
           verdict(r.wire_per_change() <= r.wire_target()));

  o << fmt("\nMemory\n");
  o << fmt("  %-22s %10.1f MB      target < 30 MB   %s\n", "dossier open+timeline",
           r.memory.scan_hwm_mb, verdict(r.memory.scan_hwm_mb < 30));
  o << fmt("  %-22s %10.1f MB      (every document parsed and held at once)\n",
           "dossier list() all", r.memory.hwm_mb);
  o << fmt("  %-22s (VmHWM of a forked child that lists all %s entities; VmRSS %.1f MB\n", "",
           grouped(double(r.memory.listed)).c_str(), r.memory.before_open_mb);
  o << fmt("  %-22s  before open, %.1f MB open, %.1f MB holding the list)\n", "",
           r.memory.after_open_mb, r.memory.after_list_mb);
  o << fmt("  %-22s %10.1f MB      (ru_maxrss of this process)\n", "peak RSS", r.peak_rss_mb);
}

void add_server_json(nlohmann::ordered_json& j, const bench::ServerFigures& s) {
  j["server_devices"] = s.devices;
  j["server_changes_per_s"] = whole(s.changes_per_s);
  j["server_sync_p50_ms"] = rounded(s.p50_ms, 1);
  j["server_sync_p99_ms"] = rounded(s.p99_ms, 1);
  j["server_sync_max_ms"] = rounded(s.max_ms, 1);
  j["server_side_sync_p50_ms"] = rounded(s.server_p50_ms, 1);
  j["server_side_sync_p99_ms"] = rounded(s.server_p99_ms, 1);
  j["server_cpu_ms_per_sync"] = rounded(s.server_cpu_ms_per_request, 2);
  j["server_load_client_cpu_share"] = rounded(s.client_cpu_share, 2);
  j["server_sync_requests"] = s.requests;
  j["server_changes_applied"] = s.applied;
  j["server_rounds"] = s.rounds;
  j["server_paced_interval_ms"] = whole(s.paced_interval_ms);
  j["server_paced_changes_per_s"] = whole(s.paced_changes_per_s);
  j["server_paced_sync_p50_ms"] = rounded(s.paced_p50_ms, 1);
  j["server_paced_sync_p99_ms"] = rounded(s.paced_p99_ms, 1);
  j["server_pupil_catch_up_p50_ms"] = rounded(s.catch_up_p50_ms, 1);
  j["server_school_entities"] = s.school_entities;
  j["first_sync_10k_ms"] = rounded(s.first_sync_ms, 1);
  j["first_sync_changes"] = s.first_sync_changes;
  j["first_sync_entities"] = s.first_sync_entities;
  j["first_sync_requests"] = s.first_sync_rounds;
  j["wire_bytes_per_change"] = rounded(s.wire_per_change(), 1);
  j["wire_request_bytes_per_change"] = rounded(s.request_per_change(), 1);
  j["wire_body_bytes_per_change"] =
      rounded((s.request_body_bytes + s.response_body_bytes) / double(s.applied), 1);
  j["wire_raw_value_bytes_per_change"] = rounded(s.push_raw_per_change, 1);
  j["wire_target_bytes_per_change"] = rounded(2 * s.push_raw_per_change + 40, 1);
  j["wire_bytes_per_pulled_change"] = rounded(s.wire_per_pulled_change(), 1);
  j["wire_raw_value_bytes_per_pulled_change"] = rounded(s.pulled_raw_per_change, 1);
  j["wire_target_bytes_per_pulled_change"] = rounded(2 * s.pulled_raw_per_change + 40, 1);
}

void print_server(const bench::ServerFigures& s) {
  auto& o = std::cout;
  o << fmt("\nSync server: %s phones on loopback, one keep-alive connection each (in-process\n",
           grouped(double(s.devices)).c_str());
  o << fmt("werkex server, 2 I/O + 8 worker threads; a school of %s entities; each sync pushes\n",
           grouped(double(s.school_entities)).c_str());
  o << "one experience, 9 field changes; the phones' requests are pre-built from real replicas)\n";
  o << fmt("  %-28s %10s changes/s   target >= 20,000   %s\n",
           fmt("all at once, %zu rounds", s.rounds).c_str(), grouped(s.changes_per_s).c_str(),
           verdict(s.changes_per_s >= 20000));
  o << fmt("  %-28s %s / %s / %s ms   target p99 < 250 ms   %s\n", "  latency p50 / p99 / max",
           grouped(s.p50_ms).c_str(), grouped(s.p99_ms).c_str(), grouped(s.max_ms).c_str(),
           verdict(s.p99_ms < 250));
  o << fmt("  %-28s (server side p50 %s / p99 %s ms; %.2f ms server CPU per sync;\n", "",
           grouped(s.server_p50_ms).c_str(), grouped(s.server_p99_ms).c_str(),
           s.server_cpu_ms_per_request);
  o << fmt("  %-28s  the load client took %.0f%% of this process's CPU)\n", "",
           100 * s.client_cpu_share);
  o << fmt(
      "  %-28s %10s changes/s   latency p50 %.1f / p99 %.1f ms   %s\n",
      fmt("paced, every %.1f s, %zu rounds", s.paced_interval_ms / 1000, s.paced_rounds).c_str(),
      grouped(s.paced_changes_per_s).c_str(), s.paced_p50_ms, s.paced_p99_ms,
      verdict(s.paced_p99_ms < 250));
  o << fmt("  %-28s %10.1f ms p50 (%.1f ms p99; the school bucket, phones one by one)\n",
           "a pupil's first sync", s.catch_up_p50_ms, s.catch_up_p99_ms);

  o << fmt("\nFirst sync of a supervisor's fresh phone (SyncSession + CurlTransport, durable)\n");
  o << fmt("  %-28s %10.1f ms        target < 1 s   %s\n", "start -> all pages applied",
           s.first_sync_ms, verdict(s.first_sync_ms < 1000));
  o << fmt("  %-28s (median of %d; %s field changes, %s entities, %zu requests)\n", "",
           s.first_sync_runs, grouped(double(s.first_sync_changes)).c_str(),
           grouped(double(s.first_sync_entities)).c_str(), s.first_sync_rounds);

  o << "\nWire size per field change on /v1/sync (headers included, as the server counted them)\n";
  o << fmt(
      "  %-28s %10.1f bytes   (request alone %.1f; raw value %.1f; target <= 2x raw + 40 = "
      "%.1f)   %s\n",
      "push: request + answer", s.wire_per_change(), s.request_per_change(), s.push_raw_per_change,
      2 * s.push_raw_per_change + 40,
      verdict(s.wire_per_change() <= 2 * s.push_raw_per_change + 40));
  o << fmt("  %-28s %10.1f bytes   (bodies alone: request %.1f, answer %.1f)\n", "",
           (s.request_body_bytes + s.response_body_bytes) / double(s.applied),
           s.request_body_bytes / double(s.applied), s.response_body_bytes / double(s.applied));
  o << fmt("  %-28s %10.1f bytes   (raw value %.1f; target <= 2x raw + 40 = %.1f)   %s\n",
           "pulled: the first sync", s.wire_per_pulled_change(), s.pulled_raw_per_change,
           2 * s.pulled_raw_per_change + 40,
           verdict(s.wire_per_pulled_change() <= 2 * s.pulled_raw_per_change + 40));
}

}  // namespace

int main(int argc, char** argv) {
  auto start = bench::Clock::now();
  Report r;
  r.opt = parse_args(argc, argv);
  const size_t scale = r.opt.quick ? 10 : 1;
  const size_t full_actions = 2000 / scale, normal_actions = 20000 / scale;
  const size_t activities = 100 / scale, experiences = 10000 / scale;
  r.rounds = 3;
  try {
    bench::TempDir dir(r.opt.dir);
    r.dir = dir.path().string();
    const std::string source = dir.file("dossier.db");

    // Phase 0, before anything else grows this process (the children are forked from it):
    // the peer workload.
    if (wants(r, "peer")) r.peer = bench::peer::bench_peer(dir, r.opt.quick);
    if (wants(r, "device")) {
      // Phase 1, while this process is still small: build the dossier in one child, measure
      // opening and listing it in another.
      bench::progress("building a dossier of " + std::to_string(activities + experiences) +
                      " entities");
      bench::run_in_child("build dossier", [&] {
        bench::build_dossier(source, activities, experiences);
        return std::string();
      });
      r.dossier_entities = activities + experiences;
      r.memory = bench::measure_dossier_in_child(source);

      // Phase 2: local writes, FULL then NORMAL.
      r.full = bench::bench_writes(dir, bench::make_experiences(full_actions, 1), true, r.rounds);
      r.normal =
          bench::bench_writes(dir, bench::make_experiences(normal_actions, 1), false, r.rounds);

      // Phase 3: the dossier as a received bundle.
      r.apply = bench::bench_apply(source, dir, r.rounds);
      r.peak_rss_mb = bench::peak_rss_mb();
    }
    if (wants(r, "server")) {
      // Phase 4: the sync server under 1,000 devices, then a supervisor's first sync (last:
      // its threads and the devices' connections weigh on nothing measured after).
      r.server = bench::bench_server(dir, r.opt.quick);
    }
#ifdef WERKEX_HAVE_POSTGRES
    // Phase 4b: the same load through werkex-server processes on PostgreSQL.
    if (wants(r, "pg")) r.pg = bench::bench_pg(dir, r.opt.quick);
#endif
    // Phase 5: the nightly school sync: the import alone, then exports beside syncing phones.
    if (wants(r, "nightly")) r.nightly = bench::bench_nightly(dir, r.opt.quick);
    // Phase 6: the staff dashboard under sync load.
    if (wants(r, "dashboard")) r.dashboard = bench::bench_dashboard(dir, r.opt.quick);
  } catch (const std::exception& e) {
    std::cerr << "werkex-bench: " << e.what() << std::endl;
    return 1;
  }
  r.run_seconds = bench::seconds_since(start);
  if (r.opt.json)
    print_json(r);
  else
    print_human(r);
  return 0;
}
