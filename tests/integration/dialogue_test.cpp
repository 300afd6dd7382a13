// The dialogue around a dossier through the real server, from the attacker's side too: a
// pupil answers comments on their own dossier and nowhere else, and in nobody else's name.
#include "devices.hpp"
#include "werkex/dossier.hpp"
#include "werkex/todo.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

struct Classroom {
  TempDir dir;
  ServerProcess server{dir.file("server")};
  Device sem{dir.file("sem.db"), server.url(), server.code("Sem")};
  Device aisha{dir.file("aisha.db"), server.url(), server.code("Aisha")};
  Device mentor{dir.file("mentor.db"), server.url(), server.code("Mevrouw Jansen")};
  std::string act, question;

  Classroom() {
    ActivityPlan plan;
    plan.kind = "snuffelstage";
    plan.title = "Bistro";
    act = expect_ok(Dossier(*sem.replica).plan_activity(plan));
    sem.sync();
    mentor.sync();
    question = expect_ok(Dossier(*mentor.replica).comment(act, "Waarom de bistro?"));
    mentor.sync();
    sem.sync();
  }
};

}  // namespace

TEST_CASE("dialogue: a pupil's reply reaches the mentor with its author and time",
          "[integration][dialogue][pg]") {
  Classroom c;
  std::string reply = expect_ok(Dossier(*c.sem.replica).comment(c.question, "Ik kook graag."));
  SyncReport r = c.sem.sync();
  CHECK(r.rejected.empty());
  c.mentor.sync();
  json doc = expect_ok(c.mentor.replica->get(reply));
  CHECK(doc["on"] == c.question);
  CHECK(doc["author"] == c.sem.user());
  CHECK(doc["bucket"] == "pupil:" + c.sem.user());
  CHECK(doc["written_at"].get<std::string>().size() == 20);  // "YYYY-MM-DDTHH:MM:SSZ"
  // The mentor's to-do list now has the answer waiting for her.
  auto items = expect_ok(todo_list(*c.mentor.replica));
  CHECK(std::any_of(items.begin(), items.end(), [&](const TodoItem& i) {
    return i.kind == "answer_pupil_comment" && i.entity == reply;
  }));
}

TEST_CASE("dialogue: a pupil cannot comment in another pupil's dossier, even past the app",
          "[integration][dialogue][access][pg]") {
  Classroom c;
  const std::string sem_bucket = "pupil:" + c.sem.user();
  // A modified app on Aisha's phone: it holds Sem's activity (handed over as a bundle) and
  // skips the local role check by calling itself a counsellor.
  expect_ok(c.aisha.replica->apply(expect_ok(c.sem.replica->changes_since(0))));
  Identity forged = c.aisha.replica->identity();
  forged.role = "counsellor";
  expect_ok(c.aisha.replica->set_identity(forged));
  std::string intruder = expect_ok(c.aisha.replica->put(
      {{"type", "comment"}, {"bucket", sem_bucket}, {"on", c.act}, {"body", "Saai!"}}));
  auto r = c.aisha.try_sync();
  REQUIRE(r);
  bool refused = false;
  for (const RejectedChange& rc : r->rejected)
    if (rc.entity == intruder) {
      refused = true;
      CHECK(rc.error.code == WX_PERMISSION_DENIED);
      CHECK_THAT(rc.error.message, Catch::Contains("in dossier " + sem_bucket));  // not hers
      CHECK(rc.error.key == "bucket_not_writable");  // the server's key reaches the phone
    }
  CHECK(refused);
  // The quarantine keeps the key, so the phone shows the refusal in Dutch days later.
  bool kept = false;
  for (const QuarantinedChange& q : expect_ok(c.aisha.replica->quarantined()))
    if (q.entity == intruder) {
      kept = true;
      json shown = q.to_json();
      CHECK(shown["key"] == "bucket_not_writable");
      CHECK(shown["message_nl"] == "een leerling mag niet schrijven in dossier " + sem_bucket);
    }
  CHECK(kept);
  c.sem.sync();
  c.mentor.sync();
  CHECK(c.sem.replica->get(intruder).error().code == WX_NOT_FOUND);
  CHECK(c.mentor.replica->get(intruder).error().code == WX_NOT_FOUND);
}

TEST_CASE("dialogue: a pupil cannot answer in the supervisor's name",
          "[integration][dialogue][trust][pg]") {
  Classroom c;
  // Sem's phone holds the person of his placement's supervisor, so it can name her.
  Query q;
  q.type = "placement";
  auto placements = expect_ok(c.sem.replica->list(q));
  REQUIRE_FALSE(placements.empty());
  std::string ans_id = placements[0]["supervisor"];
  std::string forged = expect_ok(c.sem.replica->put(
      {{"type", "comment"}, {"on", c.question}, {"body", "Goed zo, Sem!"}, {"author", ans_id}}));
  SyncReport r = c.sem.sync();
  REQUIRE_FALSE(r.rejected.empty());
  CHECK(r.rejected[0].error.code == WX_PERMISSION_DENIED);
  c.mentor.sync();
  CHECK(c.mentor.replica->get(forged).error().code == WX_NOT_FOUND);
}
