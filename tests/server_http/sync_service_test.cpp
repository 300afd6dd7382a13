// SyncService (server/app/sync_service.hpp) driven in-process: a real dossier store and auth
// store on disk, devices as real Replicas, every time from a ManualClockSource — no HTTP, no
// server process, no sleeps.
#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>

#include "access_cache.hpp"
#include "auth_store.hpp"
#include "http/http_types.hpp"
#include "http/metrics.hpp"
#include "sync_service.hpp"
#include "test_support.hpp"
#include "werkex/clock.hpp"
#include "werkex/ids.hpp"
#include "werkex/sync_session.hpp"
#include "werkex/transport.hpp"

using namespace werkex;
using werkex::test::expect_ok;

namespace {

constexpr uint64_t kMinute = 60 * 1000;
constexpr uint64_t kMaxSkewMs = 10 * kMinute;

// A school with one pupil on a server made of a SyncService and the stores it writes.
struct SyncServer {
  test::TempDir dir;
  ManualClockSource clock{test::kStartMillis};
  std::unique_ptr<Replica> dossiers;
  std::unique_ptr<server::AuthStore> auth;
  server::AccessCache access;
  http::Metrics metrics;
  std::unique_ptr<server::SyncService> service;
  std::string pupil;

  SyncServer() {
    const Identity admin{"0190a000-0000-7000-8000-0000000000ad", "admin", "", "school:demo"};
    // As App::open opens it: the server's own skew limit, commits fsynced by GroupCommit.
    ReplicaOptions options;
    options.clock = &clock;
    options.max_clock_skew_ms = kMaxSkewMs;
    options.durable = false;
    dossiers = expect_ok(Replica::open(dir.file("dossiers.db"), options));
    expect_ok(dossiers->set_identity(admin));
    const std::string school =
        expect_ok(dossiers->put({{"type", "school"}, {"name", "Vmbo De Brug"}, {"brin", "12AB"}}));
    pupil = expect_ok(dossiers->put(
        {{"type", "person"}, {"name", "Sem"}, {"role", "pupil"}, {"school", school}}));
    // As App::open leaves it: the server writes as itself.
    expect_ok(dossiers->set_identity({"server", "admin", "", ""}));
    auth = expect_ok(server::AuthStore::open(dir.file("server.db")));
    server::SyncLimits limits;
    limits.max_clock_skew_ms = kMaxSkewMs;
    service = std::make_unique<server::SyncService>(*dossiers, *auth, access, metrics, clock,
                                                    limits, "epoch-1");
  }

  // A device enrolled for the pupil, as POST /v1/enroll leaves it in server.db.
  server::Device enroll(const Replica& device) {
    const uint64_t now = clock.now_millis();
    std::string code = expect_ok(auth->create_invite(pupil, 24, now));
    auto [token, person] =
        expect_ok(auth->redeem_invite(code, replica_to_hex(device.replica_id()), now));
    return expect_ok(auth->authenticate(token, now, 24 * 60 * kMinute));
  }
};

// One of the pupil's devices, with the progress a SyncSession would keep.
struct Phone {
  std::unique_ptr<Replica> replica;
  server::Device device;
  std::map<std::string, uint64_t> cursors;
  std::map<std::string, std::string> views;
  uint64_t pushed_upto = 0;

  Phone(SyncServer& server, ClockSource& clock, const std::string& name) {
    replica = test::open_replica(server.dir.file(name + ".db"), clock,
                                 test::pupil_identity(server.pupil));
    device = server.enroll(*replica);
  }

  // The request SyncSession::next_request would make: what was written here since the last
  // acknowledged push, and the cursors of what was pulled.
  protocol::SyncRequest request(size_t limit = 0) {
    protocol::SyncRequest r;
    r.replica = replica->replica_id();
    r.device_clock_ms = replica->clock().physical_millis();
    r.schema_version = replica->schema().version();
    r.cursors = cursors;
    r.views = views;
    r.limit = limit;
    ChangeFilter mine;
    mine.skip_from_server = true;
    r.push = expect_ok(replica->changes_since(pushed_upto, 0, mine));
    return r;
  }

  // Takes an answer as SyncSession does: the push acknowledged, each page stored.
  void take(const protocol::SyncResponse& answer) {
    pushed_upto = answer.push_upto;
    ApplyOptions from_server;
    from_server.from_server = true;
    for (const auto& [bucket, pull] : answer.buckets) {
      ApplyReport applied = expect_ok(replica->apply(pull.changes, from_server));
      CHECK(applied.rejected.empty());
      cursors[bucket] = pull.cursor;
      if (!pull.view.empty()) views[bucket] = pull.view;
    }
  }

  std::string write_experience(const std::string& note) {
    return expect_ok(replica->put(
        {{"type", "experience"}, {"occurred_at", "2026-11-27T10:00:00Z"}, {"note", note}}));
  }
};

// POST /v1/sync in-process: the body decoded, served by the service and encoded as
// App::handle_sync does (the refusal's server_clock included), so the device's own
// SyncSession runs against the service without a server process.
class Loopback final : public Transport {
 public:
  Loopback(SyncServer& server, server::Device device)
      : server_(server), device_(std::move(device)) {}

  Result<HttpResponse> send(const HttpRequest& request) override {
    REQUIRE(request.url == "http://loopback/v1/sync");
    auto decoded = protocol::sync_request_from_json(json::parse(request.body));
    REQUIRE(decoded);
    server::SyncOutcome outcome = server_.service->sync(device_, *decoded);
    if (outcome.response) return answer(200, protocol::to_json(*outcome.response));
    json body = http::error_body(outcome.response.error());
    if (outcome.refused_at_server_clock_ms)
      body["error"]["server_clock"] = outcome.refused_at_server_clock_ms;
    return answer(int(http::http_status_for(outcome.response.error().code)), body);
  }

 private:
  static HttpResponse answer(int status, const json& body) {
    return HttpResponse{status, {{"Content-Type", "application/json"}}, body.dump()};
  }
  SyncServer& server_;
  server::Device device_;
};

protocol::SyncResponse expect_answer(server::SyncOutcome outcome) {
  if (!outcome.response) FAIL(outcome.response.error().to_string());
  CHECK(outcome.refused_at_server_clock_ms == 0);
  return std::move(outcome.response).value();
}

size_t changes_in(const protocol::SyncResponse& answer) {
  size_t n = 0;
  for (const auto& [bucket, pull] : answer.buckets) n += pull.changes.changes.size();
  return n;
}

}  // namespace

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
