// SyncService (server/app/sync_service.hpp) driven in-process: a real dossier store and auth
// store on disk, devices as real Replicas, every time from a ManualClockSource — no HTTP, no
// server process, no sleeps (the world is sync_world.hpp).
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "sync_world.hpp"

using namespace werkex;
using namespace werkex::sync_world;
using werkex::test::expect_ok;

TEST_CASE("sync service: what one of a pupil's phones pushes reaches her other phone",
          "[server][sync]") {
  SyncServer server;
  Phone a(server, server.clock, "a");
  Phone b(server, server.clock, "b");
  const std::string id = a.write_experience("Eerste dag bij de garage");
  const std::string own = "pupil:" + server.pupil;

  protocol::SyncResponse pushed = expect_answer(server.service->sync(a.device, a.request()));
  CHECK(pushed.rejected.empty());
  CHECK(pushed.applied == a.request().push.changes.size());
  CHECK(pushed.server_clock_ms == server.clock.now_millis());
  CHECK(pushed.epoch == "epoch-1");
  // Its own writes do not come back to the phone that sent them (no echo).
  REQUIRE(pushed.buckets.count(own) == 1);
  CHECK(pushed.buckets.at(own).changes.changes.empty());
  a.take(pushed);

  server.clock.advance(kMinute);
  protocol::SyncResponse pulled = expect_answer(server.service->sync(b.device, b.request()));
  REQUIRE(pulled.buckets.count(own) == 1);
  CHECK_FALSE(pulled.buckets.at(own).changes.changes.empty());
  b.take(pulled);
  json doc = expect_ok(b.replica->get(id));
  CHECK(doc["note"] == "Eerste dag bij de garage");
  // Each page of her dossier a device read is in the access log.
  CHECK(expect_ok(server.auth->count_reads(own)) == 1);

  // Nothing new since: the next round trip leaves out the bucket the device follows.
  protocol::SyncResponse quiet = expect_answer(server.service->sync(b.device, b.request()));
  CHECK(quiet.buckets.empty());
  CHECK_FALSE(quiet.more);
}

TEST_CASE("sync service: a push stamped too far ahead is refused whole with the server's clock",
          "[server][sync]") {
  SyncServer server;
  ManualClockSource ahead{test::kStartMillis + 11 * kMinute};  // the limit is 10 minutes
  Phone phone(server, ahead, "ahead");
  phone.write_experience("Vandaag gewerkt");
  phone.write_experience("En morgen weer");

  server::SyncOutcome refused = server.service->sync(phone.device, phone.request());
  REQUIRE_FALSE(refused.response);
  const Error& e = refused.response.error();
  CHECK(e.code == WX_CLOCK_SKEW);
  CHECK(e.key == "clock_ahead");
  CHECK(refused.refused_at_server_clock_ms == server.clock.now_millis());
  // Nothing of the push was stored.
  CHECK(expect_ok(server.dossiers->list(Query::where("experience", "pupil:" + server.pupil, "note",
                                                     "Vandaag gewerkt")))
            .empty());
  CHECK(server.metrics.render().find("werkex_sync_changes_rejected_total{reason=\"clock_skew\"}") !=
        std::string::npos);

  // Once the server's clock has caught up, the same push is taken.
  server.clock.advance(2 * kMinute);
  protocol::SyncResponse taken = expect_answer(server.service->sync(phone.device, phone.request()));
  CHECK(taken.rejected.empty());
  CHECK(taken.applied > 0);
}

TEST_CASE("sync service: the same request again stores nothing new and counts it unchanged",
          "[server][sync]") {
  SyncServer server;
  Phone phone(server, server.clock, "phone");
  phone.write_experience("Stage gevonden");
  const protocol::SyncRequest request = phone.request();

  protocol::SyncResponse first = expect_answer(server.service->sync(phone.device, request));
  CHECK(first.applied == request.push.changes.size());
  CHECK(first.unchanged == 0);
  const uint64_t seq = server.dossiers->last_seq();

  // The answer was lost: the phone sends the very same request.
  server.clock.advance(kMinute);
  protocol::SyncResponse retried = expect_answer(server.service->sync(phone.device, request));
  CHECK(retried.applied == 0);
  CHECK(retried.unchanged == request.push.changes.size());
  CHECK(retried.rejected.empty());
  CHECK(retried.push_upto == first.push_upto);
  CHECK(server.dossiers->last_seq() == seq);
  CHECK(changes_in(retried) == changes_in(first));
}

