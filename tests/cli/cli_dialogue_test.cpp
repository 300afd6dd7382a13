// The dialogue and the to-do list as people live them, through the CLI against the real
// werkex-server: a mentor comments, the pupil sees it in `todo` and replies, the mentor sees
// the reply waiting; a supervisor sees the placement day waiting for her signature.
#include <catch2/catch.hpp>

#include <algorithm>

#include "enrolled_device.hpp"

using nlohmann::json;
using werkex::test::Device;
using werkex::test::enrolled;
using werkex::test::ServerProcess;
using werkex::test::synced;
using werkex::test::todo_item;

namespace {

// Sem plans a day at the baker's; his mentor asks him something about it.
struct Conversation {
  werkex::test::TempDir dir;
  ServerProcess server{dir.file("server")};
  std::string sem_id;
  Device sem = enrolled(dir.file("sem.db"), server, "Sem", &sem_id);
  Device mentor = enrolled(dir.file("mentor.db"), server, "Mevrouw Jansen");
  std::string act, question;

  Conversation() {
    act = sem.ok({"activity", "--kind", "meeloopdag", "--title", "Bij de bakker", "--json",
                  R"({"planned_date": "2026-12-04"})"});
    synced(sem);
    synced(mentor);
    question = mentor.ok({"comment", "--on", act, "--body", "Wat wil je daar leren?"});
    synced(mentor);
    synced(sem);
  }
};

}  // namespace

TEST_CASE("cli dialogue: pupil replies to mentor's comment", "[cli][server][dialogue]") {
  Conversation c;
  // Sem's to-do list asks him to answer, and to prepare the day (three days away).
  json todo = c.sem.ok_json({"todo", "--today", "2026-12-01"});
  json ask = todo_item(todo, "answer_comment", c.question);
  REQUIRE(ask.is_object());
  CHECK(ask["pupil"] == c.sem_id);
  CHECK(ask["due"] == "");
  CHECK(ask["text"] == "Nieuwe opmerking: 'Wat wil je daar leren?'. Geef antwoord.");
  CHECK(todo_item(todo, "prepare_activity", c.act)["due"] == "2026-12-04");

  std::string reply = c.sem.ok({"reply", c.question, "Hoe je brood bakt."});
  json doc = c.sem.ok_json({"get", reply});
  CHECK(doc["on"] == c.question);
  CHECK(doc["author"] == c.sem_id);
  CHECK(doc["written_at"].get<std::string>().size() == 20);  // set by the library
  CHECK(todo_item(c.sem.ok_json({"todo", "--today", "2026-12-01"}), "answer_comment", c.question)
            .is_null());
  synced(c.sem);  // the server takes a pupil's reply in his own dossier
  synced(c.mentor);
  CHECK(c.mentor.ok_json({"get", reply}) == doc);
  // The thread as the mentor's device lists it: her question and his reply under it.
  json thread = c.mentor.ok_json({"list", "comment"});
  REQUIRE(thread.size() == 2);
}

TEST_CASE("cli dialogue: mentor sees pupil's unanswered comment in todo",
          "[cli][server][dialogue][todo]") {
  Conversation c;
  std::string reply = c.sem.ok({"reply", c.question, "Hoe je brood bakt."});
  synced(c.sem);
  synced(c.mentor);
  json todo = c.mentor.ok_json({"todo", "--today", "2026-12-01"});
  CHECK(todo_item(todo, "answer_pupil_comment", reply)["text"] ==
        "Sem schreef 'Hoe je brood bakt.'. Geef antwoord.");
  CHECK(todo_item(todo, "answer_pupil_comment", reply)["pupil"] == c.sem_id);
  // The pupil's gaps are on her list too, in the third person.
  CHECK(todo_item(todo, "prepare_activity", c.act)["text"] ==
        "Sem heeft 'Bij de bakker' op 2026-12-04 gepland en nog niet voorbereid.");

  c.mentor.ok({"reply", reply, "Mooi! Vraag of je mag helpen kneden."});
  todo = c.mentor.ok_json({"todo", "--today", "2026-12-01"});
  CHECK(todo_item(todo, "answer_pupil_comment", reply).is_null());
  c.sem.ok({"prepare", "--activity", c.act, "--want-to-find-out", "Hoe vroeg begint de dag?"});
  synced(c.sem);
  synced(c.mentor);
  CHECK(todo_item(c.mentor.ok_json({"todo", "--today", "2026-12-01"}), "prepare_activity", c.act)
            .is_null());
}

