// AccessCache (server/app/access_cache.hpp) against its model, compute_access() itself: after
// every random roster, placement, key or dossier change, and as days pass, the cached answer
// for every person must be exactly what a fresh computation gives. And the cache must be a
// cache: with nothing changed in the school bucket, nobody is computed again.
#include <catch2/catch.hpp>
#include <random>

#include "access_cache.hpp"
#include "dossier_store_sqlite.hpp"
#include "test_support.hpp"
#include "werkex/clock.hpp"

using namespace werkex;
using werkex::test::expect_ok;

namespace {

std::string shown(const server::Access& a) {
  json ended = json::object();
  for (const auto& [bucket, days] : a.ended)
    for (const server::DayWindow& w : days) ended[bucket].push_back({w.first, w.last});
  json entities = a.school_entities ? json(*a.school_entities) : json("all");
  json views = json::object();
  for (const auto& [bucket, v] : a.pupil_views)
    views[bucket] = {{"entities", v.entities}, {"digest", v.digest}};
  return json{{"person", a.person},    {"role", a.role},   {"bucket", a.school_bucket},
              {"read", a.read},        {"write", a.write}, {"entities", entities},
              {"view", a.school_view}, {"ended", ended},   {"pupil_views", views}}
      .dump();
}

struct School {
  test::TempDir dir;
  ManualClockSource clock{test::kStartMillis};
  std::unique_ptr<Replica> db;
  std::unique_ptr<server::SqliteDossierStore> store;  // over db, as the server reads it
  std::string admin = "0190a000-0000-7000-8000-0000000000ad";
  std::string counsellor;
  std::string school, company, supervisor, parent;
  std::vector<std::string> groups, teachers, pupils, placements;
  std::map<std::string, std::vector<std::string>> activities;  // by pupil
  std::string today = "2026-12-02";

  static Identity as(const std::string& role, const std::string& user,
                     const std::string& bucket = "") {
    return Identity{user, role, bucket, "school:demo"};
  }
  std::string put(const json& doc) { return expect_ok(db->put(doc)); }
  void as_admin() { expect_ok(db->set_identity(as("admin", admin))); }
  void as_counsellor() { expect_ok(db->set_identity(as("counsellor", counsellor))); }
  std::string person(const std::string& name, const std::string& role) {
    as_admin();
    return put({{"type", "person"}, {"name", name}, {"role", role}, {"school", school}});
  }

