// The to-do list (werkex/todo.hpp) on a fixed "today": each kind of item appears when its
// gap is there and disappears when the gap is closed, for the pupil, the mentor and the
// supervisor, all computed from what their replicas hold.
#include <algorithm>

#include "signoff_world.hpp"
#include "werkex/dossier.hpp"
#include "werkex/todo.hpp"

using namespace werkex;
using test::expect_ok;

namespace {

// The sign-off world plus a mentor: Mira mentors group 3KB-a, in which Sem is enrolled.
struct TodoWorld : test::SignoffWorld {
  std::string mira_id;
  std::unique_ptr<Replica> mira;

  TodoWorld() {
    auto who = school->identity();
    expect_ok(school->set_identity(
        test::role_identity("admin", "", "0190a000-0000-7000-8000-0000000000ad")));
    std::string s = expect_ok(school->get(pupil_id))["school"];
    mira_id = expect_ok(
        school->put({{"type", "person"}, {"name", "Mira"}, {"role", "teacher"}, {"school", s}}));
    std::string group = expect_ok(
        school->put({{"type", "group"}, {"name", "3KB-a"}, {"school", s}, {"mentors", {mira_id}}}));
    expect_ok(school->put({{"id", pupil_id}, {"groups", {group}}}));
    expect_ok(school->set_identity(who));
    mira =
        test::open_replica(dir.file("mira.db"), clock, test::role_identity("teacher", "", mira_id));
    test::send(*school, *pupil);
    test::send(*school, *mira);
    test::send(*school, *ans);
  }

  std::vector<TodoItem> todo(Replica& r, const std::string& today = "2026-11-30") {
    TodoOptions o;
    o.today = today;
    return expect_ok(todo_list(r, o));
  }
};

// The items of `kind` about `entity`.
size_t count(const std::vector<TodoItem>& items, const std::string& kind,
             const std::string& entity) {
  return std::count_if(items.begin(), items.end(),
                       [&](const TodoItem& i) { return i.kind == kind && i.entity == entity; });
}

// A copy: the lists are temporaries.
TodoItem find(const std::vector<TodoItem>& items, const std::string& kind,
              const std::string& entity) {
  auto it = std::find_if(items.begin(), items.end(),
                         [&](const TodoItem& i) { return i.kind == kind && i.entity == entity; });
  if (it == items.end()) FAIL("no " << kind << " item for " << entity);
  return *it;
}

}  // namespace

TEST_CASE("todo: an activity planned within 7 days needs its preparation", "[todo]") {
  TodoWorld w;
  std::string soon = expect_ok(w.pupil->put({{"type", "activity"},
                                             {"kind", "meeloopdag"},
                                             {"title", "Garage"},
                                             {"planned_date", "2026-12-04"}}));
  std::string later = expect_ok(
      w.pupil->put({{"type", "activity"}, {"kind", "interview"}, {"planned_date", "2026-12-20"}}));
  auto items = w.todo(*w.pupil);
  TodoItem it = find(items, "prepare_activity", soon);
  CHECK(it.due == "2026-12-04");
  CHECK(it.pupil == w.pupil_id);
  CHECK(it.text == "Bereid 'Garage' voor: het staat gepland op 2026-12-04.");
  CHECK(count(items, "prepare_activity", later) == 0);  // 20 days away: not yet
  CHECK(count(w.todo(*w.pupil, "2026-12-14"), "prepare_activity", later) == 1);
  // The mentor sees the same gap, in the third person.
  test::send(*w.pupil, *w.mira);
  CHECK(find(w.todo(*w.mira), "prepare_activity", soon).text ==
        "Sem heeft 'Garage' op 2026-12-04 gepland en nog niet voorbereid.");
  expect_ok(w.pupil->put({{"type", "preparation"}, {"activity", soon}}));
  CHECK(count(w.todo(*w.pupil), "prepare_activity", soon) == 0);
  test::send(*w.pupil, *w.mira);
  CHECK(count(w.todo(*w.mira), "prepare_activity", soon) == 0);
}

TEST_CASE("todo: an assigned activity stays on the list until prepared", "[todo]") {
  TodoWorld w;
  std::string a = expect_ok(w.pupil->put({{"type", "activity"},
                                          {"kind", "bedrijfsbezoek"},
                                          {"title", "Haven"},
                                          {"chosen_by_pupil", false}}));
  TodoItem it = find(w.todo(*w.pupil), "prepare_assigned", a);
  CHECK(it.due.empty());
  CHECK_THAT(it.text, Catch::Contains("'Haven'"));
  CHECK(count(w.todo(*w.pupil), "prepare_activity", a) == 0);  // one item per gap
  expect_ok(w.pupil->put({{"type", "preparation"}, {"activity", a}}));
  CHECK(count(w.todo(*w.pupil), "prepare_assigned", a) == 0);
}

