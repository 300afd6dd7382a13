// The DossierStore contract on both engines (dossier_store.hpp, docs/design.md): the same
// writes read back the same; pushes from devices merge to the same documents and field states
// on SQLite and on PostgreSQL, whatever the order and however often they arrive; a failed push
// leaves nothing; and, on PostgreSQL, two server processes on one database write and merge as
// one store would.
#include <map>
#include <random>
#include <thread>

#include "store_engines.hpp"

using namespace werkex;
using test::expect_ok;

namespace {

const std::string kPupil = "0190a000-0000-7000-8000-000000000001";
const std::string kBucket = "pupil:" + kPupil;

ChangeFilter in_bucket(const std::string& bucket) {
  ChangeFilter f;
  f.bucket = bucket;
  return f;
}

Query of_type(const std::string& type, const std::string& bucket = "") {
  Query q;
  q.type = type;
  q.bucket = bucket;
  return q;
}

json activity(const std::string& title) {
  return {{"type", "activity"}, {"bucket", kBucket}, {"kind", "meeloopdag"}, {"title", title}};
}

// Every field state of every entity the store holds in `bucket`, as comparable text.
std::string states_of(server::DossierStore& s, const std::string& bucket) {
  Bundle all = expect_ok(s.changes_since(0, 0, in_bucket(bucket)));
  std::map<std::string, std::string> by_entity;
  for (const Change& c : all.changes) {
    auto states = expect_ok(s.field_states(c.entity));
    std::string text = expect_ok(s.get(c.entity)).dump();
    for (const Change& f : states)
      text += "|" + f.field + "=" + f.element.dump() + ":" + field_to_json(f).dump();
    by_entity[c.entity] = text;
  }
  std::string out;
  for (auto& [id, text] : by_entity) out += id + " " + text + "\n";
  return out;
}

// School "school:s1" (Het Lyceum) with its pupil Zoë, written as the server: (school, zoe).
std::pair<std::string, std::string> school_with_pupil(server::DossierStore& s) {
  std::string school =
      expect_ok(s.put({{"type", "school"}, {"bucket", "school:s1"}, {"name", "Het Lyceum"}}));
  std::string zoe = expect_ok(s.put({{"type", "person"},
                                     {"bucket", "school:s1"},
                                     {"name", "Zoë"},
                                     {"role", "pupil"},
                                     {"school", school}}));
  return {school, zoe};
}

}  // namespace

TEST_CASE("store contract: the server's own writes read back alike on both engines") {
  const std::string engine = GENERATE(as<std::string>{}, "sqlite", "postgres");
  INFO(engine);
  ManualClockSource clock(test::kStartMillis);
  auto e = test::make_engine(engine, clock);
  server::DossierStore& s = e->store();
  auto [school, zoe] = school_with_pupil(s);
  CHECK(expect_ok(s.get(zoe))["name"] == "Zoë");
  CHECK(expect_ok(s.get(zoe))["bucket"] == "school:s1");
  const uint64_t school_seq = expect_ok(s.bucket_seq("school:s1"));
  CHECK(school_seq > 0);
  CHECK(expect_ok(s.bucket_seq(kBucket)) == 0);

  expect_ok(s.put({{"id", zoe}, {"name", "Zoë B."}}));
  CHECK(expect_ok(s.get(zoe))["name"] == "Zoë B.");
  CHECK(expect_ok(s.bucket_seq("school:s1")) > school_seq);
  const uint64_t before = s.last_seq();
  expect_ok(s.put({{"id", zoe}, {"name", "Zoë B."}}));  // the value it has: nothing stored
  CHECK(s.last_seq() == before);

  const uint64_t pupil_seq = expect_ok(s.bucket_seq(kBucket));
  std::string group = expect_ok(
      s.put({{"type", "group"}, {"bucket", "school:s1"}, {"name", "3B"}, {"school", school}}));
  expect_ok(s.put({{"id", zoe}, {"groups", {group}}}));
  CHECK(expect_ok(s.bucket_seq(kBucket)) == pupil_seq);  // another bucket's writes
  CHECK(expect_ok(s.list(Query::where("person", "school:s1", "role", "pupil"))).size() == 1);
  CHECK(expect_ok(s.list(Query::where("person", "school:s1", "role", "teacher"))).empty());
  CHECK(expect_ok(s.list(Query::where("person", "school:s1", "groups", group))).front()["id"] ==
        zoe);
  CHECK(expect_ok(s.list(Query::where("person", "school:s1", "groups", school))).empty());
  Query persons;
  persons.type = "person";
  CHECK(expect_ok(s.list(persons)).size() == 1);

  SECTION("bad input is refused with the same codes, and nothing is stored") {
    CHECK(s.get("0190a000-0000-7000-8000-00000000dead").code() == WX_NOT_FOUND);
    CHECK(s.put({{"type", "person"}, {"bucket", "school:s1"}, {"name", "X"}}).code() ==
          WX_INVALID_ARGUMENT);  // role and school are required
    CHECK(s.put({{"type", "no_such_type"}, {"bucket", "school:s1"}}).code() == WX_INVALID_ARGUMENT);
    CHECK(s.put({{"id", zoe}, {"school", "0190a000-0000-7000-8000-00000000dead"}}).code() ==
          WX_INVALID_ARGUMENT);  // a ref to nothing
    CHECK(s.put_as(test::pupil_identity(), {{"id", zoe}, {"name", "hacked"}}).code() ==
          WX_PERMISSION_DENIED);
    // A filter's field is named in the SQL: anything but a plain name is refused.
    CHECK(s.list(Query::where("person", "school:s1", "name') OR 1=1 --", "x")).code() ==
          WX_INVALID_ARGUMENT);
    CHECK(s.list(Query::where("person", "school:s1", "role", json::array())).code() ==
          WX_INVALID_ARGUMENT);
    CHECK(s.last_seq() == expect_ok(s.changes_since(0, 0, {})).upto_seq);
    CHECK(expect_ok(s.get(zoe))["name"] == "Zoë B.");
  }
}

