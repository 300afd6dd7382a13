// The dashboard's cost on a 1,200-pupil school (issue 12: a group page of 30 pupils and a
// pupil page of 50 entries and 20 photos in well under 100 ms). Prints timings; asserts only
// what the pages contain. Not run by default: werkex_dashboard_tests "[.bench]".
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "dashboard/group_overview.hpp"
#include "dashboard/pupil_timeline.hpp"
#include "dashboard_world.hpp"
#include "export/dossier_export.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Times f(i) only; prepare(i) runs before each, untimed.
template <typename P, typename F>
void timed_after(const char* what, int runs, P&& prepare, F&& f) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    prepare(i);
    auto start = Clock::now();
    f(i);
    t.push_back(ms_since(start));
  }
  std::sort(t.begin(), t.end());
  std::printf("%-52s median %7.2f ms  max %7.2f ms  (%d runs)\n", what, t[t.size() / 2], t.back(),
              runs);
}

template <typename F>
void timed(const char* what, int runs, F&& f) {
  timed_after(
      what, runs, [](int) {}, f);
}

// The pupil of the pupil page: 10 cycles (activity, preparation, 2 experiences with a photo
// each, reflection) = 50 entries, 20 photos.
void big_dossier(DashWorld& w, const std::string& pupil) {
  for (int i = 0; i < 10; ++i) {
    std::string date = "2026-" +
                       std::string(i < 1   ? "09"
                                   : i < 5 ? "10"
                                           : "11") +
                       "-1" + std::to_string(i % 10);
    std::string act = w.small_cycle(pupil, "meeloopdag", date, "werkexploratie", false);
    Query q = Query::where("experience", "pupil:" + pupil, "activity", act);
    std::string exp = expect_ok(w.db->list(q)).at(0)["id"];
    w.as_pupil(pupil);
    Dossier d(*w.db);
    ExperienceDraft e;
    e.activity = act;
    e.occurred_at = date + "T14:00:00Z";
    e.note = "Middag";
    std::string exp2 = expect_ok(d.record_experience(e));
    ReflectionDraft r;
    r.experiences = {exp, exp2};
    expect_ok(d.reflect(r));
    w.add_photo(pupil, exp, "photo a " + std::to_string(i), "image/jpeg", "Foto");
    w.add_photo(pupil, exp2, "photo b " + std::to_string(i), "image/jpeg", "Foto");
  }
}

}  // namespace

TEST_CASE("bench: group and pupil pages on a 1,200-pupil school", "[.bench][dashboard]") {
  DashWorld w(false);
  auto build = Clock::now();
  std::string target;
  std::vector<std::string> in_target;
  for (int g = 0; g < 40; ++g) {
    std::string group = w.add_group("G" + std::to_string(g), 1 + g % 4, g % 2 ? "kb" : "bb");
    if (g == 0) target = group;
    for (int i = 0; i < 30; ++i) {
      std::string p = w.add_pupil("Leerling " + std::to_string(g * 30 + i), group);
      w.small_cycle(p, "meeloopdag", "2026-10-0" + std::to_string(1 + i % 9), "netwerken", i % 2);
      if (g == 0) in_target.push_back(p);
    }
  }
  const std::string big = in_target[0];
  big_dossier(w, big);
  std::printf("school of 1,200 pupils built in %.1f s (last_seq %llu)\n", ms_since(build) / 1000,
              (unsigned long long)w.db->last_seq());
  auto scope = w.scope_of(w.teacher);
  dashboard::GroupOptions o{kToday, 4};
  timed("group page, 30 pupils, cold cache", 5, [&](int) {
    dashboard::SummaryCache fresh(*w.db);
    REQUIRE(expect_ok(dashboard::group_overview(fresh, scope, target, o))["pupils"].size() == 30);
  });
  dashboard::SummaryCache cache(*w.db);
  expect_ok(dashboard::group_overview(cache, scope, target, o));
  timed("group page, 30 pupils, warm cache", 200,
        [&](int) { expect_ok(dashboard::group_overview(cache, scope, target, o)); });
  uint64_t before = cache.recomputations();
  timed_after(
      "group page after one pupil's new entry", 50,
      [&](int i) {
        w.small_cycle(in_target[1 + i % 29], "gastles", "2026-11-20", "netwerken", false);
      },
      [&](int) { expect_ok(dashboard::group_overview(cache, scope, target, o)); });
  CHECK(cache.recomputations() - before == 50);  // one pupil per change, not the group
  timed("pupil page, 50 entries + 20 photos, cold", 5, [&](int) {
    dashboard::SummaryCache fresh(*w.db);
    json page = expect_ok(dashboard::pupil_timeline(fresh, scope, big));
    REQUIRE(page["cycles"].size() == 11);
  });
  timed("pupil page, 50 entries + 20 photos, warm", 200,
        [&](int) { expect_ok(dashboard::pupil_timeline(cache, scope, big)); });
  timed("export_dossier of one pupil (the cold cost)", 50,
        [&](int i) { expect_ok(exporter::export_dossier(*w.db, in_target[i % 30], 0)); });
  timed("list() of one pupil's bucket (no type)", 50, [&](int i) {
    Query q;
    q.bucket = "pupil:" + in_target[i % 30];
    expect_ok(w.db->list(q));
  });
  timed("list() of one pupil's activities (type + bucket)", 50, [&](int i) {
    Query q;
    q.type = "activity";
    q.bucket = "pupil:" + in_target[i % 30];
    expect_ok(w.db->list(q));
  });
  timed("group_pupils (roster scan)", 50,
        [&](int) { expect_ok(dashboard::group_pupils(*w.db, "school:demo", target)); });
  timed("scope (compute_access + dashboard_scope), mentor", 50,
        [&](int) { w.scope_of(w.teacher); });
  std::printf("recomputations in the warm cache: %llu\n",
              (unsigned long long)cache.recomputations());
}