TEST_CASE(
    "todo: an experience without a reflection after 14 days, a reflection without a next step",
    "[todo]") {
  TodoWorld w;
  // exp1 and exp2 happened on 2026-11-30: due for reflection on 2026-12-14.
  CHECK(count(w.todo(*w.pupil, "2026-12-13"), "reflect_experience", w.exp1) == 0);
  auto items = w.todo(*w.pupil, "2026-12-14");
  CHECK(find(items, "reflect_experience", w.exp1).due == "2026-12-14");
  CHECK(count(items, "reflect_experience", w.exp2) == 1);
  std::string r = expect_ok(
      w.pupil->put({{"type", "reflection"}, {"experiences", {w.exp1}}, {"held_on", "2026-12-15"}}));
  items = w.todo(*w.pupil, "2026-12-16");
  CHECK(count(items, "reflect_experience", w.exp1) == 0);
  CHECK(count(items, "reflect_experience", w.exp2) == 1);
  CHECK(find(items, "choose_next_step", r).text ==
        "Kies een vervolgstap na je reflectie van 2026-12-15.");
  expect_ok(w.pupil->put({{"type", "next_step"}, {"reflection", r}, {"description", "Meelopen"}}));
  CHECK(count(w.todo(*w.pupil, "2026-12-16"), "choose_next_step", r) == 0);
}

TEST_CASE("todo: a comment waits for the pupil's answer, the answer waits for the mentor's",
          "[todo][dialogue]") {
  TodoWorld w;
  test::send(*w.pupil, *w.mira);
  std::string question = expect_ok(Dossier(*w.mira).comment(w.exp1, "Wat vond je het leukst?"));
  CHECK(expect_ok(w.mira->get(question))["author"] == w.mira_id);
  test::send(*w.mira, *w.pupil);
  TodoItem it = find(w.todo(*w.pupil), "answer_comment", question);
  CHECK(it.text == "Mira schreef 'Wat vond je het leukst?'. Geef antwoord.");
  CHECK(count(w.todo(*w.mira), "answer_comment", question) == 1);  // the mentor sees it waits
  CHECK(count(w.todo(*w.mira), "answer_pupil_comment", question) == 0);

  std::string answer = expect_ok(Dossier(*w.pupil).comment(question, "Het deeg kneden!"));
  CHECK(count(w.todo(*w.pupil), "answer_comment", question) == 0);
  CHECK(count(w.todo(*w.pupil), "answer_comment", answer) == 0);  // their own words
  test::send(*w.pupil, *w.mira);
  auto mentor = w.todo(*w.mira);
  CHECK(count(mentor, "answer_comment", question) == 0);
  CHECK(find(mentor, "answer_pupil_comment", answer).text ==
        "Sem schreef 'Het deeg kneden!'. Geef antwoord.");

  std::string again =
      expect_ok(Dossier(*w.mira).comment(answer, "Mooi, noteer dat als kwaliteit."));
  CHECK(count(w.todo(*w.mira), "answer_pupil_comment", answer) == 0);
  test::send(*w.mira, *w.pupil);
  CHECK(count(w.todo(*w.pupil), "answer_comment", again) == 1);
}

TEST_CASE("todo: a supervisor sees the placement work waiting for her signature",
          "[todo][signoff]") {
  TodoWorld w;
  test::send(*w.pupil, *w.ans);
  auto items = w.todo(*w.ans);
  TodoItem it = find(items, "signoff_waiting", w.exp1);
  CHECK(it.due == "2026-12-01");  // the placement's last day
  CHECK(it.text == "Teken het werk van Sem van 2026-11-30 af: 'Deeg gekneed'.");
  CHECK(count(items, "signoff_waiting", w.exp2) == 1);
  CHECK(w.todo(*w.ans, "2026-10-31").empty());  // the placement has not begun
  std::string so = w.signed_by_ans();
  CHECK(w.todo(*w.ans).empty());

  // The pupil edits a signed experience: her signature no longer holds.
  test::send(*w.ans, *w.pupil);
  w.clock.advance(1000);
  expect_ok(w.pupil->put({{"id", w.exp1}, {"note", "Deeg gekneed en gebakken"}}));
  CHECK(find(w.todo(*w.pupil), "signoff_stale", so).pupil == w.pupil_id);
  test::send(*w.pupil, *w.ans);
  CHECK(count(w.todo(*w.ans), "signoff_waiting", w.exp1) == 1);
  // She signs again: nothing waits, and the stale one is no longer the pupil's to do.
  expect_ok(Signoffs(*w.ans).sign({w.exp1, w.exp2}, w.day()));
  CHECK(w.todo(*w.ans).empty());
  test::send(*w.ans, *w.pupil);
  CHECK(count(w.todo(*w.pupil), "signoff_stale", so) == 0);
}