TEST_CASE("store contract: erasure deletes as its writer may, then purges a dossier whole") {
  const std::string engine = GENERATE(as<std::string>{}, "sqlite", "postgres");
  INFO(engine);
  ManualClockSource clock(test::kStartMillis);
  auto e = test::make_engine(engine, clock);
  server::DossierStore& s = e->store();
  auto [school, zoe] = school_with_pupil(s);
  const std::string bucket = "pupil:" + zoe;
  const Identity her = test::pupil_identity(zoe);
  json a = activity("Bakkerij");
  a["bucket"] = bucket;
  std::string first = expect_ok(s.put_as(her, a));
  a["title"] = "Garage";
  std::string second = expect_ok(s.put_as(her, a));
  Query everything;
  everything.bucket = bucket;
  everything.include_deleted = true;
  CHECK(expect_ok(s.count(everything)) == 2);

  const uint64_t before = s.last_seq();
  CHECK(s.remove_as(test::role_identity("supervisor", "pupil:someone-else"), first).code() ==
        WX_PERMISSION_DENIED);
  CHECK(s.last_seq() == before);
  expect_ok(s.remove_as(her, first));
  CHECK(s.last_seq() > before);  // a tombstone that syncs
  CHECK(expect_ok(s.get(first))["deleted"] == true);
  CHECK(s.remove_as(her, first).code() == WX_CONFLICT);
  CHECK(s.remove_as(her, "0190a000-0000-7000-8000-00000000dead").code() == WX_NOT_FOUND);
  CHECK(expect_ok(s.count(everything)) == 2);
  everything.include_deleted = false;
  CHECK(expect_ok(s.count(everything)) == 1);

  // A second connection that only reads sees what was committed, and writes nothing.
  auto reader = e->reader();
  CHECK(expect_ok(reader->get(second))["title"] == "Garage");
  CHECK(reader->last_seq() == s.last_seq());
  if (engine == "postgres")
    CHECK(reader->put({{"id", zoe}, {"name", "X"}}).code() == WX_PERMISSION_DENIED);

  expect_ok(s.purge_bucket(bucket));
  everything.include_deleted = true;
  CHECK(expect_ok(s.count(everything)) == 0);
  CHECK(expect_ok(s.bucket_seq(bucket)) == 0);
  CHECK(s.get(second).code() == WX_NOT_FOUND);
  CHECK(expect_ok(s.changes_since(0, 0, in_bucket(bucket))).changes.empty());
  CHECK(expect_ok(s.get(zoe))["name"] == "Zoë");  // the school's bucket is not touched
  expect_ok(s.remove_as({"server", "admin", "", "school:s1"}, zoe));
  CHECK(expect_ok(s.list(Query::where("person", "school:s1", "role", "pupil"))).empty());
}

