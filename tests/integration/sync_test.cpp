#include "blob_client.hpp"
#include "devices.hpp"
#include "werkex/dossier.hpp"
#include "werkex/protocol.hpp"

using namespace werkex;
using namespace werkex::test;

TEST_CASE("sync: a pupil's three devices, their mentor and supervisor converge through the server",
          "[integration][sync][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  Device phone(dir.file("sem-phone.db"), server.url(), server.code("Sem"));
  const std::string sem = phone.user();
  const std::string bucket = "pupil:" + sem;
  Device tablet(dir.file("sem-tablet.db"), server.url(), admin(data, "invite " + sem));
  Device laptop(dir.file("sem-laptop.db"), server.url(), admin(data, "invite " + sem));
  Device mentor(dir.file("mentor.db"), server.url(), server.code("Mevrouw Jansen"));
  Device supervisor(dir.file("ans.db"), server.url(), server.code("Ans Bakker"));
  std::vector<Device*> all = {&phone, &tablet, &laptop, &mentor, &supervisor};

  ActivityPlan plan;
  plan.kind = "snuffelstage";
  plan.title = "Bistro Noord";
  plan.extra = at_placement(phone);  // what the supervisor sees of the dossier
  std::string act = expect_ok(Dossier(*phone.replica).plan_activity(plan));
  phone.sync();
  for (Device* d : all) d->sync();

  std::mt19937_64 rng(std::random_device{}());
  INFO("sync order seed varies per run");
  std::vector<std::string> experiences;
  for (int round = 0; round < 6; ++round) {
    // Offline edits on every device, then syncs in a random order.
    for (Device* d : {&phone, &tablet, &laptop}) {
      ExperienceDraft e;
      e.activity = act;
      e.note = "ronde " + std::to_string(round);
      experiences.push_back(expect_ok(Dossier(*d->replica).record_experience(e)));
      expect_ok(d->replica->put({{"id", act}, {"title", "titel " + std::to_string(rng() % 1000)}}));
      expect_ok(d->replica->put({{"id", act}, {"competencies", {{"add", {"werkexploratie"}}}}}));
    }
    expect_ok(
        tablet.replica->put({{"id", act}, {"competencies", {{"remove", {"werkexploratie"}}}}}));
    if (auto known = mentor.replica->get(act); known)
      expect_ok(
          Dossier(*mentor.replica).comment(act, "Goed bezig, ronde " + std::to_string(round)));
    if (auto known = supervisor.replica->get(act); known)
      expect_ok(Dossier(*supervisor.replica).comment(act, "Op tijd en netjes"));
    std::vector<Device*> order = all;
    std::shuffle(order.begin(), order.end(), rng);
    for (Device* d : order) {
      SyncReport r = d->sync();
      REQUIRE(r.rejected.empty());
    }
  }
  for (int pass = 0; pass < 2; ++pass)
    for (Device* d : all) d->sync();
  std::string expected = phone.bucket_dump(bucket);
  CHECK(json::parse(expected).size() > 20);
  for (Device* d : all) REQUIRE(d->bucket_dump(bucket) == expected);
  json doc = expect_ok(mentor.replica->get(act));
  CHECK(doc["type"] == "activity");
  // The mentor's reads of Sem's dossier are in the access log.
  CHECK(std::stoul(admin(data, "reads " + bucket)) > 0);
}

TEST_CASE("sync: the server killed mid-way and restarted loses nothing accepted",
          "[integration][faults][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  auto server = std::make_unique<ServerProcess>(data);
  Device phone(dir.file("phone.db"), server->url(), server->code("Sem"));
  std::string url = server->url();
  ActivityPlan plan;
  plan.kind = "interview";
  std::string act = expect_ok(Dossier(*phone.replica).plan_activity(plan));
  phone.sync();
  for (int i = 0; i < 50; ++i) {
    ExperienceDraft e;
    e.activity = act;
    e.note = "notitie " + std::to_string(i);
    expect_ok(Dossier(*phone.replica).record_experience(e));
  }
  server->stop(SIGKILL);
  auto offline = phone.try_sync();
  REQUIRE_FALSE(offline);
  CHECK(offline.error().code == WX_UNAVAILABLE);
  // Same port, same data: the device's queued changes go up on the next sync.
  server = std::make_unique<ServerProcess>(data, url.substr(url.rfind('/') + 1));
  phone.sync();
  Device tablet(dir.file("tablet.db"), server->url(), admin(data, "invite " + phone.user()));
  tablet.sync();
  CHECK(tablet.bucket_dump("pupil:" + phone.user()) == phone.bucket_dump("pupil:" + phone.user()));
  Query q;
  q.type = "experience";
  CHECK(expect_ok(tablet.replica->count(q)) == 50);
}