TEST_CASE("sync service: a pull is paged by the request's limit until nothing is left",
          "[server][sync]") {
  SyncServer server;
  Phone writer(server, server.clock, "writer");
  std::set<std::string> written;
  for (int i = 0; i < 7; ++i) written.insert(writer.write_experience("Dag " + std::to_string(i)));
  writer.take(expect_answer(server.service->sync(writer.device, writer.request())));

  Phone reader(server, server.clock, "reader");
  const std::string own = "pupil:" + server.pupil;
  std::set<std::string> received;
  int pages = 0;
  for (bool more = true; more; ++pages) {
    REQUIRE(pages < 20);
    protocol::SyncResponse page =
        expect_answer(server.service->sync(reader.device, reader.request(2)));
    if (page.buckets.count(own)) {
      std::set<std::string> entities;
      for (const Change& c : page.buckets.at(own).changes.changes) entities.insert(c.entity);
      CHECK(entities.size() <= 2);  // the limit counts entity updates
      received.insert(entities.begin(), entities.end());
    }
    reader.take(page);
    more = page.more;
  }
  CHECK(pages >= 4);
  CHECK(received == written);
}

TEST_CASE("sync service: a phone a year ahead is corrected by its own SyncSession, in-process",
          "[server][sync]") {
  SyncServer server;
  const uint64_t year = 365ull * 24 * 3600 * 1000;
  ManualClockSource wrong{test::kStartMillis + year};
  Phone phone(server, wrong, "phone");
  expect_ok(phone.replica->set_setting("server", "http://loopback"));
  expect_ok(phone.replica->set_setting("token", "not checked by the loopback"));
  const std::string id = phone.write_experience("Een jaar te vroeg");

  Loopback transport(server, phone.device);
  SyncReport report = expect_ok(SyncSession(*phone.replica, transport).run());
  CHECK(report.rejected.empty());  // refused as skewed, re-stamped, accepted
  CHECK(phone.replica->clock().offset_millis() <= -int64_t(year));
  json held = expect_ok(server.dossiers->get(id));
  CHECK(held["note"] == "Een jaar te vroeg");
  CHECK(server.metrics.render().find("reason=\"clock_skew\"") != std::string::npos);
}

TEST_CASE("sync service: a comment pushed without an author is stored with the pusher as author",
          "[server][sync]") {
  // A raw push (an app not using the dossier layer) leaves the author out; the server fills
  // it in. It once wrote it as its own role, which may not write comments, and refused the
  // whole sync with 403 every time the phone tried again.
  SyncServer server;
  Phone a(server, server.clock, "a");
  const std::string exp = a.write_experience("Bij de bakker");
  const std::string comment =
      expect_ok(a.replica->put({{"type", "comment"}, {"on", exp}, {"body", "Mijn eigen reactie"}}));
  REQUIRE_FALSE(expect_ok(a.replica->get(comment)).contains("author"));

  protocol::SyncResponse pushed = expect_answer(server.service->sync(a.device, a.request()));
  CHECK(pushed.rejected.empty());
  json stored = expect_ok(server.dossiers->get(comment));
  CHECK(stored["author"] == a.device.person);
  CHECK(stored["body"] == "Mijn eigen reactie");
  // The author comes back to the phone (the server wrote it), and nothing else is refused.
  a.take(pushed);
  server.clock.advance(kMinute);
  a.take(expect_answer(server.service->sync(a.device, a.request())));
  CHECK(expect_ok(a.replica->get(comment))["author"] == a.device.person);
}