TEST_CASE("cli dialogue: supervisor sees the day's work waiting for her signature",
          "[cli][server][todo][signoff]") {
  werkex::test::TempDir dir;
  ServerProcess server(dir.file("server"));
  Device sem = enrolled(dir.file("sem.db"), server, "Sem");
  Device ans = enrolled(dir.file("ans.db"), server, "Ans Bakker");
  synced(sem);  // the roster: his placement at Bistro Noord, Ans its supervisor
  json placements = sem.ok_json({"list", "placement"});
  REQUIRE(placements.size() == 1);
  const std::string placement = placements[0]["id"];
  std::string act = sem.ok({"activity", "--kind", "snuffelstage", "--title", "Bistro Noord",
                            "--json", json{{"placement", placement}}.dump()});
  std::string exp = sem.ok({"experience", "--activity", act, "--note", "Groente gesneden"});
  synced(sem);
  synced(ans);
  json waiting = todo_item(ans.ok_json({"todo"}), "signoff_waiting", exp);
  REQUIRE(waiting.is_object());
  CHECK(waiting["due"] == placements[0]["end_date"]);
  CHECK_THAT(waiting["text"].get<std::string>(), Catch::Contains("Groente gesneden"));

  const std::string today =
      sem.ok_json({"get", exp})["occurred_at"].get<std::string>().substr(0, 10);
  ans.ok({"sign", exp, "--date", today, "--hours", "5", "--attendance", "aanwezig"});
  CHECK(ans.ok_json({"todo"}) == json::array());
}

TEST_CASE("cli dialogue: reply answers a comment only, todo wants a real date",
          "[cli][dialogue][errors]") {
  werkex::test::TempDir dir;
  Device pupil(dir.file("pupil.db"));
  pupil.ok({"init", "--user", "0190a000-0000-7000-8000-000000000001", "--role", "pupil"});
  std::string act = pupil.ok({"activity", "--kind", "gastles"});
  werkex::test::expect_failure(pupil.run({"reply", act, "Dank je"}), 11, "invalid_argument",
                               {"is not a comment", "comment --on"});
  werkex::test::expect_failure(pupil.run({"reply", "0190a000-0000-7000-8000-00000000dead", "x"}),
                               11, "invalid_argument", {"no comment"});
  werkex::test::expect_failure(pupil.run({"todo", "--today", "1-12-2026"}), 11, "invalid_argument",
                               {"YYYY-MM-DD"});
  CHECK(pupil.ok_json({"todo"}) == json::array());  // nothing planned, nothing to do
}

TEST_CASE("cli staff: a mentor names the pupil, and sees names and titles",
          "[cli][server][staff]") {
  Conversation c;
  json phases = c.mentor.ok_json({"cycle", "--pupil", "sem"});
  REQUIRE(phases.size() == 1);
  CHECK(phases[0]["activity"] == c.act);
  CHECK(phases[0]["title"] == "Bij de bakker");
  CHECK(phases[0]["pupil"] == c.sem_id);
  CHECK(phases[0]["pupil_name"] == "Sem");
  CHECK(c.mentor.ok_json({"cycle", "--pupil", c.sem_id}) == phases);
  json acts = c.mentor.ok_json({"list", "activity", "--pupil", "Sem"});
  REQUIRE(acts.size() == 1);
  CHECK(acts[0]["id"] == c.act);

  const std::string assigned =
      c.mentor.ok({"activity", "--pupil", "sem", "--kind", "bedrijfsbezoek", "--title", "Haven"});
  json doc = c.mentor.ok_json({"get", assigned});
  CHECK(doc["bucket"] == "pupil:" + c.sem_id);
  CHECK(doc["chosen_by_pupil"] == false);

  werkex::test::ProcessResult r = c.mentor.run({"cycle", "--pupil", "Zoë"});
  CHECK(r.exit_code == 12);  // not found
  CHECK(r.err.find("no pupil 'Zoë' on this device") != std::string::npos);
  r = c.mentor.run({"cycle", "--pupil", "Sem", "--bucket", "pupil:" + c.sem_id});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("not both") != std::string::npos);
}
