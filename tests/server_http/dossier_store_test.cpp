// What DossierStore (server/app/dossier_store.hpp) promises, checked on SQLite's engine
// directly, without the service: the invariants SyncService and AccessCache rely on, written
// against the interface so the PostgreSQL engine (issue 15) runs the same checks.
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "sync_world.hpp"

using namespace werkex;
using namespace werkex::sync_world;
using werkex::test::expect_ok;

TEST_CASE("dossier store: a push is merged once, and the same push again changes nothing",
          "[server][store]") {
  SyncServer server;
  server::DossierStore& store = *server.sqlite;
  Phone phone(server, server.clock, "phone");
  const std::string id = phone.write_experience("Op de bouwplaats");
  const Bundle push = phone.request().push;

  ApplyReport first = expect_ok(store.apply_push(push, {}));
  CHECK(first.applied == push.changes.size());
  CHECK(first.rejected.empty());
  const uint64_t seq = store.last_seq();
  json doc = expect_ok(store.get(id));
  CHECK(doc["note"] == "Op de bouwplaats");
  CHECK(doc["bucket"] == "pupil:" + server.pupil);
  CHECK(expect_ok(store.field_states(id)).size() >= 2);

  ApplyReport again = expect_ok(store.apply_push(push, {}));
  CHECK(again.applied == 0);
  CHECK(again.unchanged == push.changes.size());
  CHECK(store.last_seq() == seq);
}

TEST_CASE("dossier store: when the server writes fail, the push goes with them",
          "[server][store]") {
  SyncServer server;
  server::DossierStore& store = *server.sqlite;
  Phone phone(server, server.clock, "phone");
  const std::string id = phone.write_experience("Mislukt");
  auto failed = store.apply_push(phone.request().push, [&](const ApplyReport& applied) -> Status {
    CHECK(applied.applied > 0);
    // Inside the transaction: the push is visible, and the server writes beside it.
    CHECK(expect_ok(store.get(id))["note"] == "Mislukt");
    CHECK(expect_ok(store.put({{"id", server.pupil}, {"name", "Sem de Vries"}})) == server.pupil);
    return make_error(WX_IO, "disk full");
  });
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code == WX_IO);
  auto gone = store.get(id);
  REQUIRE_FALSE(gone);
  CHECK(gone.error().code == WX_NOT_FOUND);
  CHECK(expect_ok(store.get(server.pupil))["name"] == "Sem");
}

TEST_CASE("dossier store: bucket_seq moves with every write to that bucket only",
          "[server][store]") {
  SyncServer server;
  server::DossierStore& store = *server.sqlite;
  const std::string own = "pupil:" + server.pupil;
  const std::string school = expect_ok(store.get(server.pupil))["bucket"];
  const uint64_t school_before = expect_ok(store.bucket_seq(school));
  CHECK(school_before > 0);
  CHECK(expect_ok(store.bucket_seq(own)) == 0);  // nothing in it yet

  Phone phone(server, server.clock, "phone");
  phone.write_experience("Eerste");
  expect_ok(store.apply_push(phone.request().push, {}));
  const uint64_t own_after = expect_ok(store.bucket_seq(own));
  CHECK(own_after > 0);
  CHECK(expect_ok(store.bucket_seq(school)) == school_before);

  // A write by the server to the school bucket moves that bucket's seq, not the dossier's.
  expect_ok(store.put({{"id", server.pupil}, {"name", "Sem de Vries"}}));
  CHECK(expect_ok(store.bucket_seq(school)) > school_before);
  CHECK(expect_ok(store.bucket_seq(own)) == own_after);
  auto people = expect_ok(store.list(Query::where("person", school, "role", "pupil")));
  REQUIRE(people.size() == 1);
  CHECK(people.front()["name"] == "Sem de Vries");
}

TEST_CASE("dossier store: pages of a bucket after a cursor hold every change exactly once",
          "[server][store]") {
  SyncServer server;
  server::DossierStore& store = *server.sqlite;
  const std::string own = "pupil:" + server.pupil;
  Phone phone(server, server.clock, "phone");
  std::set<std::string> written;
  for (int i = 0; i < 7; ++i) written.insert(phone.write_experience("Dag " + std::to_string(i)));
  expect_ok(store.apply_push(phone.request().push, {}));

  ChangeFilter filter;
  filter.bucket = own;
  std::set<std::string> seen;
  size_t changes = 0;
  uint64_t cursor = 0;
  for (int pages = 0;; ++pages) {
    REQUIRE(pages < 20);
    Bundle page = expect_ok(store.changes_since(cursor, 3, filter));
    std::set<std::string> entities;
    for (const Change& c : page.changes) {
      CHECK(c.bucket == own);
      entities.insert(c.entity);
    }
    CHECK(entities.size() <= 3);
    seen.insert(entities.begin(), entities.end());
    changes += page.changes.size();
    CHECK(page.upto_seq >= cursor);
    cursor = page.upto_seq;
    if (cursor >= store.last_seq()) break;
  }
  CHECK(seen == written);
  CHECK(changes == expect_ok(store.changes_since(0, 0, filter)).changes.size());
}