TEST_CASE("store contract: a retried push changes nothing, a failed one leaves nothing") {
  const std::string engine = GENERATE(as<std::string>{}, "sqlite", "postgres");
  INFO(engine);
  ManualClockSource clock(test::kStartMillis);
  test::TempDir dir;
  auto e = test::make_engine(engine, clock);
  server::DossierStore& s = e->store();
  auto phone = test::open_replica(dir.file("phone.db"), clock, test::pupil_identity(kPupil));
  std::string a = expect_ok(phone->put(activity("Bakkerij")));
  expect_ok(phone->put({{"id", a}, {"competencies", {"netwerken", "werkexploratie"}}}));
  Bundle push = expect_ok(phone->changes_since(0, 0, {}));

  SECTION("a failing server write rolls the push back") {
    auto failed = s.apply_push(
        push, [](const ApplyReport&) -> Status { return make_error(WX_IO, "the disk is full"); });
    CHECK(failed.code() == WX_IO);
    CHECK(s.get(a).code() == WX_NOT_FOUND);
    CHECK(expect_ok(s.changes_since(0, 0, {})).changes.empty());
    CHECK(expect_ok(s.list(of_type("activity", kBucket))).empty());  // no placeholder left
  }
  SECTION("the same push twice: the second applies nothing and takes no cursor") {
    ApplyReport first = expect_ok(s.apply_push(push, {}));
    CHECK(first.applied == push.changes.size());
    const uint64_t seq = s.last_seq();
    ApplyReport again = expect_ok(s.apply_push(push, {}));
    CHECK(again.applied == 0);
    CHECK(again.unchanged == push.changes.size());
    CHECK(s.last_seq() == seq);
    CHECK(expect_ok(s.get(a)) == expect_ok(phone->get(a)));
  }
  SECTION("a change naming no valid entity is refused alone") {
    Bundle bad = push;
    Change broken = push.changes.front();
    broken.entity = "not-a-uuid";
    bad.changes.push_back(broken);
    ApplyReport r = expect_ok(s.apply_push(bad, {}));
    REQUIRE(r.rejected.size() == 1);
    CHECK(r.rejected.front().entity == "not-a-uuid");
    CHECK(r.applied == push.changes.size());
    CHECK(s.get("not-a-uuid").code() == WX_NOT_FOUND);
  }
}

TEST_CASE("store contract: random pushes and pulls merge to the same states on both engines") {
  ManualClockSource clock(test::kStartMillis);
  test::TempDir dir;
  auto sqlite = test::make_engine("sqlite", clock);
  auto pg = test::make_engine("postgres", clock);
  std::vector<server::DossierStore*> stores = {&sqlite->store(), &pg->store()};
  std::vector<std::unique_ptr<Replica>> phones;
  phones.push_back(test::open_replica(dir.file("phone.db"), clock, test::pupil_identity(kPupil)));
  phones.push_back(test::open_replica(dir.file("tablet.db"), clock, test::pupil_identity(kPupil)));
  phones.push_back(
      test::open_replica(dir.file("mentor.db"), clock, test::role_identity("teacher", kBucket)));
  std::mt19937 rng(GENERATE(take(3, random(1, 1000000))));
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  std::vector<std::string> ids;
  const char* competencies[] = {"netwerken", "werkexploratie", "motievenreflectie"};
  auto push_all = [&](Replica& phone) {
    Bundle b = expect_ok(phone.changes_since(0, 0, {}));
    std::shuffle(b.changes.begin(), b.changes.end(), rng);  // any order within a push
    ApplyReport r0 = expect_ok(stores[0]->apply_push(b, {}));
    ApplyReport r1 = expect_ok(stores[1]->apply_push(b, {}));
    CHECK(r0.applied == r1.applied);
    CHECK(r0.rejected.size() == r1.rejected.size());
  };
  for (int step = 0; step < 120; ++step) {
    clock.advance(pick(3) * 1000);
    Replica& phone = *phones[pick(phones.size())];
    switch (pick(6)) {
      case 0:
        ids.push_back(expect_ok(phone.put(activity("stap " + std::to_string(step)))));
        break;
      case 1:
      case 2:
        if (!ids.empty() && phone.get(ids[pick(ids.size())])) {
          std::string id = ids[pick(ids.size())];
          auto doc = phone.get(id);
          if (doc && !doc->value("deleted", false))
            (void)phone.put({{"id", id}, {"title", "titel " + std::to_string(step)}});
        }
        break;
      case 3:
        if (!ids.empty()) {
          std::string id = ids[pick(ids.size())];
          auto doc = phone.get(id);
          if (doc && !doc->value("deleted", false))
            (void)phone.put(
                {{"id", id},
                 {"competencies", {{pick(2) ? "add" : "remove", {competencies[pick(3)]}}}}});
        }
        break;
      case 4:
        push_all(phone);
        break;
      case 5: {
        server::DossierStore& from = *stores[pick(2)];
        expect_ok(phone.apply(expect_ok(from.changes_since(0, 0, in_bucket(kBucket)))));
        break;
      }
    }
  }
  for (auto& p : phones) push_all(*p);
  CHECK(states_of(*stores[0], kBucket) == states_of(*stores[1], kBucket));
  for (auto& p : phones)
    expect_ok(p->apply(expect_ok(stores[1]->changes_since(0, 0, in_bucket(kBucket)))));
  CHECK(expect_ok(phones[0]->dump()) == expect_ok(phones[1]->dump()));
  CHECK(expect_ok(phones[0]->dump()) == expect_ok(phones[2]->dump()));
}

