// Device identity, the view digest and access after a placement ends (issue 10 items 9, 6
// and 12), from the attacker's side, through the real server. The demo school: Ans Bakker
// supervises Sem (placement running) and Aisha (placement ended 60 days ago).
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

std::string yesterday_on(Device& d) {
  return rfc3339_utc(d.replica->clock().physical_millis() - 86400000ull).substr(0, 10);
}

}  // namespace

TEST_CASE("identity: a replica id enrolled for one person is refused to another (409)",
          "[integration][access][identity][pg]") {
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
  expect_ok(
      SyncSession(*aisha.replica, aisha.transport).enroll(admin(data, "invite " + aisha.user())));
  CHECK(raw_request(server.url(), "/v1/sync", "{}", old_token).status == 401);
  aisha.sync();
}

TEST_CASE("view: a supervisor's new device makes no pupil pull the school bucket again",
          "[integration][access][view][pg]") {
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

TEST_CASE(
    "grace: after a placement ended early the supervisor gets only its days' entries, signs only "
    "its days, and her earlier sign-offs stay valid",
    "[integration][access][grace][signoff][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device ans(dir.file("ans.db"), server.url(), server.code("Ans Bakker"));
  Device mentor(dir.file("mentor.db"), server.url(), server.code("Mevrouw Jansen"));
  Device counsellor(dir.file("devries.db"), server.url(), server.code("Meneer De Vries"));
  std::string exp = record_experience(sem, "Eerste dag in de keuken");
  sem.sync();
  ans.sync();
  Statement st;
  st.date = today_on(ans);
  std::string genuine = expect_ok(Signoffs(*ans.replica).sign({exp}, st));
  CHECK(ans.sync().rejected.empty());

  // The counsellor ends the placement early: yesterday was its last day.
  counsellor.sync();
  const std::string placement = placement_of(counsellor, sem.user());
  const std::string last_day = yesterday_on(counsellor);
  expect_ok(counsellor.replica->put({{"id", placement}, {"end_date", last_day}}));
  counsellor.sync();

  // Sem writes a complaint today, and, late, an experience of a placement day.
  const std::string activity = expect_ok(sem.replica->get(exp))["activity"];
  ExperienceDraft complaint;
  complaint.activity = activity;
  complaint.note = "Klacht: mijn begeleider schreeuwde tegen mij";
  std::string complaint_id = expect_ok(Dossier(*sem.replica).record_experience(complaint));
  ExperienceDraft late;
  late.activity = activity;
  late.occurred_at = last_day + "T10:00:00Z";
  late.note = "Laatste dag: afwas en opruimen";
  std::string late_id = expect_ok(Dossier(*sem.replica).record_experience(late));
  sem.sync();
  ans.sync();
  CHECK(ans.replica->get(late_id));
  CHECK(ans.replica->get(complaint_id).error().code == WX_NOT_FOUND);
  mentor.sync();
  CHECK(mentor.replica->get(complaint_id));  // only the ended placement's supervisor is held back

  // She may sign the last day, not a day after it: from her phone or as by QR, alike.
  Statement on_last_day;
  on_last_day.date = last_day;
  std::string ok = expect_ok(Signoffs(*ans.replica).sign({late_id}, on_last_day));
  CHECK(ans.sync().rejected.empty());
  json after =
      signed_signoff(sem, placement, {late_id}, ans.user(), setting_of(ans, "signing.key_id"),
                     setting_of(ans, "signing.secret_key"));
  smuggle(ans, after);
  CHECK_THAT(refusal_of(ans.sync(), after["id"]), Catch::Contains("is outside placement"));
  after["id"] = new_uuid_v7(sem.replica->clock().physical_millis());
  after["signature"] =
      expect_ok(sign_message(setting_of(ans, "signing.secret_key"), signoff_message(after)));
  smuggle(sem, after);
  CHECK_THAT(refusal_of(sem.sync(), after["id"]), Catch::Contains("is outside placement"));

  // Clearing the supervisor does not turn her genuine sign-offs invalid anywhere.
  expect_ok(counsellor.replica->put({{"id", placement}, {"supervisor", nullptr}}));
  counsellor.sync();
  for (Device* d : {&sem, &mentor}) {
    d->sync();
    CHECK(state_on(*d, genuine) == "valid");
    CHECK(state_on(*d, ok) == "valid");
  }
}
