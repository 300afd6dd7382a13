// werkex-bench's staff dashboard figures (issue 12, "Speed"). In a fresh child, on the real
// server in this process (App, the staff site, HttpServer):
//   - setup (not timed as a figure): a generated school of 1,200 pupils in groups of 30
//     (nightly_roster.hpp) imported, every pupil given the nightly bench's dossier
//     (nightly_dossiers.hpp), one of them the heaviest (dashboard_pupil.hpp: 50 entries,
//     20 photos), 100 pupils' phones enrolled and syncing, each every 5 s
//     (nightly_phones.hpp); the mentor of the heaviest pupil's group signed in (a staff
//     session made in server.db, as a sign-in makes it);
//   - then, the phones syncing throughout, `requests` times each in turn: the group page
//     (HTML) and its JSON, the pupil page and its JSON, over one keep-alive libcurl
//     connection. Each must answer 200, else the benchmark fails. The figures are the
//     server's own time per request (its access log: first request byte to last response
//     byte), as the target is server time; the phones' sync latency meanwhile too.
#pragma once

#include <cstddef>

#include "bench.hpp"
#include "dashboard_pupil.hpp"

namespace bench {

struct RouteTimes {
  size_t requests = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;  // server time
};

struct DashboardFigures {
  size_t pupils = 0, group_size = 0, phones = 0;
  double phone_interval_s = 0;
  HeavyDossier heavy;
  RouteTimes group_page, group_json, pupil_page, pupil_json;
  size_t sync_samples = 0;
  double sync_p99_ms = 0;  // the phones' view, while the dashboard was read
};

DashboardFigures bench_dashboard(const TempDir& dir, bool quick);

void add_dashboard_json(nlohmann::ordered_json& j, const DashboardFigures& d);
void print_dashboard(const DashboardFigures& d);

}  // namespace bench
