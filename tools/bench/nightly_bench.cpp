// The nightly figures (nightly_bench.hpp).
#include "nightly_bench.hpp"

#include <fstream>
#include <set>
#include <thread>

#include "bench_server.hpp"
#include "nightly_phones.hpp"
#include "nightly_roster.hpp"

namespace bench {

namespace {

using werkex::json;

constexpr size_t kPhones = 10;  // also the dossiers the next night must write
constexpr std::chrono::milliseconds kSyncInterval{250};

// In a fresh child: first import, rerun, peak memory.
void bench_imports(const TempDir& dir, size_t pupils, NightlyFigures& f) {
  json r = json::parse(run_in_child("nightly import", [&] {
    BenchServer server(dir.file("nightly-import"));
    auto files = make_roster(pupils, 20, "a");
    auto t0 = Clock::now();
    json first = import_school(server.app(), files);
    double import_s = seconds_since(t0);
    t0 = Clock::now();
    json again = import_school(server.app(), files);
    double rerun_s = seconds_since(t0);
    return json{{"import_s", import_s},
                {"rerun_s", rerun_s},
                {"people", first["new_people"].size()},
                {"rerun_changes", again["changes"]},
                {"hwm", proc_status_mb("VmHWM:")}}
        .dump();
  }));
  f.import_s = r["import_s"];
  f.rerun_s = r["rerun_s"];
  f.people = r["people"];
  f.rerun_changes = r["rerun_changes"];
  f.peak_rss_mb = r["hwm"];
}

// Linux: "5" in clear_refs sets VmHWM back to the current RSS (since 4.0).
void reset_peak_rss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  if (!clear) throw Failure("cannot reset VmHWM through /proc/self/clear_refs");
}

// App::export_now, timed; fails unless it wrote `expect` dossiers and nothing failed.
json timed_export(werkex::server::App& app, size_t expect, const char* what) {
  auto t0 = Clock::now();
  json answer = check(app.export_now({}, false, "bench"), what);
  answer["wall_s"] = seconds_since(t0);
  if (answer["written"] != expect || !answer["failed"].empty())
    throw Failure(std::string(what) + ": expected " + std::to_string(expect) +
                  " dossier(s) written and none failed, the export answered " + answer.dump());
  return answer;
}

// The fingerprint of every pupil the export in `folder` recorded (export_state.hpp).
std::map<std::string, std::string> fingerprints(const std::string& folder) {
  std::ifstream in(folder + "/.werkex-export-state.json");
  json state = json::parse(in, nullptr, false);
  if (!state.is_object() || !state["pupils"].is_object())
    throw Failure("no export state in " + folder);
  std::map<std::string, std::string> out;
  for (auto& [id, p] : state["pupils"].items()) out[id] = p.value("fingerprint", "");
  return out;
}

// The next night's export, timed: it must write the phones' dossiers and no other.
json next_night(werkex::server::App& app, const std::string& folder,
                const std::vector<std::string>& changed) {
  auto before = fingerprints(folder);
  json next = timed_export(app, changed.size(), "the next night's export");
  auto after = fingerprints(folder);
  std::set<std::string> written, expected(changed.begin(), changed.end());
  for (auto& [id, fingerprint] : after)
    if (before[id] != fingerprint) written.insert(id);
  if (written != expected)
    throw Failure("the next night's export wrote " + std::to_string(written.size()) +
                  " dossier(s) that are not the " + std::to_string(expected.size()) +
                  " the phones changed");
  return next;
}

// The night: the export of every portfolio, then the night's roster, phones syncing.
json night(BenchServer& server, SyncingPhones& phones,
           const std::map<std::string, std::string>& roster, size_t pupils,
           std::chrono::seconds quiet_for) {
  phones.start(kSyncInterval);
  std::this_thread::sleep_for(2 * kSyncInterval);  // every loop is running
  // The same phones before the night, nothing else running: what the night adds.
  phones.sample(true);
  std::this_thread::sleep_for(quiet_for);
  phones.sample(false);
  std::vector<double> quiet = phones.take_samples();
  reset_peak_rss();
  const double rss_before = proc_status_mb("VmRSS:");
  (void)server.take_server_ms();
  phones.sample(true);
  json all = timed_export(server.app(), pupils, "the first export");
  const double hwm = proc_status_mb("VmHWM:");
  auto t0 = Clock::now();
  json again = import_school(server.app(), roster);
  const double roster_s = seconds_since(t0);
  phones.sample(false);
  std::vector<double> server_ms = server.take_server_ms();  // /v1/sync, from its access log
  progress("nightly export: " + std::to_string(all["wall_s"].get<double>()) + " s");
  std::vector<double> ms = phones.take_samples();
  return {{"export_s", all["wall_s"]},
          {"folder", all["folder"]},
          {"export_written", all["written"]},
          {"export_photos", all["photos_copied"]},
          {"export_hwm", hwm},
          {"rss_before_export", rss_before},
          {"roster_s", roster_s},
          {"roster_changes", again["changes"]},
          {"samples", ms.size()},
          {"p50", percentile(ms, 0.5)},
          {"p99", percentile(ms, 0.99)},
          {"max", percentile(ms, 1.0)},
          {"server_p99", percentile(server_ms, 0.99)},
          {"quiet_samples", quiet.size()},
          {"quiet_p50", percentile(quiet, 0.5)},
          {"quiet_p99", percentile(quiet, 0.99)}};
}

// In a fresh child: setup, the night, the next night.
json nights_in_child(const TempDir& dir, size_t pupils) {
  BenchServer server(dir.file("nightly-load"));
  const auto roster = make_roster(pupils, 20, "a");
  json people = import_school(server.app(), roster)["new_people"];
  DossierTotals totals = generate_dossiers(server, people, dir);
  progress("nightly dossiers: " + std::to_string(totals.pupils) + " pupils in " +
           std::to_string(totals.seconds) + " s");
  SyncingPhones phones(server, people, dir, kPhones);
  json out =
      night(server, phones, roster, totals.pupils, std::chrono::seconds(pupils >= 1000 ? 5 : 1));
  // The next night: each phone's pupil wrote a new activity after the export read it.
  phones.wait_for_fresh_syncs(1);
  phones.stop();
  json next = next_night(server.app(), out["folder"], phones.pupils());
  out["incremental_s"] = next["wall_s"];
  out["incremental_written"] = next["written"];
  out["devices"] = phones.size();
  out["dossiers"] = {{"pupils", totals.pupils},     {"entities", totals.entities},
                     {"photos", totals.photos},     {"shows_others", totals.shows_others},
                     {"signoffs", totals.signoffs}, {"photo_bytes", totals.photo_bytes},
                     {"seconds", totals.seconds}};
  return out;
}

void bench_nights(const TempDir& dir, size_t pupils, NightlyFigures& f) {
  json r = json::parse(
      run_in_child("nightly export", [&] { return nights_in_child(dir, pupils).dump(); }));
  const json& d = r["dossiers"];
  f.dossiers.pupils = d["pupils"];
  f.dossiers.entities = d["entities"];
  f.dossiers.photos = d["photos"];
  f.dossiers.shows_others = d["shows_others"];
  f.dossiers.signoffs = d["signoffs"];
  f.dossiers.photo_bytes = d["photo_bytes"];
  f.dossiers.seconds = d["seconds"];
  f.sync_devices = r["devices"];
  f.sync_interval_ms = double(kSyncInterval.count());
  f.export_s = r["export_s"];
  f.export_written = r["export_written"];
  f.export_photos = r["export_photos"];
  f.export_peak_rss_mb = r["export_hwm"];
  f.rss_before_export_mb = r["rss_before_export"];
  f.roster_s = r["roster_s"];
  f.roster_changes = r["roster_changes"];
  f.sync_samples = r["samples"];
  f.sync_p50_ms = r["p50"];
  f.sync_p99_ms = r["p99"];
  f.sync_max_ms = r["max"];
  f.sync_server_p99_ms = r["server_p99"];
  f.quiet_samples = r["quiet_samples"];
  f.quiet_p50_ms = r["quiet_p50"];
  f.quiet_p99_ms = r["quiet_p99"];
  f.incremental_s = r["incremental_s"];
  f.incremental_written = r["incremental_written"];
}

}  // namespace

NightlyFigures bench_nightly(const TempDir& dir, bool quick) {
  NightlyFigures f;
  f.pupils = quick ? 120 : 1200;
  bench_imports(dir, f.pupils, f);
  progress("nightly import: " + std::to_string(f.import_s) + " s");
  bench_nights(dir, f.pupils, f);
  progress("syncs during the night: p99 " + std::to_string(f.sync_p99_ms) + " ms over " +
           std::to_string(f.sync_samples));
  return f;
}

}  // namespace bench
