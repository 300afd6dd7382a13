// Schools as tenants (docs/design.md §8) in compute_access(): two schools in one store, and
// placements, groups and parents that name people of the other school (what anyone who
// writes the roster or placements can make). The model is independent of the rules: whoever
// it is, every bucket they may read or write is their own school's bucket or the dossier of a
// pupil whose person is in it.
#include <catch2/catch.hpp>
#include <random>

#include "access.hpp"
#include "dossier_store_sqlite.hpp"
#include "test_support.hpp"
#include "werkex/clock.hpp"

using namespace werkex;
using werkex::test::expect_ok;

namespace {

struct OneSchool {
  std::string bucket, id, counsellor, supervisor, teacher, parent, group, company;
  std::vector<std::string> pupils;
};

struct TwoSchools {
  test::TempDir dir;
  ManualClockSource clock{test::kStartMillis};
  std::unique_ptr<Replica> db;
  std::unique_ptr<server::SqliteDossierStore> store;
  OneSchool a, b;
  std::string today = "2026-12-02";

  void as(const std::string& role, const std::string& school_bucket) {
    expect_ok(db->set_identity(
        Identity{"0190a000-0000-7000-8000-0000000000ad", role, "", school_bucket}));
  }
  std::string put(const json& doc) { return expect_ok(db->put(doc)); }
  std::string person(OneSchool& s, const std::string& name, const std::string& role) {
    as("admin", s.bucket);
    return put({{"type", "person"}, {"name", name}, {"role", role}, {"school", s.id}});
  }
  void fill(OneSchool& s, const std::string& bucket, int pupils) {
    s.bucket = bucket;
    as("admin", bucket);
    s.id = put({{"type", "school"}, {"name", bucket}});
    s.counsellor = person(s, "Decaan", "counsellor");
    s.supervisor = person(s, "Begeleider", "supervisor");
    s.teacher = person(s, "Mentor", "teacher");
    s.parent = person(s, "Ouder", "parent");
    as("admin", bucket);
    s.group = put({{"type", "group"}, {"name", "3KB"}, {"school", s.id}, {"mentors", {s.teacher}}});
    for (int p = 0; p < pupils; ++p) {
      s.pupils.push_back(person(s, "Leerling " + std::to_string(p), "pupil"));
      put({{"id", s.pupils.back()},
           {"groups", {s.group}},
           {"parents", {s.parent}},
           {"parent_access", true}});
    }
    as("counsellor", bucket);
    s.company = put({{"type", "company"}, {"name", "Garage"}, {"sector", "techniek"}});
  }
  TwoSchools(int pupils_a, int pupils_b) {
    db = test::open_replica(dir.file("dossiers.db"), clock,
                            Identity{"0190a000-0000-7000-8000-0000000000ad", "admin", "", ""},
                            false);
    store = std::make_unique<server::SqliteDossierStore>(*db);
    fill(a, "school:a", pupils_a);
    fill(b, "school:b", pupils_b);
  }
  // A running placement in `in`'s bucket of `in`'s supervisor, naming `pupil` (of any school).
  void place(OneSchool& in, const std::string& pupil) {
    as("counsellor", in.bucket);
    put({{"type", "placement"},
         {"pupil", pupil},
         {"company", in.company},
         {"supervisor", in.supervisor},
         {"start_date", "2026-11-01"},
         {"end_date", "2027-01-31"},
         {"kind", "snuffelstage"}});
  }
};

// The model: the buckets of `s` (its school bucket and its pupils' dossiers).
std::set<std::string> buckets_of(const OneSchool& s) {
  std::set<std::string> out = {s.bucket};
  for (const std::string& p : s.pupils) out.insert("pupil:" + p);
  return out;
}

void check_confined(TwoSchools& t, const OneSchool& s) {
  const std::set<std::string> allowed = buckets_of(s);
  for (const std::string& who : {s.counsellor, s.supervisor, s.teacher, s.parent, s.pupils[0]}) {
    auto a = expect_ok(server::compute_access(*t.store, who, t.today, 2));
    INFO(a.role << " of " << s.bucket);
    for (const auto* set : {&a.read, &a.write})
      for (const std::string& bucket : *set) {
        INFO(bucket);
        CHECK(allowed.count(bucket));
      }
    for (const auto& [bucket, view] : a.pupil_views) CHECK(allowed.count(bucket));
    for (const auto& [bucket, days] : a.ended) CHECK(allowed.count(bucket));
  }
}

}  // namespace

TEST_CASE("access: nobody reaches another school's buckets, whatever its placements name",
          "[access][schools]") {
  // 70 pupils: a counsellor's and this supervisor's check lists the school's persons; 3: it
  // looks each up.
  for (int pupils : {3, 70}) {
    TwoSchools t(pupils, pupils);
    for (const std::string& p : t.b.pupils) t.place(t.a, p);  // every one of B's pupils
    t.place(t.a, t.a.pupils[0]);                              // and one of A's own
    t.place(t.b, t.a.pupils[1]);                              // and the other way round
    // A's roster naming B's people: a parent of A's pupil, a mentor of A's group.
    t.as("admin", t.a.bucket);
    t.put({{"id", t.a.pupils[0]}, {"parents", {t.a.parent, t.b.parent}}});
    t.put({{"id", t.a.group}, {"mentors", {t.a.teacher, t.b.teacher}}});
    INFO(pupils << " pupils a school");
    check_confined(t, t.a);
    check_confined(t, t.b);
    auto ans = expect_ok(server::compute_access(*t.store, t.a.supervisor, t.today, 2));
    CHECK(ans.read == std::set<std::string>{t.a.bucket, "pupil:" + t.a.pupils[0]});
    CHECK(ans.write == std::set<std::string>{"pupil:" + t.a.pupils[0]});
    auto bs = expect_ok(server::compute_access(*t.store, t.b.supervisor, t.today, 2));
    CHECK(bs.read == std::set<std::string>{t.b.bucket});
    CHECK(bs.pupil_views.empty());
    // A counsellor still has the whole school, a mentor the group, a parent the children.
    auto decaan = expect_ok(server::compute_access(*t.store, t.a.counsellor, t.today, 2));
    CHECK(decaan.read == buckets_of(t.a));
    auto mentor = expect_ok(server::compute_access(*t.store, t.a.teacher, t.today, 2));
    CHECK(mentor.read == buckets_of(t.a));
    auto parent = expect_ok(server::compute_access(*t.store, t.a.parent, t.today, 2));
    CHECK(parent.read == buckets_of(t.a));
  }
}