  School() {
    db = test::open_replica(dir.file("dossiers.db"), clock, as("admin", admin), false);
    store = std::make_unique<server::SqliteDossierStore>(*db);
    school = put({{"type", "school"}, {"name", "Vmbo De Brug"}, {"brin", "12AB"}});
    counsellor = person("Carla Smit", "counsellor");
    supervisor = person("Ans de Vries", "supervisor");
    parent = person("Ouder", "parent");
    for (int g = 0; g < 3; ++g) {
      teachers.push_back(person("Mentor " + std::to_string(g), "teacher"));
      as_admin();
      groups.push_back(put({{"type", "group"},
                            {"name", "3KB-" + std::to_string(g)},
                            {"school", school},
                            {"mentors", {teachers.back()}}}));
    }
    for (int p = 0; p < 6; ++p) add_pupil();
    as_counsellor();
    company = put({{"type", "company"}, {"name", "Garage Smit"}, {"sector", "techniek"}});
  }
  void add_pupil() {
    pupils.push_back(person("Leerling " + std::to_string(pupils.size()), "pupil"));
    put({{"id", pupils.back()}, {"groups", {groups[pupils.size() % groups.size()]}}});
  }
  std::vector<std::string> everyone() const {
    std::vector<std::string> all = {counsellor, supervisor, parent, "no-such-person"};
    all.insert(all.end(), teachers.begin(), teachers.end());
    all.insert(all.end(), pupils.begin(), pupils.end());
    return all;
  }
  std::string change(std::mt19937& rng);
  std::string change_dossier(std::mt19937& rng, const std::string& pupil);
};

std::string School::change(std::mt19937& rng) {
  const std::string pupil = pupils[rng() % pupils.size()];
  switch (rng() % 12) {
    case 0:
      as_admin();
      put({{"id", pupil}, {"groups", {groups[rng() % groups.size()]}}});
      return "pupil moved to another group";
    case 1:
      as_admin();
      put({{"id", groups[rng() % groups.size()]},
           {"mentors", {teachers[rng() % teachers.size()]}}});
      return "group got another mentor";
    case 2:
      as_admin();
      put({{"id", pupil}, {"status", rng() % 2 ? "left" : "active"}});
      return "pupil left or came back";
    case 3:
      as_counsellor();
      placements.push_back(put({{"type", "placement"},
                                {"pupil", pupil},
                                {"company", company},
                                {"supervisor", supervisor},
                                {"start_date", "2026-11-25"},
                                {"end_date", "2026-12-0" + std::to_string(1 + rng() % 6)},
                                {"kind", "snuffelstage"}}));
      return "placement made";
    case 4:
      if (placements.empty()) return "nothing";
      as_counsellor();
      put({{"id", placements[rng() % placements.size()]},
           {"end_date", "2026-11-2" + std::to_string(5 + rng() % 5)}});
      return "placement ended early";
    case 5:
      expect_ok(db->set_identity(as("pupil", pupil, "pupil:" + pupil)));
      put({{"type", "experience"}, {"occurred_at", "2026-12-01T10:00:00Z"}, {"note", "Dag"}});
      return "pupil wrote in her dossier";
    case 6:
      add_pupil();
      return "pupil added";
    case 7:
      today = rng() % 2 ? "2026-12-09" : "2026-12-02";
      return "another day";
    case 8:
    case 9:
      return change_dossier(rng, pupil);
    case 10:
      as_admin();
      put({{"id", pupil},
           {"parents", {parent}},
           {"birth_date", rng() % 2 ? "2010-12-05" : "2012-01-01"}});
      as_counsellor();
      put({{"id", pupil}, {"parent_access", rng() % 3 != 0}});
      return "parent's access switched";
    default:
      as_admin();
      put({{"type", "signing_key"},
           {"person", supervisor},
           {"public_key", std::string(64, 'a' + rng() % 6)},
           {"key_id", "k" + std::to_string(rng())},
           {"registered_at", "2026-11-01T09:00:00Z"}});
      return "supervisor key registered";
  }
}

// A link inside a pupil's dossier: what a supervisor's view of it follows (pupil_view.hpp).
std::string School::change_dossier(std::mt19937& rng, const std::string& pupil) {
  auto& acts = activities[pupil];
  if (!acts.empty() && !placements.empty() && rng() % 4 == 0) {
    // Signed by whoever (the supervisor, or someone since cleared): the pupil sees the signer.
    const std::string signer = rng() % 2 ? supervisor : teachers[rng() % teachers.size()];
    expect_ok(db->set_identity(as("supervisor", signer, "pupil:" + pupil)));
    put({{"type", "signoff"},
         {"bucket", "pupil:" + pupil},
         {"placement", placements[rng() % placements.size()]},
         {"covers", {acts[rng() % acts.size()]}},
         {"content_hash", std::string(64, 'c')},
         {"statement_date", "2026-12-01"},
         {"signer", signer},
         {"method", "key"}});
    return "a sign-off was made";
  }
  expect_ok(db->set_identity(as("pupil", pupil, "pupil:" + pupil)));
  if (acts.empty() || rng() % 3 == 0) {
    json act = {{"type", "activity"}, {"kind", "snuffelstage"}};
    if (!placements.empty()) act["placement"] = placements[rng() % placements.size()];
    acts.push_back(put(act));
    return "pupil planned an activity";
  }
  put({{"type", "experience"},
       {"occurred_at", "2026-12-01T10:00:00Z"},
       {"activity", acts[rng() % acts.size()]}});
  return "pupil linked an experience";
}

}  // namespace

TEST_CASE("access cache: always what compute_access gives now", "[access][cache]") {
  for (unsigned seed : {1u, 2u, 3u}) {
    School s;
    server::AccessCache cache;
    std::mt19937 rng(seed);
    for (int step = 0; step < 40; ++step) {
      const std::string what = s.change(rng);
      for (const std::string& who : s.everyone()) {
        auto fresh = server::compute_access(*s.store, who, s.today, 2);
        auto cached = cache.get(*s.store, who, s.today, 2);
        INFO("seed " << seed << " step " << step << " (" << what << "), person " << who);
        REQUIRE(bool(fresh) == bool(cached));
        if (fresh)
          CHECK(shown(**cached) == shown(*fresh));
        else
          CHECK(cached.error().code == fresh.error().code);
      }
    }
  }
}

