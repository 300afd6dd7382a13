#include "werkex/dossier.hpp"
#include "test_support.hpp"

using namespace werkex;
using test::expect_ok;

TEST_CASE(
    "dossier: the cycle next step -> activity -> preparation -> experience -> reflection -> next "
    "step",
    "[dossier][cycle]") {
  test::TempDir dir;
  ManualClockSource clock(test::kStartMillis);
  auto replica = test::open_replica(dir.file("a.db"), clock, test::pupil_identity());
  Dossier dossier(*replica);

  ActivityPlan plan;
  plan.kind = "snuffelstage";
  plan.title = "Een dag in de keuken";
  plan.builds_on = "Ik kook thuis vaak";
  plan.expected_yield = "Weten of ik tegen de drukte kan";
  plan.use_of_yield = "Kiezen tussen horeca en bakkerij";
  std::string act = expect_ok(dossier.plan_activity(plan));
  CyclePhase phase = expect_ok(dossier.cycle(act));
  CHECK_FALSE(phase.prepared);
  CHECK(phase.experiences == 0);

  PreparationDraft prep;
  prep.activity = act;
  prep.want_to_find_out = "Hoe laat begint de dag?";
  prep.learning_verbs = {"leren", "uitproberen"};
  expect_ok(dossier.prepare(prep));

  ExperienceDraft exp;
  exp.activity = act;
  exp.note = "Ik mocht zelf de saus maken";
  exp.emotion = "trots";
  exp.extra = {{"competencies", {"werkexploratie"}}};
  std::string e1 = expect_ok(dossier.record_experience(exp));
  CHECK(expect_ok(replica->get(e1)).contains("occurred_at"));

  ReflectionDraft refl;
  refl.experiences = {e1};
  refl.with_whom = {"mentor"};
  refl.qualities = {"nauwkeurig"};
  refl.motives = {"samenwerken"};
  refl.conversation_rules = {"ruimte_geven", "inzoomen"};
  std::string r = expect_ok(dossier.reflect(refl));

  NextStepDraft step;
  step.reflection = r;
  step.description = "Een dag meelopen in een bakkerij";
  step.direction = {"verbreden"};
  std::string ns = expect_ok(dossier.choose_next_step(step));

  phase = expect_ok(dossier.cycle(act));
  CHECK(phase.prepared);
  CHECK(phase.experiences == 1);
  CHECK(phase.reflected);
  CHECK(phase.next_step_chosen);
  CHECK_FALSE(phase.signed_off);

  // The next step becomes the next activity, linked both ways.
  ActivityPlan next;
  next.kind = "meeloopdag";
  next.from_next_step = ns;
  std::string act2 = expect_ok(dossier.plan_activity(next));
  CHECK(expect_ok(replica->get(ns))["became_activity"] == act2);
  CHECK(expect_ok(replica->get(act2))["from_next_step"] == ns);
  CHECK(expect_ok(dossier.cycles()).size() == 2);
}

TEST_CASE("dossier: cross-entity rules are enforced", "[dossier][validation]") {
  test::TempDir dir;
  ManualClockSource clock(test::kStartMillis);
  auto replica = test::open_replica(dir.file("a.db"), clock, test::pupil_identity());
  Dossier dossier(*replica);
  ReflectionDraft empty;
  CHECK(dossier.reflect(empty).error().code == WX_INVALID_ARGUMENT);
  // An experience may happen unplanned (issue 13); linking it needs a real activity.
  ExperienceDraft loose;
  loose.note = "zonder activiteit";
  const std::string unplanned = expect_ok(dossier.record_experience(loose));
  CHECK(dossier.link_experience(unplanned, unplanned).error().code == WX_INVALID_ARGUMENT);
  CHECK(dossier.link_experience("0190a000-0000-7000-8000-00000000ffff", unplanned).error().code ==
        WX_NOT_FOUND);
  NextStepDraft orphan;
  orphan.description = "iets";
  CHECK_THAT(dossier.choose_next_step(orphan).error().message, Catch::Contains("reflection"));
  ActivityPlan p;
  p.kind = "gastles";
  std::string act = expect_ok(dossier.plan_activity(p));
  ReflectionDraft on_activity;
  on_activity.experiences = {act};  // an activity is not an experience
  CHECK_THAT(dossier.reflect(on_activity).error().message,
             Catch::Contains("expected an experience"));
  ExperienceDraft extra_twice;
  extra_twice.activity = act;
  extra_twice.note = "a";
  extra_twice.extra = {{"note", "b"}};
  CHECK(dossier.record_experience(extra_twice).error().code == WX_INVALID_ARGUMENT);
}

