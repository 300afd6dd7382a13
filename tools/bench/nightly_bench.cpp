// The nightly figures (nightly_bench.hpp).
#include "nightly_bench.hpp"

#include <atomic>
#include <mutex>
#include <thread>

#include "bench_server.hpp"
#include "nightly_roster.hpp"
#include "school/oneroster.hpp"
#include "werkex/curl_transport.hpp"
#include "werkex/sync_session.hpp"

namespace bench {

namespace {

using werkex::json;

// Reads and imports one generated school through App::import_roster; returns its answer.
json import_school(werkex::server::App& app, const std::map<std::string, std::string>& files) {
  werkex::school::RosterRead read = werkex::school::read_oneroster(files);
  if (!read.ok()) throw Failure("generated roster: " + read.problems.front().to_string());
  return check(app.import_roster(read.roster, "bench"), "import the roster");
}

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

struct Phone {
  std::unique_ptr<werkex::Replica> replica;
  werkex::CurlTransport transport{werkex::CurlOptions{}};
};

// Devices of the first school's pupils, enrolled and caught up.
std::vector<std::unique_ptr<Phone>> enrol_phones(BenchServer& server, const json& people,
                                                 const TempDir& dir, size_t count) {
  std::vector<std::unique_ptr<Phone>> phones;
  for (const json& p : people) {
    if (phones.size() == count) break;
    if (p["role"] != "pupil") continue;
    auto phone = std::make_unique<Phone>();
    phone->replica =
        check(werkex::Replica::open(dir.file("phone" + std::to_string(phones.size()) + ".db")),
              "open a phone");
    check(phone->replica->set_setting("server", server.url()), "server url");
    check(werkex::SyncSession(*phone->replica, phone->transport).enroll(p["code"]), "enrol");
    check(werkex::SyncSession(*phone->replica, phone->transport).run().status(), "first sync");
    phones.push_back(std::move(phone));
  }
  return phones;
}

// One phone: a new activity, a sync, again, until `done`; the syncs that started while
// `importing` go into `during` (ms).
void sync_loop(Phone& p, const std::atomic<bool>& importing, const std::atomic<bool>& done,
               std::mutex& mu, std::vector<double>& during) {
  for (size_t i = 0; !done; ++i) {
    werkex::ActivityPlan plan;
    plan.kind = "snuffelstage";
    plan.title = "Activiteit " + std::to_string(i);
    check(werkex::Dossier(*p.replica).plan_activity(plan).status(), "plan");
    const bool counted = importing;
    auto t0 = Clock::now();
    check(werkex::SyncSession(*p.replica, p.transport).run().status(), "sync");
    if (counted) {
      std::lock_guard lock(mu);
      during.push_back(seconds_since(t0) * 1000);
    }
  }
}

// Phones sync in a loop, each sync carrying one new activity, while a second school of the
// same size is imported; the latencies of the syncs that started during the import.
void bench_sync_during_import(const TempDir& dir, size_t pupils, NightlyFigures& f) {
  BenchServer server(dir.file("nightly-load"));
  json first = import_school(server.app(), make_roster(pupils, 20, "a"));
  auto phones = enrol_phones(server, first["new_people"], dir, 10);
  f.sync_devices = phones.size();
  std::atomic<bool> importing{false}, done{false};
  std::mutex mu;
  std::vector<double> during;
  std::vector<std::thread> threads;
  std::string failed;  // the first failure of a phone's loop (threads must not throw)
  for (auto& phone : phones) {
    threads.emplace_back([&, p = phone.get()] {
      try {
        sync_loop(*p, importing, done, mu, during);
      } catch (const std::exception& e) {
        std::lock_guard lock(mu);
        if (failed.empty()) failed = e.what();
        done = true;
      }
    });
  }
  auto stop = [&] {
    importing = false;
    done = true;
    for (auto& t : threads) t.join();
  };
  try {
    auto second = make_roster(pupils, 20, "b");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the loops are running
    importing = true;
    auto t0 = Clock::now();
    import_school(server.app(), second);
    f.import_under_load_s = seconds_since(t0);
  } catch (...) {
    stop();
    throw;
  }
  stop();
  if (!failed.empty()) throw Failure("a phone's sync loop: " + failed);
  f.syncs_during = during.size();
  f.sync_p50_ms_during = percentile(during, 0.5);
  f.sync_p99_ms_during = percentile(during, 0.99);
}

}  // namespace

NightlyFigures bench_nightly(const TempDir& dir, bool quick) {
  NightlyFigures f;
  f.pupils = quick ? 120 : 1200;
  bench_imports(dir, f.pupils, f);
  progress("nightly import: " + std::to_string(f.import_s) + " s");
  bench_sync_during_import(dir, f.pupils, f);
  progress("syncs during an import: p99 " + std::to_string(f.sync_p99_ms_during) + " ms");
  return f;
}

}  // namespace bench
