// The trash (werkex/trash.hpp): what it lists, the 30 days, who may restore, and that a
// restore wins over the delete it undoes on every replica, in any order, with edits made
// elsewhere meanwhile kept.
#include "werkex/trash.hpp"
#include "test_support.hpp"

using namespace werkex;
using test::expect_ok;

namespace {

constexpr uint64_t kDay = 24ull * 3600 * 1000;

struct Two {
  test::TempDir dir;
  ManualClockSource clock_a{test::kStartMillis}, clock_b{test::kStartMillis + 3};
  std::unique_ptr<Replica> a =
      test::open_replica(dir.file("a.db"), clock_a, test::pupil_identity());
  std::unique_ptr<Replica> b =
      test::open_replica(dir.file("b.db"), clock_b, test::pupil_identity());

  void send(Replica& from, Replica& to) {
    ApplyReport r = expect_ok(to.apply(expect_ok(from.changes_since(0))));
    REQUIRE(r.rejected.empty());
  }
  std::string experience(Replica& r, const std::string& note) {
    return expect_ok(
        r.put({{"type", "experience"}, {"occurred_at", "2026-11-28T09:00:00Z"}, {"note", note}}));
  }
};

}  // namespace

TEST_CASE_METHOD(Two, "trash: a deleted entry is listed, restored whole, and leaves the trash",
                 "[trash]") {
  const std::string e = experience(*a, "Ik mocht de kassa doen");
  expect_ok(a->put({{"id", e}, {"emotion", "trots"}}));
  CHECK(expect_ok(trash(*a)).empty());
  expect_ok(a->remove(e));
  auto bin = expect_ok(trash(*a));
  REQUIRE(bin.size() == 1);
  CHECK(bin[0].id == e);
  CHECK(bin[0].type == "experience");
  CHECK(bin[0].bucket == test::pupil_identity().bucket);
  CHECK(bin[0].summary == "Ik mocht de kassa doen");
  CHECK(bin[0].deleted_at == rfc3339_utc(test::kStartMillis));
  CHECK(bin[0].restorable_until == rfc3339_utc(test::kStartMillis + 30 * kDay));
  expect_ok(restore(*a, e));
  json doc = expect_ok(a->get(e));
  CHECK(doc["note"] == "Ik mocht de kassa doen");
  CHECK(doc["emotion"] == "trots");
  CHECK_FALSE(doc.contains("deleted"));
  CHECK(expect_ok(trash(*a)).empty());
  CHECK(restore(*a, e).code() == WX_CONFLICT);  // not deleted
  CHECK(restore(*a, "0190a000-0000-7000-8000-00000000dead").code() == WX_NOT_FOUND);
}

TEST_CASE_METHOD(Two, "trash: after 30 days the delete stays", "[trash]") {
  const std::string e = experience(*a, "oud");
  expect_ok(a->remove(e));
  clock_a.advance(30 * kDay);
  CHECK(expect_ok(trash(*a)).size() == 1);  // the 30th day still counts
  clock_a.advance(1);
  CHECK(expect_ok(trash(*a)).empty());
  CHECK(restore(*a, e).code() == WX_CONFLICT);
  CHECK(expect_ok(a->get(e)).value("deleted", false) == true);
}

TEST_CASE_METHOD(Two, "trash: a pupil restores only in their own dossier, never a photo",
                 "[trash]") {
  const std::string e = experience(*a, "van mij");
  expect_ok(a->remove(e));
  test::TempDir other;
  ManualClockSource clock{test::kStartMillis + 10};
  auto stranger = test::open_replica(other.file("s.db"), clock,
                                     test::pupil_identity("0190a000-0000-7000-8000-000000000002"));
  expect_ok(stranger->apply(expect_ok(a->changes_since(0))));
  CHECK(expect_ok(trash(*stranger)).empty());
  CHECK(stranger->undelete(e).code() == WX_PERMISSION_DENIED);
  const std::string sha(64, 'a');
  const std::string blob = expect_ok(a->put({{"type", "blob"},
                                             {"sha256", sha},
                                             {"size", 3},
                                             {"mime", "image/jpeg"},
                                             {"attached_to", experience(*a, "foto")}}));
  expect_ok(a->remove(blob));
  for (const TrashEntry& t : expect_ok(trash(*a))) CHECK(t.type != "blob");
}

TEST_CASE_METHOD(Two, "trash: a restore wins over the delete on every replica, edits kept",
                 "[trash][convergence]") {
  const std::string e = experience(*a, "eerst");
  send(*a, *b);
  // A deletes; B, not having seen it, edits; A restores; then the two exchange, in both
  // orders on two copies of B's state.
  expect_ok(a->remove(e));
  Bundle delete_only = expect_ok(a->changes_since(0));
  clock_b.advance(5);
  expect_ok(b->put({{"id", e}, {"emotion", "nieuwsgierig"}}));
  clock_a.advance(10);
  expect_ok(restore(*a, e));
  Bundle from_a = expect_ok(a->changes_since(0)), from_b = expect_ok(b->changes_since(0));
  expect_ok(b->apply(from_a));
  expect_ok(a->apply(from_b));
  CHECK(expect_ok(a->dump()) == expect_ok(b->dump()));
  json doc = expect_ok(a->get(e));
  CHECK(doc["note"] == "eerst");
  CHECK(doc["emotion"] == "nieuwsgierig");  // the edit made while it was deleted
  CHECK_FALSE(doc.contains("deleted"));

  // A replica that received the delete first and the restore later ends the same, and
  // applying the delete again (a duplicate, a stale retry) does not bring it back.
  test::TempDir third;
  ManualClockSource clock_c{test::kStartMillis};
  auto c = test::open_replica(third.file("c.db"), clock_c, test::pupil_identity());
  expect_ok(c->apply(delete_only));
  CHECK(expect_ok(c->get(e)).value("deleted", false) == true);
  expect_ok(c->apply(from_b));
  expect_ok(c->apply(from_a));
  expect_ok(c->apply(delete_only));
  expect_ok(c->apply(from_b));
  CHECK(expect_ok(c->dump()) == expect_ok(a->dump()));

  // Deleted again later (after the restore was seen): the newer delete wins everywhere.
  clock_b.advance(20);
  expect_ok(b->remove(e));
  send(*b, *a);
  send(*b, *c);
  CHECK(expect_ok(a->get(e)).value("deleted", false) == true);
  CHECK(expect_ok(a->dump()) == expect_ok(c->dump()));
}
