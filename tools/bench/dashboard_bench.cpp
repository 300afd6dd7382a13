// The staff dashboard figures (dashboard_bench.hpp).
#include "dashboard_bench.hpp"

#include <iostream>
#include <set>
#include <thread>

#include "bench_server.hpp"
#include "nightly_dossiers.hpp"
#include "nightly_phones.hpp"
#include "nightly_roster.hpp"
#include "werkex/curl_transport.hpp"

namespace bench {

namespace {

using werkex::json;

// What is read, as the access log names each route, and the URL that reads it.
struct Target {
  const char* route;
  std::string path;
};

// The mentor (teacher) of a group `pupil` is in, from the import's new_people.
std::string mentor_of(const json& people, const json& pupil) {
  std::set<std::string> groups;
  for (const json& g : pupil.value("groups", json::array())) groups.insert(g.get<std::string>());
  for (const json& p : people)
    if (p["role"] == "teacher")
      for (const json& g : p.value("groups", json::array()))
        if (groups.count(g.get<std::string>())) return p["id"];
  throw Failure("the generated school has no mentor for pupil " + pupil["id"].get<std::string>());
}

// The entity id of the group the roster calls `name`.
std::string group_id(BenchServer& server, const std::string& name) {
  std::lock_guard lock(server.app().dossier_mutex());
  auto found =
      check(server.app().sqlite_replica().list(werkex::Query::where("group", "", "name", name)),
            "find group " + name);
  if (found.size() != 1) throw Failure("no single group named " + name);
  return found[0]["id"];
}

RouteTimes times_of(std::vector<double> ms) {
  return {ms.size(), percentile(ms, 0.5), percentile(ms, 0.99), percentile(ms, 1.0)};
}

// `rounds` times each target in turn, as the signed-in staff member; throws unless each is 200.
void read_pages(const std::string& base, const std::string& cookie,
                const std::vector<Target>& targets, size_t rounds) {
  werkex::CurlOptions o;
  o.max_attempts = 1;
  werkex::CurlTransport http(o);
  for (size_t i = 0; i < rounds; ++i)
    for (const Target& t : targets) {
      werkex::HttpRequest req{"GET", base + t.path, {{"Cookie", cookie}}, ""};
      auto answer = check(http.send(req), "GET " + t.path);
      if (answer.status != 200 || answer.body.empty())
        throw Failure("GET " + t.path + " answered " + std::to_string(answer.status) + ": " +
                      answer.body.substr(0, 200));
    }
}

json dashboard_in_child(const TempDir& dir, bool quick) {
  const size_t pupils = quick ? 120 : 1200, group = 30, phones = quick ? 10 : 100;
  const size_t rounds = quick ? 20 : 200;
  BenchServer server(dir.file("dashboard"));
  json people = import_school(server.app(), make_roster(pupils, group, "d"))["new_people"];
  generate_dossiers(server, people, dir);
  json heavy_pupil;
  for (const json& p : people)
    if (p["role"] == "pupil" && heavy_pupil.is_null()) heavy_pupil = p;
  HeavyDossier heavy = make_heavy_dossier(server, heavy_pupil["id"], 50, 20);
  auto session = check(server.app().auth().create_staff_session(mentor_of(people, heavy_pupil),
                                                                server.app().now_ms()),
                       "a staff session");
  const std::string g = group_id(server, heavy_pupil["groups"][0]), p = heavy_pupil["id"];
  const std::vector<Target> targets = {{"/groep", "/groep?id=" + g},
                                       {"/v1/staff/groups/{id}", "/v1/staff/groups/" + g},
                                       {"/leerling/{id}", "/leerling/" + p},
                                       {"/v1/staff/pupils/{id}", "/v1/staff/pupils/" + p}};
  SyncingPhones syncing(server, people, dir, phones);
  syncing.start(std::chrono::milliseconds(5000));
  read_pages(server.url(), "wx_staff=" + session.token, targets, 2);  // caches warm, as by day
  for (const Target& t : targets) (void)server.take_route_ms(t.route);
  syncing.sample(true);
  read_pages(server.url(), "wx_staff=" + session.token, targets, rounds);
  syncing.sample(false);
  std::vector<double> sync_ms = syncing.take_samples();
  syncing.stop();
  json out = {{"pupils", pupils},
              {"group", group},
              {"phones", syncing.size()},
              {"heavy_entries", heavy.entries},
              {"heavy_photos", heavy.photos},
              {"sync_samples", sync_ms.size()},
              {"sync_p99", percentile(sync_ms, 0.99)}};
  for (const Target& t : targets) {
    RouteTimes r = times_of(server.take_route_ms(t.route));
    out["routes"][t.route] = {
        {"n", r.requests}, {"p50", r.p50_ms}, {"p99", r.p99_ms}, {"max", r.max_ms}};
  }
  return out;
}

RouteTimes route_of(const json& r, const char* route) {
  const json& t = r["routes"][route];
  return {t["n"], t["p50"], t["p99"], t["max"]};
}

}  // namespace

DashboardFigures bench_dashboard(const TempDir& dir, bool quick) {
  json r = json::parse(
      run_in_child("staff dashboard", [&] { return dashboard_in_child(dir, quick).dump(); }));
  DashboardFigures d;
  d.pupils = r["pupils"];
  d.group_size = r["group"];
  d.phones = r["phones"];
  d.phone_interval_s = 5;
  d.heavy = {r["heavy_entries"], r["heavy_photos"]};
  d.group_page = route_of(r, "/groep");
  d.group_json = route_of(r, "/v1/staff/groups/{id}");
  d.pupil_page = route_of(r, "/leerling/{id}");
  d.pupil_json = route_of(r, "/v1/staff/pupils/{id}");
  d.sync_samples = r["sync_samples"];
  d.sync_p99_ms = r["sync_p99"];
  return d;
}

void add_dashboard_json(nlohmann::ordered_json& j, const DashboardFigures& d) {
  j["dashboard_pupils"] = d.pupils;
  j["dashboard_phones_syncing"] = d.phones;
  j["dashboard_requests_per_route"] = d.group_page.requests;
  j["dashboard_group_pupils"] = d.group_size;
  j["dashboard_heavy_pupil_entries"] = d.heavy.entries;
  j["dashboard_heavy_pupil_photos"] = d.heavy.photos;
  j["dashboard_group_p50_ms"] = rounded(d.group_page.p50_ms, 2);
  j["dashboard_group_p99_ms"] = rounded(d.group_page.p99_ms, 2);
  j["dashboard_group_json_p99_ms"] = rounded(d.group_json.p99_ms, 2);
  j["dashboard_pupil_p50_ms"] = rounded(d.pupil_page.p50_ms, 2);
  j["dashboard_pupil_p99_ms"] = rounded(d.pupil_page.p99_ms, 2);
  j["dashboard_pupil_json_p99_ms"] = rounded(d.pupil_json.p99_ms, 2);
  j["sync_p99_ms_during_dashboard"] = rounded(d.sync_p99_ms, 1);
  j["sync_samples_during_dashboard"] = d.sync_samples;
}

void print_dashboard(const DashboardFigures& d) {
  std::cout << fmt(
      "\nStaff dashboard (%zu pupils, groups of %zu, %zu phones syncing every %.0f s;"
      " server time over %zu requests each)\n",
      d.pupils, d.group_size, d.phones, d.phone_interval_s, d.group_page.requests);
  auto row = [](const char* what, const RouteTimes& t) {
    std::cout << fmt("  %-34s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms   target p99 < 100 ms: %s\n",
                     what, t.p50_ms, t.p99_ms, t.max_ms, verdict(t.p99_ms < 100));
  };
  row("group page (HTML)", d.group_page);
  row("group JSON", d.group_json);
  row(fmt("pupil page (%zu entries, %zu photos)", d.heavy.entries, d.heavy.photos).c_str(),
      d.pupil_page);
  row("pupil JSON", d.pupil_json);
  std::cout << fmt("  phones' sync p99 meanwhile %.1f ms (%zu syncs)\n", d.sync_p99_ms,
                   d.sync_samples);
}

}  // namespace bench
