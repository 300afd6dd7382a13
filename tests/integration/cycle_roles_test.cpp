// The cycle as the seed describes it (issue 13), through the real server and from the
// attacker's side: the company network a pupil may choose from reaches every pupil, another
// pupil's placement or placement request never does; a supervisor records a reflection on
// her placement's entries only; a restore after the trash's 30 days is refused.
#include <set>

#include "raw_pull.hpp"
#include "werkex/dossier.hpp"
#include "werkex/ids.hpp"
#include "werkex/placement_request.hpp"
#include "werkex/trash.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

std::string str_of(const json& doc, const char* key) {
  return doc.value(key, std::string());
}

std::set<std::string> held_ids(const Device& d, const std::string& bucket, const char* type = "") {
  Query q;
  q.bucket = bucket;
  q.type = type;
  q.include_deleted = true;
  std::set<std::string> out;
  for (const json& e : expect_ok(d.replica->list(q))) out.insert(str_of(e, "id"));
  return out;
}

std::string company_named(const Device& d, const std::string& name) {
  Query q = Query::where("company", d.replica->identity().school_bucket, "name", name);
  auto found = expect_ok(d.replica->list(q));
  REQUIRE(found.size() == 1);
  return str_of(found[0], "id");
}

}  // namespace

TEST_CASE("cycle: pupils see the company network, never another pupil's placement or request",
          "[integration][access][cycle][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device noah(dir.file("noah.db"), server.url(), server.code("Noah"));
  Device counsellor(dir.file("devries.db"), server.url(), server.code("Meneer De Vries"));
  counsellor.sync();
  const std::string school = counsellor.replica->identity().school_bucket;
  const std::string bistro = company_named(counsellor, "Bistro Noord");
  const std::string garage = company_named(counsellor, "Garage Van Dam");
  // The counsellor keeps the network: what each company offers, and her own notes.
  expect_ok(counsellor.replica->put({{"id", garage},
                                     {"offers", {"snuffelstage", "meeloopdag"}},
                                     {"notes", "alleen op dinsdag"}}));
  expect_ok(counsellor.replica->put({{"id", bistro}, {"offers", {"snuffelstage"}}}));
  const std::string bakery = expect_ok(counsellor.replica->put(
      {{"type", "company"}, {"name", "Bakkerij Zoet"}, {"sector", "voeding"}}));  // offers nothing
  REQUIRE(counsellor.sync().rejected.empty());

  // Noah, without a placement, sees the companies that offer something: name, sector, offers,
  // not the counsellor's notes, not the placements of Sem and Aisha, not their supervisor.
  noah.sync();
  const std::set<std::string> companies = held_ids(noah, school, "company");
  CHECK(companies == std::set<std::string>{bistro, garage});
  json g = expect_ok(noah.replica->get(garage));
  CHECK(g["sector"] == "techniek");
  CHECK(g["offers"] == json({"meeloopdag", "snuffelstage"}));
  CHECK_FALSE(g.contains("notes"));
  CHECK(held_ids(noah, school, "placement").empty());
  for (const Change& c : raw_pull_changes(server, noah, school)) {
    INFO(c.type << " " << c.entity << " " << c.field);
    CHECK(c.type != "placement");
    CHECK(c.entity != bakery);
    CHECK_FALSE((c.type == "company" && c.field == "notes"));
    if (c.type == "person") CHECK(c.entity == noah.user());
  }

  // Sem asks for the garage; the request lives in his dossier, which Noah never receives.
  sem.sync();
  PlacementAsk ask;
  ask.company = garage;
  ask.kind = "meeloopdag";
  ask.motivation = "Ik wil weten hoe een motor werkt";
  const std::string request = expect_ok(ask_placement(*sem.replica, ask));
  REQUIRE(sem.sync().rejected.empty());
  counsellor.sync();
  auto open = expect_ok(placement_requests(*counsellor.replica, true));
  REQUIRE(open.size() == 1);
  CHECK(open[0]["id"] == request);
  PlacementAnswer yes;
  yes.start_date = "2027-02-01";
  yes.end_date = "2027-02-01";
  yes.answer = "Geregeld: meld je om 8 uur bij de receptie.";
  const std::string placement =
      expect_ok(accept_placement_request(*counsellor.replica, request, yes));
  REQUIRE(counsellor.sync().rejected.empty());
  CHECK(expect_ok(placement_requests(*counsellor.replica, true)).empty());

  // Sem sees the answer and his new placement; Noah sees neither, by sync or by asking.
  sem.sync();
  json answered = expect_ok(sem.replica->get(request));
  CHECK(answered["status"] == "accepted");
  CHECK(answered["placement"] == placement);
  CHECK(answered["answered_by"] == counsellor.user());
  CHECK(expect_ok(sem.replica->get(placement))["company"] == garage);
  noah.sync();
  CHECK_FALSE(bool(noah.replica->get(placement)));
  CHECK_FALSE(bool(noah.replica->get(request)));
  CHECK(raw_pull_changes(server, noah, "pupil:" + sem.user()).empty());
  for (const Change& c : raw_pull_changes(server, noah, school)) CHECK(c.entity != placement);
}

