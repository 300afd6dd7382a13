// The in-process sync world of the SyncService tests (sync_service_test.cpp,
// sync_store_test.cpp): a server made of a SyncService and the stores it writes, phones as
// real Replicas enrolled in its auth store, and a loopback Transport so a device's own
// SyncSession runs against the service. Every time comes from a ManualClockSource.
#pragma once

#include <catch2/catch.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "access_cache.hpp"
#include "auth_store_sqlite.hpp"
#include "dossier_store_sqlite.hpp"
#include "http/http_types.hpp"
#include "http/metrics.hpp"
#include "sync_service.hpp"
#include "test_support.hpp"
#include "werkex/clock.hpp"
#include "werkex/ids.hpp"
#include "werkex/sync_session.hpp"
#include "werkex/transport.hpp"

namespace werkex::sync_world {

using test::expect_ok;

inline constexpr uint64_t kMinute = 60 * 1000;
inline constexpr uint64_t kMaxSkewMs = 10 * kMinute;

// A school with one pupil on a server made of a SyncService and the stores it writes. The
// service reads and writes the dossiers through the DossierStore interface: SQLite's over
// `dossiers`, or what `wrap` puts between the two (a test's recording or failing store).
struct SyncServer {
  using Wrap = std::function<std::unique_ptr<server::DossierStore>(server::DossierStore&)>;

  test::TempDir dir;
  ManualClockSource clock{test::kStartMillis};
  std::unique_ptr<Replica> dossiers;
  std::unique_ptr<server::SqliteDossierStore> sqlite;  // over `dossiers`
  std::unique_ptr<server::DossierStore> wrapper;       // over `sqlite`, when wrapped
  std::unique_ptr<server::AuthStore> auth;
  server::AccessCache access;
  http::Metrics metrics;
  std::unique_ptr<server::SyncService> service;
  std::string pupil;

  explicit SyncServer(const Wrap& wrap = {}) {
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
    auth = expect_ok(server::SqliteAuthStore::open(dir.file("server.db")));
    server::SyncLimits limits;
    limits.max_clock_skew_ms = kMaxSkewMs;
    sqlite = std::make_unique<server::SqliteDossierStore>(*dossiers);
    if (wrap) wrapper = wrap(*sqlite);
    server::DossierStore& store = wrapper ? *wrapper : *sqlite;
    service = std::make_unique<server::SyncService>(store, *auth, access, metrics, clock, limits,
                                                    "epoch-1");
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

inline protocol::SyncResponse expect_answer(server::SyncOutcome outcome) {
  if (!outcome.response) FAIL(outcome.response.error().to_string());
  CHECK(outcome.refused_at_server_clock_ms == 0);
  return std::move(outcome.response).value();
}

inline size_t changes_in(const protocol::SyncResponse& answer) {
  size_t n = 0;
  for (const auto& [bucket, pull] : answer.buckets) n += pull.changes.changes.size();
  return n;
}

}  // namespace werkex::sync_world
