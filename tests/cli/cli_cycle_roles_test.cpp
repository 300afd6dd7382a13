// The cycle as the seed describes it, as people live it through the CLI against the real
// werkex-server (issue 13): a mentor assigns an activity and the pupil finds it in their
// to-do list; the mentor co-writes the preparation and records the reflection she held; a
// pupil asks for a placement and the counsellor accepts or declines; a pupil deletes a
// commented experience and brings it back from the trash.
#include <catch2/catch.hpp>

#include "enrolled_device.hpp"

using nlohmann::json;
using werkex::test::Device;
using werkex::test::enrolled;
using werkex::test::ServerProcess;
using werkex::test::synced;
using werkex::test::todo_item;

namespace {

std::string company_named(const Device& d, const std::string& name) {
  json found = d.ok_json({"list", "company", "--where", "name=" + name});
  REQUIRE(found.size() == 1);
  return found[0]["id"];
}

struct School {
  werkex::test::TempDir dir;
  ServerProcess server{dir.file("server")};
  std::string sem_id, mentor_id, counsellor_id;
  Device sem = enrolled(dir.file("sem.db"), server, "Sem", &sem_id);
  Device mentor = enrolled(dir.file("mentor.db"), server, "Mevrouw Jansen", &mentor_id);
  Device counsellor = enrolled(dir.file("devries.db"), server, "Meneer De Vries", &counsellor_id);
  std::string sems() const { return R"({"bucket": "pupil:)" + sem_id + R"("})"; }
};

}  // namespace

TEST_CASE("cli cycle: mentor assigns an activity and the pupil sees it in their to-do list",
          "[cli][server][cycle]") {
  School s;
  synced(s.mentor);
  std::string act =
      s.mentor.ok({"activity", "--kind", "bedrijfsbezoek", "--title", "Haven", "--json", s.sems()});
  json doc = s.mentor.ok_json({"get", act});
  CHECK(doc["chosen_by_pupil"] == false);  // assigned, though --assigned was not given
  CHECK(doc["assigned_by"] == s.mentor_id);
  synced(s.mentor);
  synced(s.sem);
  json todo = s.sem.ok_json({"todo"});
  json it = todo_item(todo, "prepare_assigned", act);
  REQUIRE(it.is_object());
  CHECK(it["text"] == "Je mentor heeft een activiteit voor je gepland: 'Haven'. Bereid je voor.");

  // The mentor co-writes the preparation in the conversation; the item is done.
  std::string prep = s.mentor.ok(
      {"prepare", "--activity", act, "--want-to-find-out", "Hoe wordt een schip gelost?"});
  json p = s.mentor.ok_json({"get", prep});
  CHECK(p["bucket"] == "pupil:" + s.sem_id);
  CHECK(p["with_whom"] == json({"mentor"}));
  synced(s.mentor);
  synced(s.sem);
  CHECK(todo_item(s.sem.ok_json({"todo"}), "prepare_assigned", act).is_null());
  // The pupil adds to it: the preparation is theirs together.
  s.sem.ok({"put", "--json", json({{"id", prep}, {"known_about_work", "Er zijn kranen"}}).dump()});
  synced(s.sem);
}

TEST_CASE("cli cycle: mentor records the reflection she held with the pupil",
          "[cli][server][cycle]") {
  School s;
  std::string act = s.sem.ok({"activity", "--kind", "meeloopdag", "--title", "Bij de bakker"});
  std::string exp =
      s.sem.ok({"experience", "--activity", act, "--note", "Vroeg op", "--emotion", "trots"});
  synced(s.sem);
  synced(s.mentor);
  std::string refl = s.mentor.ok(
      {"reflect", "--experience", exp, "--quality", "doorzetter", "--rule", "inzoomen"});
  json doc = s.mentor.ok_json({"get", refl});
  CHECK(doc["held_by"] == s.mentor_id);
  CHECK(doc["with_whom"] == json({"mentor"}));
  CHECK(doc["bucket"] == "pupil:" + s.sem_id);
  CHECK(doc["held_on"].get<std::string>().size() == 10);
  std::string step = s.mentor.ok(
      {"next-step", "--reflection", refl, "--description", "Een dag bij een grote bakkerij"});
  synced(s.mentor);
  synced(s.sem);
  CHECK(s.sem.ok_json({"get", refl})["held_by"] == s.mentor_id);
  CHECK(s.sem.ok_json({"get", step})["reflection"] == refl);
  json cycle = s.sem.ok_json({"cycle", act});
  CHECK(cycle["reflected"] == true);
  CHECK(cycle["next_step_chosen"] == true);
}