TEST_CASE("store contract: two processes on one PostgreSQL database, server writes") {
  ManualClockSource clock_a(test::kStartMillis);
  ManualClockSource clock_b(test::kStartMillis - 60 * 60 * 1000);  // an hour behind
  test::PgEngine engine(clock_a);
  server::DossierStore& a = engine.store();
  auto b = engine.another_process(clock_b);
  CHECK(a.replica_id() != b->replica_id());
  std::string id =
      expect_ok(a.put({{"type", "school"}, {"bucket", "school:s1"}, {"name", "eerst"}}));
  auto stamp_of_name = [&]() {
    for (const Change& c : expect_ok(a.field_states(id)))
      if (c.field == "name") return c.state.stamp;
    FAIL("no name");
    return Stamp{};
  };
  const Stamp by_a = stamp_of_name();
  // B's clock is an hour behind A's, yet its later write wins: it has seen A's value. And it
  // is stamped above it, so it also wins against a write made concurrently with it (§5).
  expect_ok(b->put({{"id", id}, {"name", "daarna"}}));
  CHECK(expect_ok(a.get(id))["name"] == "daarna");
  const Stamp by_b = stamp_of_name();
  CHECK(by_b.replica == b->replica_id());
  CHECK(by_b.hlc > by_a.hlc);
  // Each process's pulls see the other's writes, with cursors from the one counter.
  Bundle seen_by_b = expect_ok(b->changes_since(0, 0, in_bucket("school:s1")));
  CHECK(seen_by_b.upto_seq == a.last_seq());
}

TEST_CASE("store contract: pushes through two processes at once merge as one store would") {
  ManualClockSource clock(test::kStartMillis);
  test::TempDir dir;
  test::PgEngine engine(clock);
  auto second = engine.another_process(clock);
  test::SqliteEngine reference(clock);
  // Two phones share five entries, then edit them offline, each push going through either
  // process while the other process takes the other phone's pushes.
  auto phone = test::open_replica(dir.file("phone.db"), clock, test::pupil_identity(kPupil));
  auto tablet = test::open_replica(dir.file("tablet.db"), clock, test::pupil_identity(kPupil));
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(expect_ok(phone->put(activity("e" + std::to_string(i)))));
  expect_ok(tablet->apply(expect_ok(phone->changes_since(0, 0, {}))));
  std::vector<Bundle> phone_pushes, tablet_pushes;
  for (int round = 0; round < 40; ++round) {
    clock.advance(1000);
    const std::string& id = ids[round % ids.size()];
    expect_ok(phone->put({{"id", id}, {"title", "telefoon " + std::to_string(round)}}));
    expect_ok(tablet->put({{"id", id},
                           {"title", "tablet " + std::to_string(round)},
                           {"competencies", {{"add", {"netwerken"}}}}}));
    phone_pushes.push_back(expect_ok(phone->changes_since(0, 0, {})));
    tablet_pushes.push_back(expect_ok(tablet->changes_since(0, 0, {})));
  }
  // Returns the first error that is not transient (a deadlock or serialization failure is: the
  // device would retry), or "". Catch2's checks stay on the test's own thread.
  auto run = [](server::DossierStore& s, const std::vector<Bundle>& pushes) -> std::string {
    for (const Bundle& b : pushes) {
      for (int attempt = 0;; ++attempt) {
        auto r = s.apply_push(b, {});
        if (r) break;
        if (r.code() != WX_UNAVAILABLE || attempt > 20) return r.error().to_string();
      }
    }
    return "";
  };
  std::string error1, error2;
  std::thread t1([&] { error1 = run(engine.store(), phone_pushes); });
  std::thread t2([&] { error2 = run(*second, tablet_pushes); });
  t1.join();
  t2.join();
  CHECK(error1 == "");
  CHECK(error2 == "");
  CHECK(run(reference.store(), phone_pushes) == "");
  CHECK(run(reference.store(), tablet_pushes) == "");
  CHECK(states_of(engine.store(), kBucket) == states_of(reference.store(), kBucket));
  CHECK(states_of(*second, kBucket) == states_of(reference.store(), kBucket));
}
