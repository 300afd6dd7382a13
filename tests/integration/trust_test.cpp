// Issue 10, items 2 and 10, from the attacker's side and the relay's: the server binds every
// pushed write to the device and person that made it, and takes back what it already holds.
#include "devices.hpp"
#include "werkex/dossier.hpp"
#include "werkex/ids.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

// One pupil (Sem) with a planned activity, his mentor and his supervisor, all synced.
struct School {
  TempDir dir;
  ServerProcess server{dir.file("server")};
  Device sem{dir.file("sem.db"), server.url(), server.code("Sem")};
  Device mentor{dir.file("mentor.db"), server.url(), server.code("Mevrouw Jansen")};
  Device ans{dir.file("ans.db"), server.url(), server.code("Ans Bakker")};
  std::string act;

  School() {
    ActivityPlan plan;
    plan.kind = "snuffelstage";
    plan.title = "Bistro";
    plan.extra = at_placement(sem);
    act = expect_ok(Dossier(*sem.replica).plan_activity(plan));
    sem.sync();
    mentor.sync();
    ans.sync();
  }
  std::string bucket() const { return "pupil:" + sem.user(); }
  std::string token(const Device& d) const {
    return expect_ok(d.replica->setting("token")).value();
  }
  std::string person(const std::string& name) const {
    Query q;
    q.type = "person";
    q.field = "name";
    q.equals = name;
    auto found = expect_ok(mentor.replica->list(q));
    REQUIRE(found.size() == 1);
    return found[0]["id"].get<std::string>();
  }
};

// Pushes `changes` as `device` with a hand-made request (what a modified app could send);
// returns the server's rejections.
json push_raw(const School& s, const Device& device, std::vector<Change> changes) {
  protocol::SyncRequest req;
  req.replica = device.replica->replica_id();
  req.schema_version = 1;
  req.push.from_replica = req.replica;
  req.push.upto_seq = device.replica->last_seq() + 1000;
  req.push.changes = std::move(changes);
  CurlTransport t(quick_curl());
  HttpRequest http{"POST",
                   s.server.url() + "/v1/sync",
                   {{"Content-Type", "application/json"}},
                   protocol::to_json(req).dump()};
  http.headers.emplace_back("Authorization", "Bearer " + s.token(device));
  HttpResponse r = expect_ok(t.send(http));
  REQUIRE(r.status == 200);
  return json::parse(r.body)["push"]["rejected"];
}

Stamp stamp_of(Device& d) {
  return {d.replica->clock().now(), d.replica->replica_id()};
}

}  // namespace

TEST_CASE("trust: a relayed bundle's changes by others are taken back as no-ops, not quarantined",
          "[integration][trust][relay][pg]") {
  School s;
  std::string comment = expect_ok(Dossier(*s.mentor.replica).comment(s.act, "Mooi gekozen!"));
  s.mentor.sync();
  s.sem.sync();
  REQUIRE(s.sem.replica->get(comment));
  // Sem's PC: enrolled, then fed the phone's whole replica by file before it ever syncs.
  Device pc(s.dir.file("pc.db"), s.server.url(),
            admin(s.dir.file("server"), "invite " + s.sem.user()));
  Bundle from_phone = expect_ok(s.sem.replica->changes_since(0));
  REQUIRE(expect_ok(pc.replica->apply(from_phone)).rejected.empty());
  SyncReport report = pc.sync();
  CHECK(report.rejected.empty());
  CHECK(expect_ok(pc.replica->quarantined()).empty());
  CHECK(pc.bucket_dump(s.bucket()) == s.sem.bucket_dump(s.bucket()));
  // The PC's own edit goes up as usual, relayed or not.
  expect_ok(pc.replica->put({{"id", s.act}, {"title", "Bistro Noord"}}));
  CHECK(pc.sync().rejected.empty());
  s.sem.sync();
  CHECK(expect_ok(s.sem.replica->get(s.act))["title"] == "Bistro Noord");
}