TEST_CASE("access cache: nothing changed in the school bucket, nobody computed again",
          "[access][cache]") {
  School s;
  server::AccessCache cache;
  for (const std::string& who : s.everyone()) (void)cache.get(*s.store, who, s.today, 2);
  const uint64_t first = cache.computed();
  for (const std::string& who : s.everyone()) (void)cache.get(*s.store, who, s.today, 2);
  CHECK(cache.computed() == first + 1);  // only the unknown person, whose error is not kept
  expect_ok(s.db->set_identity(School::as("pupil", s.pupils[0], "pupil:" + s.pupils[0])));
  s.put({{"type", "experience"}, {"occurred_at", "2026-12-01T10:00:00Z"}, {"note", "Dag"}});
  for (const std::string& who : s.everyone()) (void)cache.get(*s.store, who, s.today, 2);
  CHECK(cache.computed() == first + 2);  // a dossier entry is not the roster
  s.as_admin();
  s.put({{"id", s.pupils[1]}, {"status", "left"}});
  auto gone = cache.get(*s.store, s.pupils[1], s.today, 2);
  REQUIRE_FALSE(gone);
  CHECK(gone.error().code == WX_UNAUTHENTICATED);
}

TEST_CASE(
    "access: a parent reads their child's dossier while the school lets them and, from 16, "
    "the child agrees",
    "[access][parent]") {
  School s;
  const std::string child = s.pupils[0], other = s.pupils[1];
  auto reads = [&](const std::string& today) {
    auto a = expect_ok(server::compute_access(*s.store, s.parent, today, 2));
    CHECK(a.read.count("pupil:" + other) == 0);
    CHECK(a.school_entities.has_value());
    return a.read.count("pupil:" + child) == 1;
  };
  s.as_admin();
  s.put({{"id", child}, {"parents", {s.parent}}, {"birth_date", "2010-12-05"}});
  CHECK_FALSE(reads("2026-12-02"));  // linked, but the school has not switched it on
  s.as_counsellor();
  s.put({{"id", child}, {"parent_access", true}});
  CHECK(reads("2026-12-02"));
  auto a = expect_ok(server::compute_access(*s.store, s.parent, "2026-12-02", 2));
  CHECK(a.write == std::set<std::string>{"pupil:" + child});
  CHECK(*a.school_entities == std::set<std::string>{s.parent, child});
  CHECK(a.pupil_views.empty());      // the dossier whole
  CHECK_FALSE(reads("2026-12-05"));  // sixteen: the child's own agreement is needed too
  expect_ok(s.db->set_identity(School::as("pupil", child, "pupil:" + child)));
  s.put({{"id", child}, {"parent_consent", true}});
  CHECK(reads("2026-12-05"));
  s.as_counsellor();
  s.put({{"id", child}, {"parent_access", false}});
  CHECK_FALSE(reads("2026-12-05"));  // the school's switch off ends it whatever the child says
  s.put({{"id", child}, {"parent_access", true}});
  s.as_admin();
  s.put({{"id", child}, {"status", "left"}});
  CHECK_FALSE(reads("2026-12-05"));
}

TEST_CASE("access: a pupil sees who signed in their dossier, if a supervisor, and their keys",
          "[access][signoff]") {
  School s;
  const std::string pupil = s.pupils[0], bucket = "pupil:" + pupil;
  expect_ok(s.db->set_identity(School::as("pupil", pupil, bucket)));
  const std::string act = s.put({{"type", "activity"}, {"kind", "snuffelstage"}});
  s.as_admin();
  const std::string key = s.put({{"type", "signing_key"},
                                 {"person", s.supervisor},
                                 {"public_key", std::string(64, 'a')},
                                 {"key_id", "k1"},
                                 {"registered_at", "2026-11-01T09:00:00Z"}});
  s.as_counsellor();
  const std::string elsewhere = s.put({{"type", "placement"},  // another pupil's placement
                                       {"pupil", s.pupils[1]},
                                       {"company", s.company},
                                       {"supervisor", s.supervisor},
                                       {"start_date", "2026-11-25"},
                                       {"end_date", "2026-12-31"},
                                       {"kind", "snuffelstage"}});
  auto sees = [&](const std::string& id) {
    auto a = expect_ok(server::compute_access(*s.store, pupil, s.today, 2));
    return a.school_entities->count(id) == 1;
  };
  CHECK_FALSE(sees(s.supervisor));  // no placement with her, nothing signed
  CHECK_FALSE(sees(key));
  for (const std::string& signer : {s.supervisor, s.teachers[0]}) {
    expect_ok(s.db->set_identity(School::as("supervisor", signer, bucket)));
    s.put({{"type", "signoff"},
           {"bucket", bucket},
           {"placement", elsewhere},  // any placement: only the signer matters here
           {"covers", {act}},
           {"content_hash", std::string(64, 'c')},
           {"statement_date", "2026-12-01"},
           {"signer", signer},
           {"method", "key"}});
  }
  CHECK(sees(s.supervisor));
  CHECK(sees(key));
  CHECK_FALSE(sees(s.teachers[0]));  // named as signer, but not a supervisor
}
