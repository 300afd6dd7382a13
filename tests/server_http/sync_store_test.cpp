// SyncService against the DossierStore interface (server/app/dossier_store.hpp): the service
// is given a store that forwards to SQLite's and records, or fails, what passes through it,
// so what the interface promises is checked where the service relies on it — a pull opens no
// transaction, a push is one apply_push stored whole or not at all, pages continue from the
// cursor the last one gave. A second engine (PostgreSQL, issue 15) runs the same tests.
#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "sync_world.hpp"

using namespace werkex;
using namespace werkex::sync_world;
using werkex::test::expect_ok;

namespace {

// A DossierStore that forwards every call to `inner`, keeps a log of the pushes and pages
// asked of it, and can fail a push after its server writes ran (inside the transaction).
class RecordingStore final : public server::DossierStore {
 public:
  struct Page {
    std::string bucket;
    uint64_t cursor = 0, upto = 0;
    size_t limit = 0;
  };

  explicit RecordingStore(server::DossierStore& inner) : inner_(inner) {}

  size_t pushes = 0;                    // apply_push calls (each one transaction)
  size_t units = 0;                     // together() calls
  bool fail_next_push = false;          // the next push fails once its server writes are done
  mutable bool fail_next_page = false;  // the next changes_since fails (after the push)
  mutable std::vector<Page> pages;      // changes_since is const: the log is not the store's state

  uint64_t replica_id() const override { return inner_.replica_id(); }
  const Schema& schema() const override { return inner_.schema(); }
  Result<json> get(const std::string& id) const override { return inner_.get(id); }
  Result<std::vector<Change>> field_states(const std::string& id) const override {
    return inner_.field_states(id);
  }
  Result<std::vector<json>> list(const Query& query) const override { return inner_.list(query); }
  Result<uint64_t> bucket_seq(const std::string& bucket) const override {
    return inner_.bucket_seq(bucket);
  }
  Status check_signoff_authority(const json& signoff) const override {
    return inner_.check_signoff_authority(signoff);
  }
  Result<Bundle> changes_since(uint64_t cursor, size_t limit,
                               const ChangeFilter& filter) const override {
    if (std::exchange(fail_next_page, false))
      return make_error(WX_IO, "disk I/O error (injected into a page read)");
    auto page = inner_.changes_since(cursor, limit, filter);
    if (page) pages.push_back({filter.bucket, cursor, page->upto_seq, limit});
    return page;
  }
  uint64_t last_seq() const override { return inner_.last_seq(); }

  Result<ApplyReport> apply_push(const Bundle& push, const ServerWrites& then) override {
    ++pushes;
    const bool fail = fail_next_push;
    fail_next_push = false;
    return inner_.apply_push(push, [&](const ApplyReport& applied) -> Status {
      if (then) WX_RETURN_IF_ERROR(then(applied));
      if (fail) return make_error(WX_IO, "disk I/O error (injected after the server's writes)");
      return Status::ok();
    });
  }
  Result<std::string> put(const json& doc) override { return inner_.put(doc); }
  Result<std::string> put_as(const Identity& writer, const json& doc) override {
    return inner_.put_as(writer, doc);
  }
  Result<std::string> create_as(const Identity& writer, const json& doc) override {
    return inner_.create_as(writer, doc);
  }
  Status remove_as(const Identity& writer, const std::string& id) override {
    return inner_.remove_as(writer, id);
  }
  Status purge_bucket(const std::string& bucket) override { return inner_.purge_bucket(bucket); }
  Status together(const std::function<Status()>& body) override {
    ++units;
    return inner_.together(body);
  }

 private:
  server::DossierStore& inner_;
};

SyncServer::Wrap recording() {
  return [](server::DossierStore& inner) { return std::make_unique<RecordingStore>(inner); };
}

RecordingStore& recorder(SyncServer& server) {
  return static_cast<RecordingStore&>(*server.wrapper);
}

size_t notes_held(SyncServer& server, const std::string& note) {
  return expect_ok(
             server.sqlite->list(Query::where("experience", "pupil:" + server.pupil, "note", note)))
      .size();
}

}  // namespace

TEST_CASE("sync store: a pull alone opens no transaction, a push is one apply_push",
          "[server][sync][store]") {
  SyncServer server(recording());
  RecordingStore& store = recorder(server);
  Phone phone(server, server.clock, "phone");

  phone.take(expect_answer(server.service->sync(phone.device, phone.request())));
  CHECK(store.pushes == 0);  // nothing to push: served on a full disk too

  phone.write_experience("Eerste dag");
  phone.write_experience("Tweede dag");
  const protocol::SyncRequest request = phone.request();
  protocol::SyncResponse first = expect_answer(server.service->sync(phone.device, request));
  CHECK(first.applied == request.push.changes.size());
  CHECK(store.pushes == 1);  // both experiences, every field, in one transaction

  // The same request again: all of it held already, so nothing is applied and no
  // transaction is opened.
  protocol::SyncResponse again = expect_answer(server.service->sync(phone.device, request));
  CHECK(again.unchanged == request.push.changes.size());
  CHECK(store.pushes == 1);
}

