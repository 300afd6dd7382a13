// Finding a pupil by what staff type (werkex/people.hpp): an id, a full name in any case, or
// a unique part of a name; never a guess between several pupils.
#include "werkex/people.hpp"
#include "test_support.hpp"

using namespace werkex;
using test::expect_ok;

namespace {

struct Roster {
  test::TempDir dir;
  ManualClockSource clock{test::kStartMillis};
  std::unique_ptr<Replica> replica =
      test::open_replica(dir.file("admin.db"), clock, test::role_identity("admin", ""));
  std::string school = expect_ok(
      replica->put({{"type", "school"}, {"bucket", "school:demo"}, {"name", "Vmbo De Brug"}}));

  std::string person(const std::string& name, const std::string& role) {
    return expect_ok(replica->put({{"type", "person"},
                                   {"bucket", "school:demo"},
                                   {"name", name},
                                   {"role", role},
                                   {"school", school}}));
  }
};

}  // namespace

TEST_CASE("people: a pupil is found by id, by name in any case, or by a unique part",
          "[unit][people]") {
  Roster r;
  const std::string sem = r.person("Sem de Vries", "pupil");
  const std::string semra = r.person("Semra Yilmaz", "pupil");
  const std::string daan = r.person("Daan 't Hart", "pupil");
  r.person("Sem Jansen", "teacher");  // a teacher is never the pupil meant

  CHECK(expect_ok(find_pupil(*r.replica, sem)) == sem);
  CHECK(expect_ok(find_pupil(*r.replica, "  sem de vries ")) == sem);
  CHECK(expect_ok(find_pupil(*r.replica, "daan")) == daan);
  CHECK(expect_ok(find_pupil(*r.replica, "yilmaz")) == semra);
  CHECK(expect_ok(pupil_bucket(*r.replica, "DAAN 'T HART")) == "pupil:" + daan);
  CHECK(person_name(*r.replica, sem) == "Sem de Vries");
  CHECK(person_name(*r.replica, "niemand").empty());

  auto both = find_pupil(*r.replica, "sem");  // Sem and Semra: no guessing
  REQUIRE_FALSE(both);
  CHECK(both.error().code == WX_INVALID_ARGUMENT);
  CHECK(both.error().message.find("fits 2 pupils") != std::string::npos);
  CHECK(both.error().message.find("Semra Yilmaz (" + semra + ")") != std::string::npos);

  auto nobody = find_pupil(*r.replica, "Zoë");
  REQUIRE_FALSE(nobody);
  CHECK(nobody.error().code == WX_NOT_FOUND);
  CHECK(nobody.error().message.find("no pupil 'Zoë'") != std::string::npos);
  CHECK(find_pupil(*r.replica, " ").error().code == WX_INVALID_ARGUMENT);
}