TEST_CASE("trust: a mentor cannot write as the supervisor nor edit her comment",
          "[integration][trust][authorship][pg]") {
  School s;
  const std::string ans_id = s.person("Ans Bakker");
  // A comment in the supervisor's name.
  std::string forged = expect_ok(s.mentor.replica->put({{"type", "comment"},
                                                        {"bucket", s.bucket()},
                                                        {"on", s.act},
                                                        {"body", "Slecht"},
                                                        {"author", ans_id}}));
  SyncReport r = s.mentor.sync();
  CHECK_FALSE(r.rejected.empty());
  s.ans.sync();
  CHECK(s.ans.replica->get(forged).error().code == WX_NOT_FOUND);

  // The supervisor's own comment; the mentor tries to change its body.
  std::string hers = expect_ok(Dossier(*s.ans.replica).comment(s.act, "Goed gewerkt"));
  s.ans.sync();
  s.mentor.sync();
  expect_ok(s.mentor.replica->put({{"id", hers}, {"body", "Matig gewerkt"}}));
  r = s.mentor.sync();
  REQUIRE(r.rejected.size() == 1);
  CHECK(r.rejected[0].error.code == WX_PERMISSION_DENIED);
  CHECK_THAT(r.rejected[0].error.message, Catch::Contains("only the author"));
  Device fresh(s.dir.file("fresh.db"), s.server.url(),
               admin(s.dir.file("server"), "invite " + s.sem.user()));
  fresh.sync();
  CHECK(expect_ok(fresh.replica->get(hers))["body"] == "Goed gewerkt");
}

TEST_CASE("trust: stamps of another device and lower write-once stamps are refused",
          "[integration][trust][authorship][pg]") {
  School s;
  // The mentor pushes a write stamped with Sem's replica id: it would pass for his.
  Stamp sems{s.mentor.replica->clock().now(), s.sem.replica->replica_id()};
  json rejected = push_raw(
      s, s.mentor,
      {{s.act, "activity", s.bucket(), "title", json(), lww_write("Door de mentor", sems)}});
  REQUIRE(rejected.size() == 1);
  CHECK(rejected[0]["code"] == "permission_denied");

  // Sem's photo entity; then a write-once sha256 with an earlier stamp, which min-merging
  // would let win everywhere.
  std::string blob = expect_ok(s.sem.replica->put({{"type", "blob"},
                                                   {"bucket", s.bucket()},
                                                   {"sha256", std::string(64, 'a')},
                                                   {"size", 3},
                                                   {"mime", "image/jpeg"},
                                                   {"attached_to", s.act}}));
  s.sem.sync();
  Stamp early{Hlc::from_parts(1, 0), s.sem.replica->replica_id()};
  rejected =
      push_raw(s, s.sem,
               {{blob, "blob", s.bucket(), "sha256", json(),
                 register_write(empty_state(MergeRule::once), std::string(64, 'b'), early)}});
  REQUIRE(rejected.size() == 1);
  CHECK(rejected[0]["code"] == "conflict");
  s.mentor.sync();
  CHECK(expect_ok(s.mentor.replica->get(blob))["sha256"] == std::string(64, 'a'));
}

TEST_CASE("trust: what the mentor wrote in a pupil's reflection is hers to change",
          "[integration][trust][authorship][pg]") {
  School s;
  std::string refl = expect_ok(s.sem.replica->put(
      {{"type", "reflection"}, {"bucket", s.bucket()}, {"red_thread", "koken"}}));
  s.sem.sync();
  s.mentor.sync();
  expect_ok(s.mentor.replica->put({{"id", refl}, {"summary", "Sem werkt zorgvuldig."}}));
  CHECK(s.mentor.sync().rejected.empty());
  s.sem.sync();
  expect_ok(s.sem.replica->put({{"id", refl}, {"summary", "Sem was de beste van allemaal."}}));
  SyncReport r = s.sem.sync();
  REQUIRE(r.rejected.size() == 1);
  CHECK_THAT(r.rejected[0].error.message, Catch::Contains("written by a teacher"));
  // Sem's own fields stay his; the mentor's summary stands everywhere.
  expect_ok(s.sem.replica->put({{"id", refl}, {"red_thread", "koken en bakken"}}));
  CHECK(s.sem.sync().rejected.empty());
  s.mentor.sync();
  json doc = expect_ok(s.mentor.replica->get(refl));
  CHECK(doc["summary"] == "Sem werkt zorgvuldig.");
  CHECK(doc["red_thread"] == "koken en bakken");
  // A held_by naming someone else is refused too.
  json held = push_raw(s, s.sem,
                       {{refl, "reflection", s.bucket(), "held_by", json(),
                         lww_write(s.person("Mevrouw Jansen"), stamp_of(s.sem))}});
  REQUIRE(held.size() == 1);
  CHECK(held[0]["code"] == "permission_denied");
}
