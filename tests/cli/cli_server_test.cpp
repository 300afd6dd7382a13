// The device CLI against the real werkex-server process: a phone whose clock runs ahead
// (told with --now) has its stamps refused, re-stamped from the server's time and accepted;
// a change the server refuses is quarantined with whose it was, retried, refused again and
// dropped.
#include <catch2/catch.hpp>

#include <chrono>
#include <set>

#include "process.hpp"
#include "server_process.hpp"

using nlohmann::json;
using werkex::test::Device;
using werkex::test::expect_failure;
using werkex::test::ServerProcess;

namespace {

constexpr int kNotFound = 12;

// A device run through the CLI with `--now` in front of every command when `now` is set.
struct CliPhone {
  Device device;
  std::string now;
  std::vector<std::string> args(std::vector<std::string> a) const {
    if (!now.empty()) a.insert(a.begin(), {"--now", now});
    return a;
  }
  std::string ok(const std::vector<std::string>& a) const { return device.ok(args(a)); }
  json ok_json(const std::vector<std::string>& a) const { return device.ok_json(args(a)); }
};

CliPhone enrolled(const std::string& db, const ServerProcess& server, const std::string& who,
                  std::string now = "") {
  CliPhone p{Device(db), std::move(now)};
  p.ok({"init", "--server", server.url()});
  p.ok_json({"enroll", server.code(who)});
  return p;
}

uint64_t wall_millis() {
  using namespace std::chrono;
  return static_cast<uint64_t>(
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

}  // namespace

TEST_CASE("cli server: a phone clock two hours ahead is re-stamped and its changes accepted",
          "[cli][server][clock]") {
  werkex::test::TempDir dir;
  ServerProcess server(dir.file("server"));
  const int64_t ahead_ms = 2 * 3600 * 1000;
  CliPhone sem =
      enrolled(dir.file("sem.db"), server, "Sem", std::to_string(wall_millis() + ahead_ms));
  CliPhone mentor = enrolled(dir.file("mentor.db"), server, "Mevrouw Jansen");

  std::string act = sem.ok({"activity", "--kind", "snuffelstage", "--title", "vooruit"});
  // The server refuses stamps 2 h ahead (max_clock_skew_s 600); the session takes the
  // server's time, re-stamps what it never shared and pushes it again.
  json report = sem.ok_json({"sync"});
  CHECK(report["rejected"] == json::array());
  CHECK(report["pushed"].get<int>() >= 1);
  CHECK(report["clock_offset_ms"].get<int64_t>() < -ahead_ms / 2);
  CHECK(sem.ok_json({"status"})["quarantined"] == 0);
  CHECK(sem.ok_json({"status"})["waiting_to_push"] == 0);

  mentor.ok_json({"sync"});
  CHECK(mentor.ok_json({"get", act})["title"] == "vooruit");
  // Later writes of the phone use the corrected clock: accepted at once, seen by the mentor.
  sem.ok({"put", "--json", json{{"id", act}, {"title", "daarna"}}.dump()});
  report = sem.ok_json({"sync"});
  CHECK(report["rejected"] == json::array());
  CHECK(report["clock_offset_ms"].get<int64_t>() < -ahead_ms / 2);  // still known to run ahead
  CHECK(sem.ok_json({"status"})["waiting_to_push"] == 0);
  mentor.ok_json({"sync"});
  CHECK(mentor.ok_json({"get", act})["title"] == "daarna");
  // Both devices hold the same dossier.
  CHECK(mentor.ok_json({"get", act}) == sem.ok_json({"get", act}));
}

TEST_CASE("cli server: a refused change says whose it was and is retried or dropped by id",
          "[cli][server][quarantine]") {
  werkex::test::TempDir dir;
  ServerProcess server(dir.file("server"));
  CliPhone sem = enrolled(dir.file("sem.db"), server, "Sem");
  CliPhone ans{Device(dir.file("ans.db")), ""};
  std::string ans_replica = ans.ok({"init", "--server", server.url()});
  json ans_id = ans.ok_json({"enroll", server.code("Ans Bakker")});
  // In Sem's placement: what Ans sees of his dossier (server/app/pupil_view.hpp).
  sem.ok_json({"sync"});
  json placements = sem.ok_json({"list", "placement"});
  REQUIRE(placements.size() == 1);
  std::string act = sem.ok({"put", "--json",
                            json{{"type", "activity"},
                                 {"kind", "snuffelstage"},
                                 {"title", "Bistro"},
                                 {"placement", placements[0]["id"]}}
                                .dump()});
  sem.ok_json({"sync"});
  ans.ok_json({"sync"});
  // The supervisor's device pretends to be the pupil locally (the token still says who it
  // is): its title edit passes the local checks and the server refuses it.
  const auto pupil_bucket = sem.ok_json({"status"})["bucket"].get<std::string>();
  const auto ans_user = ans_id["user"].get<std::string>();
  ans.ok({"init", "--user", ans_user, "--role", "pupil", "--bucket", pupil_bucket,
          "--school-bucket", ans_id["school_bucket"].get<std::string>()});
  ans.ok({"put", "--json", json{{"id", act}, {"title", "anders"}}.dump()});
  json report = ans.ok_json({"sync"});
  REQUIRE(report["rejected"].size() == 1);
  json q = ans.ok_json({"quarantine"});
  REQUIRE(q.size() == 1);
  const std::string id = act + "/title";
  CHECK(q[0]["id"] == id);
  CHECK(q[0]["entity"] == act);
  CHECK(q[0]["field"] == "title");
  CHECK(q[0]["replica"] == ans_replica);
  CHECK(q[0]["author"] == ans_user);
  CHECK(q[0]["code"] == "permission_denied");
  // Withdrawn: the device shows the server's title again; the refused one is kept here.
  CHECK(q[0]["value"] == "anders");
  CHECK(q[0]["withdrawn"] == true);
  CHECK(q[0]["type"] == "activity");
  CHECK(ans.ok_json({"get", act})["title"] == "Bistro");

  // Retry: pushed again at the next sync, refused again, back in the quarantine.
  CHECK(ans.ok_json({"quarantine", "retry", id}) == json{{"queued_again", id}});
  CHECK(ans.ok_json({"quarantine"}) == json::array());
  CHECK(ans.ok_json({"get", act})["title"] == "anders");
  CHECK(ans.ok_json({"status"})["waiting_to_push"] == 1);
  report = ans.ok_json({"sync"});
  CHECK(report["pushed"] == 1);
  CHECK(report["rejected"].size() == 1);
  CHECK(ans.ok_json({"quarantine"}).size() == 1);
  CHECK(ans.ok_json({"get", act})["title"] == "Bistro");
  // Drop: forgotten here; the pupil's dossier never changed.
  CHECK(ans.ok_json({"quarantine", "drop", id}) == json{{"dropped", id}});
  CHECK(ans.ok_json({"quarantine"}) == json::array());
  expect_failure(ans.device.run({"quarantine", "drop", id}), kNotFound, "not_found", {id});
  sem.ok_json({"sync"});
  CHECK(sem.ok_json({"get", act})["title"] == "Bistro");
}

TEST_CASE("cli server: a PIN sign-off the server refuses shows as refused, not pending",
          "[cli][server][signoff]") {
  werkex::test::TempDir dir;
  ServerProcess server(dir.file("server"));
  CliPhone sem = enrolled(dir.file("sem.db"), server, "Sem");
  std::string act = sem.ok({"activity", "--kind", "snuffelstage", "--title", "Bistro"});
  std::string exp = sem.ok({"experience", "--activity", act, "--note", "saus gemaakt"});
  sem.ok_json({"sync"});
  std::string today = sem.ok_json({"status"})["last_sync"].get<std::string>().substr(0, 10);
  // The school issued no codes for this placement yet: whatever the pupil typed is refused.
  std::string id = sem.ok({"sign-pin", exp, "--pin", "00000001", "--date", today, "--hours", "4"});
  CHECK(sem.ok_json({"signoff-status", id})["state"] == "pending");
  json report = sem.ok_json({"sync"});
  REQUIRE(report["rejected"].size() >= 1);
  json st = sem.ok_json({"signoff-status", id});
  CHECK(st["state"] == "refused");
  CHECK(st["method"] == "pin");
  CHECK_THAT(st["reason"].get<std::string>(),
             Catch::Contains("refused by the server: no sign-off codes were issued"));
  // The list shows it too, though it left the device's entities.
  json all = sem.ok_json({"signoff-status"});
  REQUIRE(all.size() == 1);
  CHECK(all[0]["id"] == id);
  CHECK(all[0]["state"] == "refused");
  expect_failure(sem.device.run({"get", id}), kNotFound, "not_found", {id});
  CHECK(sem.ok_json({"sync"})["pushed"] == 0);
}

TEST_CASE("cli server: each refused code attempt shows once as refused and the pupil removes it",
          "[cli][server][signoff]") {
  werkex::test::TempDir dir;
  ServerProcess server(dir.file("server"));
  CliPhone sem = enrolled(dir.file("sem.db"), server, "Sem");
  std::string act = sem.ok({"activity", "--kind", "snuffelstage", "--title", "Bistro"});
  std::string exp = sem.ok({"experience", "--activity", act, "--note", "saus gemaakt"});
  sem.ok_json({"sync"});
  std::string today = sem.ok_json({"status"})["last_sync"].get<std::string>().substr(0, 10);
  std::string first = sem.ok({"sign-pin", exp, "--pin", "00000001", "--date", today});
  sem.ok_json({"sync"});
  std::string second = sem.ok({"sign-pin", exp, "--pin", "00000002", "--date", today});
  json r2 = sem.ok_json({"sync"});
  json r3 = sem.ok_json({"sync"});  // a later sync neither repeats nor revives them
  json listing = sem.ok_json({"signoffs"});
  INFO(r2.dump() + r3.dump() + "\nfirst " + first + " second " + second);
  REQUIRE(listing["signoffs"].size() == 2);
  std::set<std::string> ids;
  for (const json& r : listing["signoffs"]) {
    ids.insert(r["id"].get<std::string>());
    CHECK(r["state"] == "refused");  // not pending for ever
    CHECK(r["counts"] == false);
  }
  CHECK(ids == std::set<std::string>{first, second});
  // Removed by the pupil: gone from the lists, the other attempt stays.
  sem.ok({"signoff-remove", first});
  json after = sem.ok_json({"signoff-status"});
  REQUIRE(after.size() == 1);
  CHECK(after[0]["id"] == second);
  expect_failure(sem.device.run({"signoff-remove", first}), kNotFound, "not_found", {first});
  sem.ok({"signoff-remove", second});
  CHECK(sem.ok_json({"signoffs"})["signoffs"].empty());
  CHECK(sem.ok_json({"sync"})["pushed"] == 0);
}