TEST_CASE("todo: a PIN sign-off is pending until verified, a refused one until removed",
          "[todo][signoff]") {
  TodoWorld w;
  const uint64_t mark = w.pupil->last_seq();
  std::string id = expect_ok(Signoffs(*w.pupil).sign_with_pin({w.exp1}, w.day(), "4829-1375"));
  CHECK(count(w.todo(*w.pupil), "signoff_pending", id) == 1);
  test::send(*w.pupil, *w.mira);
  CHECK(count(w.todo(*w.mira), "signoff_pending", id) == 1);

  SECTION("the server verifies it") {
    auto server = test::open_replica(
        w.dir.file("server.db"), w.clock,
        test::role_identity("admin", "", "0190a000-0000-7000-8000-0000000000ad"));
    test::send(*w.school, *server);
    test::send(*w.pupil, *server);
    expect_ok(server->put({{"id", id}, {"verified_at", "2026-11-30T16:00:00Z"}}));
    test::send(*server, *w.pupil);
    CHECK(count(w.todo(*w.pupil), "signoff_pending", id) == 0);
  }
  SECTION("the server refuses the code") {
    Bundle pushed = expect_ok(w.pupil->changes_since(mark));
    std::vector<RejectedChange> refused;
    for (const Change& c : pushed.changes)
      if (c.entity == id)
        refused.push_back({id, c.field, make_error(WX_PERMISSION_DENIED, "wrong code")});
    expect_ok(w.pupil->withdraw_refused(refused, pushed));
    auto items = w.todo(*w.pupil);
    CHECK(count(items, "signoff_pending", id) == 0);
    CHECK_THAT(find(items, "signoff_refused", id).text, Catch::Contains("wrong code"));
    for (const RejectedChange& r : refused) expect_ok(w.pupil->drop_quarantined(r.entity, r.field));
    CHECK(count(w.todo(*w.pupil), "signoff_refused", id) == 0);
  }
}

TEST_CASE("todo: today defaults to the replica's clock and must be a date", "[todo]") {
  TodoWorld w;  // the clock stands at 2026-11-30
  std::string soon = expect_ok(
      w.pupil->put({{"type", "activity"}, {"kind", "interview"}, {"planned_date", "2026-12-07"}}));
  CHECK(count(expect_ok(todo_list(*w.pupil)), "prepare_activity", soon) == 1);
  w.clock.advance(uint64_t(24) * 3600 * 1000 * 10);  // 2026-12-10: the day has passed
  CHECK(count(expect_ok(todo_list(*w.pupil)), "prepare_activity", soon) == 0);
  TodoOptions bad;
  bad.today = "30-11-2026";
  CHECK(todo_list(*w.pupil, bad).error().code == WX_INVALID_ARGUMENT);
  // The list as JSON: what the CLI, the C ABI, JNI and Swift return.
  json j = todo_json(w.todo(*w.pupil, "2026-12-01"));
  REQUIRE(j.size() == 1);
  CHECK(j[0]["kind"] == "prepare_activity");
  CHECK(j[0]["entity"] == soon);
  CHECK(j[0]["due"] == "2026-12-07");
}

TEST_CASE("todo: a mentor's list holds only active pupils of the groups she mentors", "[todo]") {
  TodoWorld w;
  std::string soon = expect_ok(
      w.pupil->put({{"type", "activity"}, {"kind", "interview"}, {"planned_date", "2026-12-02"}}));
  test::send(*w.pupil, *w.mira);
  CHECK(count(w.todo(*w.mira), "prepare_activity", soon) == 1);
  // Another teacher's device holding the same dossier: not her group, not her list.
  auto other = test::open_replica(
      w.dir.file("other.db"), w.clock,
      test::role_identity("teacher", "", "0190a000-0000-7000-8000-0000000000e1"));
  test::send(*w.school, *other);
  test::send(*w.pupil, *other);
  CHECK(w.todo(*other).empty());
  // Sem leaves the school: off the mentor's list.
  expect_ok(w.school->set_identity(
      test::role_identity("admin", "", "0190a000-0000-7000-8000-0000000000ad")));
  expect_ok(w.school->put({{"id", w.pupil_id}, {"status", "left"}}));
  test::send(*w.school, *w.mira);
  CHECK(w.todo(*w.mira).empty());
}