TEST_CASE("cycle: supervisor records a reflection with the pupil on her placement only",
          "[integration][access][cycle][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device ans(dir.file("ans.db"), server.url(), server.code("Ans Bakker"));
  Dossier d(*sem.replica);
  ActivityPlan work;
  work.kind = "snuffelstage";
  work.title = "Bistro Noord";
  work.extra = at_placement(sem);
  const std::string act = expect_ok(d.plan_activity(work));
  ExperienceDraft e;
  e.activity = act;
  e.note = "Ik mocht de saus maken";
  const std::string exp = expect_ok(d.record_experience(e));
  ActivityPlan hobby;
  hobby.kind = "thuis_hobby";
  const std::string hobby_act = expect_ok(d.plan_activity(hobby));
  e.activity = hobby_act;
  e.note = "Thuis";
  const std::string hobby_exp = expect_ok(d.record_experience(e));
  ReflectionDraft own;
  own.experiences = {exp};
  own.qualities = {"netjes"};
  const std::string sems_reflection = expect_ok(d.reflect(own));
  REQUIRE(sem.sync().rejected.empty());
  ans.sync();

  // Her reflection on the day at the bistro: held_by her, in Sem's dossier.
  ReflectionDraft r;
  r.experiences = {exp};
  r.qualities = {"rustig onder druk"};
  const std::string hers = expect_ok(Dossier(*ans.replica).reflect(r));
  json doc = expect_ok(ans.replica->get(hers));
  CHECK(doc["held_by"] == ans.user());
  CHECK(doc["bucket"] == "pupil:" + sem.user());
  CHECK(doc["with_whom"] == json({"praktijkbegeleider"}));
  REQUIRE(ans.sync().rejected.empty());
  sem.sync();
  CHECK(expect_ok(sem.replica->get(hers))["held_by"] == ans.user());

  // Forged: a reflection on the hobby experience, one with no experience at all, a change to
  // Sem's own reflection, someone else as held_by. All refused.
  const std::string bucket = "pupil:" + sem.user();
  const uint64_t me = ans.replica->replica_id();
  auto stamp = [&]() { return Stamp{ans.replica->clock().now(), me}; };
  auto new_id = [&]() { return new_uuid_v7(ans.replica->clock().physical_millis()); };
  const std::string r1 = new_id(), r2 = new_id();
  Bundle forged = expect_ok(ans.replica->changes_since(0));
  forged.changes = {
      {r1, "reflection", bucket, "experiences", hobby_exp,
       set_add(empty_state(MergeRule::set), stamp())},
      {r1, "reflection", bucket, "summary", json(), lww_write("gezien", stamp())},
      {r2, "reflection", bucket, "summary", json(), lww_write("zonder ervaring", stamp())},
      {sems_reflection, "reflection", bucket, "red_thread", json(), lww_write("anders", stamp())},
      {hers, "reflection", bucket, "held_by", json(), lww_write(sem.user(), stamp())},
  };
  expect_ok(ans.replica->apply(forged));
  SyncReport report = ans.sync();
  std::set<std::string> refused;
  for (const RejectedChange& c : report.rejected) {
    CHECK(c.error.code == WX_PERMISSION_DENIED);
    refused.insert(c.entity + "/" + c.field);
  }
  CHECK(refused == std::set<std::string>{r1 + "/experiences", r1 + "/summary", r2 + "/summary",
                                         sems_reflection + "/red_thread", hers + "/held_by"});
  sem.sync();
  CHECK_FALSE(bool(sem.replica->get(r1)));
  CHECK_FALSE(bool(sem.replica->get(r2)));
  CHECK_FALSE(expect_ok(sem.replica->get(sems_reflection)).contains("red_thread"));
}

TEST_CASE("cycle: the server takes a restore within 30 days of the delete, not after",
          "[integration][access][cycle][trash][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device mentor(dir.file("mentor.db"), server.url(), server.code("Mevrouw Jansen"));
  const std::string old_one = expect_ok(sem.replica->put(
      {{"type", "experience"}, {"occurred_at", "2026-10-01T10:00:00Z"}, {"note", "oud"}}));
  const std::string recent = expect_ok(sem.replica->put(
      {{"type", "experience"}, {"occurred_at", "2026-10-01T10:00:00Z"}, {"note", "recent"}}));
  REQUIRE(sem.sync().rejected.empty());
  // Sem's phone deleted one forty days ago and the other twenty days ago (stamped then).
  const uint64_t now = sem.replica->clock().physical_millis(), day = 24ull * 3600 * 1000;
  auto tombstone = [&](const std::string& id, uint64_t days_ago) {
    Stamp at{Hlc::from_parts(now - days_ago * day, 0), sem.replica->replica_id()};
    return Change{id, "experience", "pupil:" + sem.user(), "deleted", json(), lww_write(true, at)};
  };
  Bundle deletes = expect_ok(sem.replica->changes_since(0));
  deletes.changes = {tombstone(old_one, 40), tombstone(recent, 20)};
  expect_ok(sem.replica->apply(deletes));
  CHECK(sem.replica->put({{"id", old_one}, {"note", "x"}}).status().code() == WX_CONFLICT);
  REQUIRE(sem.sync().rejected.empty());
  mentor.sync();
  REQUIRE(expect_ok(mentor.replica->get(recent)).value("deleted", false) == true);

  // The trash holds only the recent one; the old one stays deleted.
  auto bin = expect_ok(trash(*sem.replica));
  REQUIRE(bin.size() == 1);
  CHECK(bin[0].id == recent);
  CHECK(restore(*sem.replica, old_one).code() == WX_CONFLICT);
  expect_ok(restore(*sem.replica, recent));
  // A modified app that writes the old tombstone back anyway is refused by the server.
  expect_ok(sem.replica->undelete(old_one));
  SyncReport r = sem.sync();
  REQUIRE(r.rejected.size() == 1);
  CHECK(r.rejected[0].entity == old_one);
  CHECK(r.rejected[0].error.code == WX_CONFLICT);
  mentor.sync();
  CHECK(expect_ok(mentor.replica->get(recent))["note"] == "recent");
  CHECK(expect_ok(mentor.replica->get(old_one)).value("deleted", false) == true);
}