TEST_CASE("dossier: a teacher's comment goes into the dossier of what it comments on",
          "[dossier][roles]") {
  test::TempDir dir;
  ManualClockSource clock(test::kStartMillis);
  auto pupil = test::open_replica(dir.file("p.db"), clock, test::pupil_identity());
  ActivityPlan p;
  p.kind = "interview";
  std::string act = expect_ok(Dossier(*pupil).plan_activity(p));
  auto teacher = test::open_replica(
      dir.file("t.db"), clock,
      test::role_identity("teacher", "", "0190a000-0000-7000-8000-0000000000ee"));
  expect_ok(teacher->apply(expect_ok(pupil->changes_since(0))));
  std::string c = expect_ok(Dossier(*teacher).comment(act, "Mooi gekozen!"));
  json doc = expect_ok(teacher->get(c));
  CHECK(doc["bucket"] == test::pupil_identity().bucket);
  CHECK_FALSE(doc.contains("author"));  // no roster on this replica: no dangling author
  CHECK(Dossier(*teacher).comment("0190a000-0000-7000-8000-00000000dead", "x").error().code ==
        WX_INVALID_ARGUMENT);
}

TEST_CASE("dossier: a pupil answers a mentor's comment, threaded, dated by the library",
          "[dossier][dialogue]") {
  test::TempDir dir;
  ManualClockSource clock(test::kStartMillis);
  auto pupil = test::open_replica(dir.file("p.db"), clock, test::pupil_identity());
  ActivityPlan p;
  p.kind = "interview";
  std::string act = expect_ok(Dossier(*pupil).plan_activity(p));
  auto teacher = test::open_replica(
      dir.file("t.db"), clock,
      test::role_identity("teacher", "", "0190a000-0000-7000-8000-0000000000ee"));
  expect_ok(teacher->apply(expect_ok(pupil->changes_since(0))));
  std::string question = expect_ok(Dossier(*teacher).comment(act, "Wie ga je interviewen?"));
  CHECK(expect_ok(teacher->get(question))["written_at"] == "2026-11-30T00:53:20Z");

  expect_ok(pupil->apply(expect_ok(teacher->changes_since(0))));
  clock.advance(3600 * 1000);
  std::string answer = expect_ok(Dossier(*pupil).comment(question, "Mijn oom, hij is monteur."));
  json doc = expect_ok(pupil->get(answer));
  CHECK(doc["on"] == question);  // the reply threads under the mentor's comment
  CHECK(doc["bucket"] == test::pupil_identity().bucket);
  CHECK(doc["written_at"] == "2026-11-30T01:53:20Z");  // the replica's clock, an hour later
}

TEST_CASE("dossier: a pupil cannot comment in another pupil's dossier", "[dossier][dialogue]") {
  test::TempDir dir;
  ManualClockSource clock(test::kStartMillis);
  auto other = test::open_replica(dir.file("o.db"), clock,
                                  test::pupil_identity("0190a000-0000-7000-8000-000000000002"));
  ActivityPlan p;
  p.kind = "gastles";
  std::string act = expect_ok(Dossier(*other).plan_activity(p));
  auto pupil = test::open_replica(dir.file("p.db"), clock, test::pupil_identity());
  expect_ok(pupil->apply(expect_ok(other->changes_since(0))));
  auto refused = Dossier(*pupil).comment(act, "Ik schrijf in jouw dossier");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == WX_PERMISSION_DENIED);
}
