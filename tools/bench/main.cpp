// werkex-bench: the performance figures of design.md ("Performance targets"), in one run.
//
//   werkex-bench [--json] [--quick] [--dir DIR]
//
// 1. Local writes: N experiences (9 field rows each) through werkex::Dossier against the same
//    values inserted as (entity, field, value) rows into a plain SQLite table, one transaction
//    per action on both sides, same journal (WAL), same synchronous setting (FULL, werkex's
//    default, then NORMAL), same directory. The two sides take turns action by action (each
//    timed alone), so both meet the same disk; the ratio is the median of 3 rounds' ratios.
// 2. Applying a received bundle: everything of a 10,000-experience dossier exported with
//    changes_since(0) as JSON text, then parsed and applied on a fresh (durable) replica.
// 3. Memory: a forked child opens that dossier and lists it before this process has
//    allocated anything much; its VmHWM is the figure. Plus this process's own peak RSS.
// Benchmarks print figures; nothing here asserts a target (the "target" column only says).
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bench.hpp"

namespace {

struct Options {
  bool json = false;
  bool quick = false;
  std::string dir;
};

void usage(std::FILE* to) {
  std::fputs(
      "usage: werkex-bench [--json] [--quick] [--dir DIR]\n"
      "  --json   print the figures as one JSON object on stdout\n"
      "  --quick  a tenth of the work (a smoke run; figures are noisier)\n"
      "  --dir    make the temporary databases under DIR (default $TMPDIR or /tmp)\n",
      to);
}

Options parse_args(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--json") {
      o.json = true;
    } else if (a == "--quick") {
      o.quick = true;
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

std::string fmt(const char* format, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char* format, ...) {
  char buf[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  return buf;
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

double rounded(double v, int decimals) {
  double scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  return static_cast<double>(static_cast<long long>(v * scale + (v < 0 ? -0.5 : 0.5))) / scale;
}

long long whole(double v) {
  return static_cast<long long>(v + 0.5);
}

const char* verdict(bool ok) {
  return ok ? "ok" : "MISSED";
}

struct Report {
  Options opt;
  int rounds = 0;
  std::string dir;
  size_t dossier_entities = 0;
  bench::DossierMemory memory;
  bench::WriteFigures full, normal;
  bench::ApplyFigures apply;
  double peak_rss_mb = 0;
  double run_seconds = 0;

  double wire_per_change() const { return double(apply.bundle_bytes) / double(apply.changes); }
  double raw_per_change() const { return apply.raw_value_bytes / double(apply.changes); }
  double wire_target() const { return 2 * raw_per_change() + 40; }
};

void print_json(const Report& r) {
  nlohmann::ordered_json j;
  j["mode"] = r.opt.quick ? "quick" : "full";
  j["rounds"] = r.rounds;
  j["local_write_vs_sqlite_ratio"] = rounded(r.full.ratio, 2);
  j["local_write_us_per_action"] = rounded(r.full.local_us, 1);
  j["sqlite_write_us_per_action"] = rounded(r.full.sqlite_us, 1);
  j["write_actions"] = r.full.actions;
  j["local_write_vs_sqlite_ratio_normal"] = rounded(r.normal.ratio, 2);
  j["local_write_us_per_action_normal"] = rounded(r.normal.local_us, 1);
  j["sqlite_write_us_per_action_normal"] = rounded(r.normal.sqlite_us, 1);
  j["write_actions_normal"] = r.normal.actions;
  j["field_rows_per_action"] = r.full.rows_per_action;
  j["apply_changes_per_s"] = whole(r.apply.apply_changes_per_s);
  j["apply_only_changes_per_s"] = whole(r.apply.apply_only_changes_per_s);
  j["apply_parse_s"] = rounded(r.apply.parse_s, 3);
  j["apply_apply_s"] = rounded(r.apply.apply_s, 3);
  j["apply_changes"] = r.apply.changes;
  j["apply_entities"] = r.apply.entities;
  j["export_changes_per_s"] = whole(r.apply.export_changes_per_s);
  j["bundle_bytes"] = r.apply.bundle_bytes;
  j["wire_bytes_per_change"] = rounded(r.wire_per_change(), 1);
  j["raw_value_bytes_per_change"] = rounded(r.raw_per_change(), 1);
  j["wire_target_bytes_per_change"] = rounded(r.wire_target(), 1);
  j["dossier_entities"] = r.dossier_entities;
  j["dossier_10k_rss_mb"] = rounded(r.memory.scan_hwm_mb, 1);
  j["dossier_10k_list_all_rss_mb"] = rounded(r.memory.hwm_mb, 1);
  j["dossier_rss_before_open_mb"] = rounded(r.memory.before_open_mb, 1);
  j["dossier_rss_after_open_mb"] = rounded(r.memory.after_open_mb, 1);
  j["dossier_rss_after_list_mb"] = rounded(r.memory.after_list_mb, 1);
  j["peak_rss_mb"] = rounded(r.peak_rss_mb, 1);
  j["run_seconds"] = rounded(r.run_seconds, 1);
  std::cout << j.dump() << std::endl;
}

void print_human(const Report& r) {
  auto& o = std::cout;
  o << fmt("werkex-bench (%s run; medians of %d rounds; databases in %s)\n\n",
           r.opt.quick ? "quick" : "full", r.rounds, r.dir.c_str());

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
  o << fmt("  %-22s %14s changes/s   target >= 200,000   %s\n", "parse + apply",
           grouped(a.apply_changes_per_s).c_str(), verdict(a.apply_changes_per_s >= 200000));
  o << fmt("  %-22s %14s changes/s   (%.3f s parse, %.3f s apply)\n", "apply only",
           grouped(a.apply_only_changes_per_s).c_str(), a.parse_s, a.apply_s);
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
  o << fmt("\nRun took %.1f s\n", r.run_seconds);
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