TEST_CASE("sync store: a push that fails inside its transaction is stored not at all",
          "[server][sync][store]") {
  SyncServer server(recording());
  RecordingStore& store = recorder(server);
  Phone phone(server, server.clock, "phone");
  const std::string first = phone.write_experience("Bij de bakker");
  const std::string second = phone.write_experience("Vroeg op");
  const protocol::SyncRequest request = phone.request();

  store.fail_next_push = true;  // after the service's own writes ran, before the commit
  server::SyncOutcome failed = server.service->sync(phone.device, request);
  REQUIRE_FALSE(failed.response);
  CHECK(failed.response.error().code == WX_IO);
  CHECK(store.pushes == 1);
  CHECK(notes_held(server, "Bij de bakker") == 0);
  auto gone = server.sqlite->get(second);
  REQUIRE_FALSE(gone);
  CHECK(gone.error().code == WX_NOT_FOUND);

  // The device sends the same request again (its push was never acknowledged): all of it.
  server.clock.advance(kMinute);
  protocol::SyncResponse stored = expect_answer(server.service->sync(phone.device, request));
  CHECK(stored.rejected.empty());
  CHECK(stored.applied == request.push.changes.size());
  CHECK(notes_held(server, "Bij de bakker") == 1);
  CHECK(expect_ok(server.sqlite->get(first))["note"] == "Bij de bakker");
  CHECK(expect_ok(server.sqlite->get(second))["note"] == "Vroeg op");
  CHECK(store.pushes == 2);
}

TEST_CASE("sync store: each page is asked for after the cursor the previous page gave",
          "[server][sync][store]") {
  SyncServer server(recording());
  RecordingStore& store = recorder(server);
  Phone writer(server, server.clock, "writer");
  for (int i = 0; i < 5; ++i) writer.write_experience("Dag " + std::to_string(i));
  writer.take(expect_answer(server.service->sync(writer.device, writer.request())));

  Phone reader(server, server.clock, "reader");
  const std::string own = "pupil:" + server.pupil;
  store.pages.clear();
  for (bool more = true; more;) {
    REQUIRE(store.pages.size() < 40);
    protocol::SyncResponse page =
        expect_answer(server.service->sync(reader.device, reader.request(2)));
    reader.take(page);
    more = page.more;
  }
  std::vector<RecordingStore::Page> mine;
  for (const RecordingStore::Page& p : store.pages)
    if (p.bucket == own) mine.push_back(p);
  REQUIRE(mine.size() >= 3);
  CHECK(mine.front().cursor == 0);
  for (size_t i = 0; i < mine.size(); ++i) {
    CHECK(mine[i].limit == 2);
    if (i > 0) CHECK(mine[i].cursor == mine[i - 1].upto);
  }
  CHECK(mine.back().upto <= store.last_seq());
}

TEST_CASE("sync store: a round trip is one unit - a page that fails leaves its push unstored",
          "[server][sync][store]") {
  SyncServer server(recording());
  RecordingStore& store = recorder(server);
  Phone phone(server, server.clock, "phone");
  const std::string entry = phone.write_experience("Op de bouwplaats");
  const protocol::SyncRequest request = phone.request();

  store.fail_next_page = true;  // the push is applied, then the first page read fails
  server::SyncOutcome failed = server.service->sync(phone.device, request);
  REQUIRE_FALSE(failed.response);
  CHECK(failed.response.error().code == WX_IO);
  CHECK(store.pushes == 1);
  CHECK(store.units == 1);
  // Nothing of the round trip is stored, and nothing of it is counted as applied or pulled.
  CHECK(notes_held(server, "Op de bouwplaats") == 0);
  CHECK(server.sqlite->get(entry).error().code == WX_NOT_FOUND);
  CHECK(server.metrics.render().find("\nwerkex_sync_changes_applied_total ") == std::string::npos);

  // The device was answered an error, so it sends the same request again: all of it lands.
  server.clock.advance(kMinute);
  protocol::SyncResponse stored = expect_answer(server.service->sync(phone.device, request));
  CHECK(stored.applied == request.push.changes.size());
  CHECK(notes_held(server, "Op de bouwplaats") == 1);
  CHECK(store.units == 2);
  CHECK(server.metrics.render().find("\nwerkex_sync_changes_applied_total " +
                                     std::to_string(request.push.changes.size())) !=
        std::string::npos);
}