TEST_CASE("sync: a phone whose clock is a year ahead is corrected and cannot win every conflict",
          "[integration][clock][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  SystemClockSource real;
  const uint64_t year = 365ull * 24 * 3600 * 1000;
  ManualClockSource wrong(real.now_millis() + year);
  Device phone(dir.file("phone.db"), server.url(), server.code("Sem"), &wrong);
  ActivityPlan plan;
  plan.kind = "meeloopdag";
  plan.title = "van de telefoon";
  std::string act = expect_ok(Dossier(*phone.replica).plan_activity(plan));
  SyncReport first = phone.sync();  // refused as skewed, re-stamped, accepted
  CHECK(first.rejected.empty());
  CHECK(phone.replica->clock().offset_millis() < -int64_t(year) + 60000);

  Device tablet(dir.file("tablet.db"), server.url(), admin(data, "invite " + phone.user()));
  tablet.sync();
  REQUIRE(expect_ok(tablet.replica->get(act))["title"] == "van de telefoon");
  // The tablet's later edit wins: the phone's stamps are no longer a year ahead.
  expect_ok(tablet.replica->put({{"id", act}, {"title", "van de tablet"}}));
  tablet.sync();
  phone.sync();
  CHECK(expect_ok(phone.replica->get(act))["title"] == "van de tablet");
  CHECK(phone.bucket_dump("pupil:" + phone.user()) == tablet.bucket_dump("pupil:" + phone.user()));
}

TEST_CASE(
    "sync: a push stamped too far ahead is answered 409 with its key, arguments and the "
    "server's clock",
    "[integration][clock][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  SystemClockSource real;
  ManualClockSource ahead(real.now_millis() + 3600 * 1000);  // the server allows 10 minutes
  Device phone(dir.file("phone.db"), server.url(), server.code("Sem"), &ahead);
  ActivityPlan plan;
  plan.kind = "meeloopdag";
  plan.title = "te vroeg";
  std::string act = expect_ok(Dossier(*phone.replica).plan_activity(plan));
  protocol::SyncRequest req;
  req.replica = phone.replica->replica_id();
  req.device_clock_ms = ahead.now_millis();
  req.schema_version = phone.replica->schema().version();
  req.push = expect_ok(phone.replica->changes_since(0));
  const uint64_t before = real.now_millis();
  HttpResponse r = expect_ok(phone.transport.send(
      {"POST",
       server.url() + "/v1/sync",
       {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token_of(phone)}},
       protocol::to_json(req).dump()}));
  const uint64_t after = real.now_millis();
  REQUIRE(r.status == 409);
  json e = json::parse(r.body)["error"];
  CHECK(e["code"] == "clock_skew");
  CHECK(e["key"] == "clock_ahead");
  CHECK(e["message"].get<std::string>().find("ahead") != std::string::npos);
  CHECK(e["args"]["id"] == act);
  CHECK(e["args"]["field"].is_string());
  CHECK(e["args"]["allowed"] == "600");
  const uint64_t ahead_s = std::stoull(e["args"]["ahead"].get<std::string>());
  CHECK((ahead_s > 3500 && ahead_s <= 3600));
  CHECK(
      (e["server_clock"].get<uint64_t>() >= before && e["server_clock"].get<uint64_t>() <= after));
  CHECK(e.size() == 5);  // code, key, message, args, server_clock: nothing else
}

TEST_CASE("sync: a device's own pushed changes are not sent back to it",
          "[integration][sync][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  Device phone(dir.file("phone.db"), server.url(), server.code("Sem"));
  Device tablet(dir.file("tablet.db"), server.url(), admin(data, "invite " + phone.user()));
  phone.sync();
  tablet.sync();
  ActivityPlan plan;
  plan.kind = "interview";
  std::string act = expect_ok(Dossier(*phone.replica).plan_activity(plan));
  SyncReport own = phone.sync();
  CHECK(own.pushed > 0);
  CHECK(own.pulled == 0);
  CHECK(tablet.sync().pulled > 0);
  // A concurrent edit by another device of the same field does come back, merged.
  expect_ok(tablet.replica->put({{"id", act}, {"competencies", {{"add", {"netwerken"}}}}}));
  tablet.sync();
  expect_ok(phone.replica->put({{"id", act}, {"competencies", {{"add", {"motievenreflectie"}}}}}));
  SyncReport merged = phone.sync();
  CHECK(merged.pulled > 0);
  tablet.sync();
  CHECK(phone.bucket_dump("pupil:" + phone.user()) == tablet.bucket_dump("pupil:" + phone.user()));
  CHECK(expect_ok(phone.replica->get(act))["competencies"].size() == 2);
}