TEST_CASE("cli cycle: pupil asks for a placement and the counsellor accepts or declines",
          "[cli][server][cycle]") {
  School s;
  synced(s.counsellor);
  const std::string garage = company_named(s.counsellor, "Garage Van Dam");
  const std::string bistro = company_named(s.counsellor, "Bistro Noord");
  s.counsellor.ok({"put", "--json", json({{"id", garage}, {"offers", {"meeloopdag"}}}).dump()});
  s.counsellor.ok({"put", "--json", json({{"id", bistro}, {"offers", {"snuffelstage"}}}).dump()});
  synced(s.counsellor);
  synced(s.sem);
  CHECK(s.sem.ok_json({"list", "company"}).size() == 2);  // the network to choose from

  std::string ask = s.sem.ok({"ask-placement", garage, "--kind", "meeloopdag", "--motivation",
                              "Ik sleutel graag aan brommers"});
  std::string other = s.sem.ok({"ask-placement", bistro});
  synced(s.sem);
  synced(s.counsellor);
  json open = s.counsellor.ok_json({"placement-requests"});
  REQUIRE(open.size() == 2);
  std::string placement = s.counsellor.ok({"placement-accept", ask, "--start", "2027-03-01",
                                           "--end", "2027-03-01", "--answer", "Veel plezier!"});
  s.counsellor.ok({"placement-decline", other, "--answer", "Bistro is vol in maart."});
  CHECK(s.counsellor.ok_json({"placement-requests"}) == json::array());
  CHECK(s.counsellor.ok_json({"placement-requests", "--all"}).size() == 2);
  werkex::test::expect_failure(s.counsellor.run({"placement-decline", ask}), 10 + WX_CONFLICT,
                               "conflict", {"already accepted"});
  synced(s.counsellor);

  synced(s.sem);
  json mine = s.sem.ok_json({"placement-requests", "--all"});
  REQUIRE(mine.size() == 2);
  json accepted = s.sem.ok_json({"get", ask}), declined = s.sem.ok_json({"get", other});
  CHECK(accepted["status"] == "accepted");
  CHECK(accepted["placement"] == placement);
  CHECK(declined["status"] == "declined");
  CHECK(declined["answer"] == "Bistro is vol in maart.");
  json p = s.sem.ok_json({"get", placement});
  CHECK(p["pupil"] == s.sem_id);
  CHECK(p["kind"] == "meeloopdag");
  // A pupil cannot answer their own request.
  werkex::test::expect_failure(
      s.sem.run({"put", "--json", json({{"id", other}, {"status", "accepted"}}).dump()}),
      10 + WX_PERMISSION_DENIED, "permission_denied", {"status"});
}

TEST_CASE("cli cycle: pupil deletes a commented experience and restores it from the trash",
          "[cli][server][cycle][trash]") {
  School s;
  std::string exp = s.sem.ok({"experience", "--note", "Ik mocht de kassa doen"});
  synced(s.sem);
  synced(s.mentor);
  std::string comment = s.mentor.ok({"comment", "--on", exp, "--body", "Hoe ging dat?"});
  synced(s.mentor);
  synced(s.sem);

  s.sem.ok({"delete", exp});
  werkex::test::expect_failure(
      s.sem.run({"put", "--json", json({{"id", exp}, {"deleted", false}}).dump()}),
      10 + WX_CONFLICT, "conflict", {"was deleted"});  // the trash is the way back
  json bin = s.sem.ok_json({"trash"});
  REQUIRE(bin.size() == 1);
  CHECK(bin[0]["id"] == exp);
  CHECK(bin[0]["type"] == "experience");
  CHECK(bin[0]["summary"] == "Ik mocht de kassa doen");
  CHECK(bin[0]["restorable_until"] > bin[0]["deleted_at"]);
  synced(s.sem);
  synced(s.mentor);
  CHECK(s.mentor.ok_json({"get", exp})["deleted"] == true);

  json back = s.sem.ok_json({"restore", exp});
  CHECK(back["restored"]["note"] == "Ik mocht de kassa doen");
  CHECK(s.sem.ok_json({"trash"}) == json::array());
  werkex::test::expect_failure(s.sem.run({"restore", exp}), 10 + WX_CONFLICT, "conflict",
                               {"not deleted"});
  synced(s.sem);
  synced(s.mentor);
  CHECK(s.mentor.ok_json({"get", exp})["note"] == "Ik mocht de kassa doen");
  CHECK(s.mentor.ok_json({"get", comment})["on"] == exp);  // the dialogue is still there
}
