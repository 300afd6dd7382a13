// Device identity and the view digest (issue 10 items 9 and 6), from the attacker's side,
// through the real server. The demo school: Ans Bakker supervises Sem (placement running)
// and Aisha (placement ended 60 days ago).
#include <filesystem>

#include "signoff_support.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

std::string code_of(const HttpResponse& r) {
  json j = json::parse(r.body, nullptr, false);
  return j.is_object() && j["error"].is_object() ? j["error"].value("code", "") : "";
}

// A replica that holds nothing yet, closed so that its file can be copied.
void make_fresh_replica(const std::string& path) {
  auto r = expect_ok(Replica::open(path));
}

std::unique_ptr<Replica> open_at(const std::string& path, const std::string& url) {
  auto r = expect_ok(Replica::open(path));
  expect_ok(r->set_setting("server", url));
  return r;
}

}  // namespace

TEST_CASE("identity: a replica id enrolled for one person is refused to another (409)",
          "[integration][access][identity]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  const std::string sem_replica = replica_to_hex(sem.replica->replica_id());

  // Aisha's code with Sem's replica id: refused, and her code is not used up by it.
  HttpResponse stolen =
      raw_request(server.url(), "/v1/enroll",
                  json{{"code", server.code("Aisha")}, {"replica", sem_replica}}.dump(), "");
  CHECK(stolen.status == 409);
  CHECK(code_of(stolen) == "conflict");
  CHECK_THAT(stolen.body, Catch::Contains("already enrolled for another person"));
  Device aisha(dir.file("aisha.db"), server.url(), server.code("Aisha"));
  CHECK(aisha.replica->replica_id() != sem.replica->replica_id());
  sem.sync();  // Sem's device and token are untouched
  aisha.sync();

  // Two fresh installs from one copied database: the second takes a fresh id and enrols.
  make_fresh_replica(dir.file("a.db"));
  std::filesystem::copy_file(dir.file("a.db"), dir.file("b.db"));
  auto a = open_at(dir.file("a.db"), server.url());
  auto b = open_at(dir.file("b.db"), server.url());
  REQUIRE(a->replica_id() == b->replica_id());
  CurlTransport net(quick_curl());
  expect_ok(SyncSession(*a, net).enroll(server.code("Noah")));
  expect_ok(SyncSession(*b, net).enroll(server.code("Mevrouw Jansen")));
  CHECK(a->replica_id() != b->replica_id());
  expect_ok(SyncSession(*a, net).run());
  expect_ok(SyncSession(*b, net).run());

  // A copy of a device that holds changes cannot take another id: the conflict is reported
  // and the code stays usable.
  sem.replica.reset();
  std::filesystem::copy_file(dir.file("sem.db"), dir.file("copy.db"));
  auto copy = open_at(dir.file("copy.db"), server.url());
  const std::string code = admin(data, "invite " + aisha.user());
  Status refused = SyncSession(*copy, net).enroll(code);
  REQUIRE_FALSE(refused);
  CHECK(refused.code() == WX_CONFLICT);
  Device aisha2(dir.file("aisha2.db"), server.url(), code);
  aisha2.sync();

  // The same person enrolling the same device again replaces its earlier token.
  const std::string old_token = expect_ok(aisha.replica->setting("token")).value();
  expect_ok(SyncSession(*aisha.replica, aisha.transport)
                .enroll(admin(data, "invite " + aisha.user())));
  CHECK(raw_request(server.url(), "/v1/sync", "{}", old_token).status == 401);
  aisha.sync();
}

TEST_CASE("view: a supervisor's new device makes no pupil pull the school bucket again",
          "[integration][access][view]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  Device ans(dir.file("ans.db"), server.url(), server.code("Ans Bakker"));
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device aisha(dir.file("aisha.db"), server.url(), server.code("Aisha"));
  for (Device* d : {&sem, &aisha}) d->sync();
  const std::string sem_view = setting_of(sem, "sync.views");
  const std::string aisha_view = setting_of(aisha, "sync.views");

  Device ans2(dir.file("ans2.db"), server.url(), admin(data, "invite " + ans.user()));
  const std::string key_id = setting_of(ans2, "signing.key_id");
  REQUIRE(key_id != setting_of(ans, "signing.key_id"));
  for (Device* d : {&sem, &aisha}) {
    SyncReport r = d->sync();
    // Only the new key's fields, not the school view again from 0.
    CHECK(r.pulled <= 6);
    CHECK(expect_ok(d->replica->list(Query::where("signing_key", "", "key_id", key_id))).size() ==
          1);
  }
  CHECK(setting_of(sem, "sync.views") == sem_view);
  CHECK(setting_of(aisha, "sync.views") == aisha_view);
}
