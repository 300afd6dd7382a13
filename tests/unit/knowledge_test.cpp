// Version vectors (Replica::knowledge, ChangeFilter::known): a sender leaves out exactly what
// the receiver has already seen, whichever way it got there; the claim travels only with a
// bundle of the sender's whole state and is believed only without refusals or gaps.
#include "test_support.hpp"
#include "werkex/bundle.hpp"
#include "werkex/protocol.hpp"

using namespace werkex;
using test::expect_ok;

namespace {

struct Three {
  test::TempDir dir;
  ManualClockSource clock{test::kStartMillis};
  std::vector<std::unique_ptr<Replica>> r;
  std::string id;

  Three() {
    for (int k = 0; k < 3; ++k)
      r.push_back(test::open_replica(dir.file("r" + std::to_string(k) + ".db"), clock,
                                     test::pupil_identity(), false));
    id =
        expect_ok(r[0]->put({{"type", "activity"}, {"kind", "meeloopdag"}, {"title", "Bakkerij"}}));
    for (int k = 1; k < 3; ++k) expect_ok(r[k]->apply(expect_ok(r[0]->changes_since(0))));
  }
  // What `from` sends `to`: everything after the receiver's cursor, less what it knows.
  Bundle bundle(int from, int to, bool with_knowledge = true) {
    ChangeFilter f;
    if (with_knowledge) f.known = expect_ok(r[to]->knowledge());
    return expect_ok(
        r[from]->changes_since(expect_ok(r[to]->peer_seq(r[from]->replica_id())), 0, f));
  }
  void edit(int k, const char* field, const std::string& value) {
    clock.advance(3);
    expect_ok(r[k]->put({{"id", id}, {field, value}}));
  }
};

}  // namespace

TEST_CASE("knowledge: a change reaches a replica once, whichever path it takes",
          "[store][knowledge]") {
  Three t;
  t.edit(1, "title", "Bakkerij de Korenschoof");
  t.edit(2, "builds_on", "ik bak thuis");
  // 1 tells 0; 0 tells 2 (carrying 1's edit); then 1 has nothing 2 lacks.
  expect_ok(t.r[0]->apply(t.bundle(1, 0)));
  expect_ok(t.r[2]->apply(t.bundle(0, 2)));
  CHECK(t.bundle(1, 2).changes.empty());
  // Without the vector, 1 sends 2 everything it holds again.
  CHECK(t.bundle(1, 2, false).changes.size() == expect_ok(t.r[1]->changes_since(0)).changes.size());
  // 2's own edit still goes to 1, and 0's knowledge does not hide it from anyone.
  Bundle to1 = t.bundle(2, 1);
  REQUIRE(to1.changes.size() == 1);
  CHECK(to1.changes[0].field == "builds_on");
  expect_ok(t.r[1]->apply(to1));
  CHECK(expect_ok(t.r[1]->dump()) == expect_ok(t.r[2]->dump()));
}

TEST_CASE("knowledge: claimed only for a whole state, believed only without refusals or gaps",
          "[store][knowledge]") {
  Three t;
  t.edit(1, "title", "Garage");
  ChangeFilter bucket_only;
  bucket_only.bucket = test::pupil_identity().bucket;
  CHECK(expect_ok(t.r[1]->changes_since(0, 0, bucket_only)).knowledge.empty());
  CHECK(expect_ok(t.r[1]->changes_since(0, 1)).knowledge.empty());  // cut by the limit
  Bundle whole = expect_ok(t.r[1]->changes_since(0));
  REQUIRE_FALSE(whole.knowledge.empty());
  // A bundle that starts after what the receiver has of the sender (a gap) teaches nothing.
  t.edit(1, "title", "Garage Jansen");
  Bundle later = expect_ok(t.r[1]->changes_since(whole.upto_seq - 1));
  auto entry_of_1 = [&] {
    for (const Stamp& e : expect_ok(t.r[2]->knowledge()))
      if (e.replica == t.r[1]->replica_id()) return e.hlc.value;
    return uint64_t{0};
  };
  const uint64_t before = entry_of_1();
  expect_ok(t.r[2]->apply(later));
  CHECK(entry_of_1() == before);
  // Applied from the start, it does: 2 now knows 1's writes.
  expect_ok(t.r[2]->apply(expect_ok(t.r[1]->changes_since(0))));
  CHECK(t.bundle(1, 2).changes.empty());
}

TEST_CASE("knowledge: dropping states forgets what others sent, so they send it again",
          "[store][knowledge]") {
  Three t;
  t.edit(0, "title", "Kapsalon");
  expect_ok(t.r[1]->apply(t.bundle(0, 1)));
  REQUIRE(t.bundle(0, 1).changes.empty());
  expect_ok(t.r[1]->purge_bucket(test::pupil_identity().bucket));
  expect_ok(t.r[1]->apply(expect_ok(t.r[0]->changes_since(0, 0, [&] {
    ChangeFilter f;
    f.known = expect_ok(t.r[1]->knowledge());
    return f;
  }()))));
  CHECK(expect_ok(t.r[1]->dump()) == expect_ok(t.r[0]->dump()));
}

TEST_CASE("knowledge: the bundle carries it under knows, strictly parsed",
          "[bundle][knowledge][validation]") {
  Three t;
  Bundle b = expect_ok(t.r[0]->changes_since(0));
  json j = bundle_to_json(b);
  REQUIRE(j.contains("knows"));
  CHECK(expect_ok(bundle_from_json(j)).knowledge == b.knowledge);
  for (json bad : {json("all"), json::array({json::array({1, "x"})}),
                   json::array({json::array({5, 7}), json::array({6, 7})})}) {
    json k = j;
    k["knows"] = bad;
    auto r = bundle_from_json(k);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == WX_CORRUPT);
    CHECK_THAT(r.error().message, Catch::Contains("knows"));
  }
}

TEST_CASE("knowledge: a sync push or pull never carries a knowledge claim",
          "[protocol][knowledge]") {
  Three t;
  protocol::SyncRequest req;
  req.replica = t.r[0]->replica_id();
  req.schema_version = 1;
  req.push = expect_ok(t.r[0]->changes_since(0));
  REQUIRE_FALSE(req.push.knowledge.empty());
  // A device could send one; the server must not believe a device about what it has seen.
  auto parsed = expect_ok(protocol::sync_request_from_json(protocol::to_json(req)));
  CHECK(parsed.push.knowledge.empty());
  protocol::SyncResponse resp;
  resp.buckets["pupil:x"].changes = req.push;
  auto back = expect_ok(protocol::sync_response_from_json(protocol::to_json(resp)));
  CHECK(back.buckets["pupil:x"].changes.knowledge.empty());
}

TEST_CASE("knowledge: a set remove reaches a replica that knows every stamp in it",
          "[store][knowledge]") {
  Three t;
  t.clock.advance(3);
  expect_ok(t.r[0]->put({{"id", t.id}, {"competencies", {{"add", {"netwerken"}}}}}));
  expect_ok(t.r[1]->apply(t.bundle(0, 1)));
  expect_ok(t.r[1]->apply(expect_ok(t.r[0]->changes_since(0))));
  // 1 removes the element: no new stamp, only the add moved to "removed".
  expect_ok(t.r[1]->put({{"id", t.id}, {"competencies", {{"remove", {"netwerken"}}}}}));
  expect_ok(t.r[0]->apply(t.bundle(1, 0)));
  CHECK_FALSE(expect_ok(t.r[0]->get(t.id)).contains("competencies"));
  CHECK(expect_ok(t.r[0]->dump()) == expect_ok(t.r[1]->dump()));
}
