/* Offline: the cycle of handvat 12 as operations, cycle/cycles, contacts and comments. */
#include <stdlib.h>

#include "scenarios.h"
#include "support.h"

#define SEM "0190a000-0000-7000-8000-000000000001"
#define TEACHER "0190a000-0000-7000-8000-000000000009"

void scenario_dossier_cycle(void) {
  wx_error err;
  wx_replica* r = open_replica("cycle.db", SEM, "pupil");
  char* act = TAKE(wx_dossier_plan_activity(
      r,
      "{\"kind\":\"snuffelstage\",\"title\":\"Een dag in de keuken\",\"builds_on\":\"Ik kook "
      "thuis\",\"expected_yield\":\"Past de drukte bij mij?\",\"use_of_yield\":\"Kiezen\","
      "\"chosen_by_pupil\":true,\"sector\":\"horeca\"}",
      &err));
  char* doc = TAKE(wx_replica_get(r, act, &err));
  CHECK_HAS(doc, "\"builds_on\":\"Ik kook thuis\"");
  CHECK_HAS(doc, "\"chosen_by_pupil\":true");
  CHECK_HAS(doc, "\"sector\":\"horeca\""); /* a further schema field */
  free(doc);
  char* cycle = TAKE(wx_dossier_cycle(r, act, &err));
  char* want = str_printf("\"activity\":\"%s\"", act);
  CHECK_HAS(cycle, want);
  free(want);
  CHECK_HAS(cycle, "\"kind\":\"snuffelstage\"");
  CHECK_HAS(cycle, "\"prepared\":false");
  CHECK_HAS(cycle, "\"experiences\":0");
  CHECK_HAS(cycle, "\"reflected\":false");
  CHECK_HAS(cycle, "\"next_step_chosen\":false");
  CHECK_HAS(cycle, "\"signed_off\":false");
  free(cycle);

  char* j = str_printf(
      "{\"activity\":\"%s\",\"want_to_find_out\":\"Hoe laat begint de dag?\","
      "\"learning_verbs\":[\"uitproberen\",\"oefenen\"],\"learning_goals\":\"Snijden\"}",
      act);
  char* prep = TAKE(wx_dossier_prepare(r, j, &err));
  free(j);
  j = str_printf("{\"activity\":\"%s\",\"note\":\"Ik mocht de saus maken\",\"emotion\":\"trots\"}",
                 act);
  char* exp1 = TAKE(wx_dossier_record_experience(r, j, &err));
  free(j);
  j = str_printf(
      "{\"activity\":\"%s\",\"note\":\"Afwas\",\"occurred_at\":\"2026-03-02T10:00:00Z\"}", act);
  char* exp2 = TAKE(wx_dossier_record_experience(r, j, &err));
  free(j);
  doc = TAKE(wx_replica_get(r, exp2, &err));
  CHECK_HAS(doc, "\"occurred_at\":\"2026-03-02T10:00:00Z\"");
  free(doc);
  j = str_printf(
      "{\"experiences\":[\"%s\",\"%s\"],\"with_whom\":[\"mentor\"],\"qualities\":"
      "[\"snel\"],\"motives\":[\"samenwerken\"],\"red_thread\":\"Ik werk graag met "
      "mijn handen\",\"conversation_rules\":[\"inzoomen\"]}",
      exp1, exp2);
  char* refl = TAKE(wx_dossier_reflect(r, j, &err));
  free(j);
  j = str_printf(
      "{\"reflection\":\"%s\",\"description\":\"Een dag bij een bakker\",\"action\":"
      "\"uitproberen\",\"direction\":[\"verdiepen\"]}",
      refl);
  char* next = TAKE(wx_dossier_choose_next_step(r, j, &err));
  free(j);
  cycle = TAKE(wx_dossier_cycle(r, act, &err));
  CHECK_HAS(cycle, "\"prepared\":true");
  CHECK_HAS(cycle, "\"experiences\":2");
  CHECK_HAS(cycle, "\"reflected\":true");
  CHECK_HAS(cycle, "\"next_step_chosen\":true");
  CHECK_HAS(cycle, "\"signed_off\":false");
  free(cycle);

  /* The next activity grows from the next step; cycles lists both, oldest first. */
  j = str_printf("{\"kind\":\"meeloopdag\",\"title\":\"Bakkerij\",\"from_next_step\":\"%s\"}",
                 next);
  char* act2 = TAKE(wx_dossier_plan_activity(r, j, &err));
  free(j);
  char* cycles = TAKE(wx_dossier_cycles(r, NULL, &err));
  CHECK(json_balanced(cycles) && cycles[0] == '[');
  CHECK(count_of(cycles, "\"activity\":") == 2);
  CHECK(strstr(cycles, act) && strstr(cycles, act2) && strstr(cycles, act) < strstr(cycles, act2));
  char* by_bucket = TAKE(wx_dossier_cycles(r, "pupil:" SEM, &err));
  CHECK_STREQ(by_bucket, cycles);
  free(by_bucket);
  by_bucket = TAKE(wx_dossier_cycles(r, "pupil:nobody", &err));
  CHECK_STREQ(by_bucket, "[]");
  free(by_bucket);
  free(cycles);

  /* An experience that happened unplanned: no activity, shown apart, then taken into one. */
  char* loose = TAKE(
      wx_dossier_record_experience(r, "{\"note\":\"De buurvrouw liet haar kapsalon zien\"}", &err));
  cycles = TAKE(wx_dossier_cycles(r, NULL, &err));
  CHECK_HAS(cycles, "\"activity\":null");
  CHECK_HAS(cycles, "\"kind\":\"unplanned\"");
  CHECK_HAS(cycles, loose);
  free(cycles);
  CHECK_FAILS(wx_dossier_link_experience(r, loose, prep, &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS(wx_dossier_link_experience(r, act, act2, &err), WX_INVALID_ARGUMENT);
  CHECK_OK(wx_dossier_link_experience(r, loose, act2, &err));
  cycles = TAKE(wx_dossier_cycles(r, NULL, &err));
  CHECK_HASNT(cycles, "unplanned");
  free(cycles);
  cycle = TAKE(wx_dossier_cycle(r, act2, &err));
  CHECK_HAS(cycle, loose);
  CHECK_HAS(cycle, "\"signoff\":\"\"");
  free(cycle);
  free(loose);

  /* Contacts; refused input. */
  char* contact = TAKE(wx_dossier_add_contact(
      r, "{\"name\":\"Kok Ahmed\",\"role\":\"chef\",\"consent\":true}", &err));
  doc = TAKE(wx_replica_get(r, contact, &err));
  CHECK_HAS(doc, "\"role\":\"chef\"");
  free(doc);
  uint64_t n = 0, written = 0;
  CHECK_OK(wx_replica_count(r, NULL, &written, &err));
  /* 2 activities, preparation, 3 experiences, reflection, next step, contact */
  CHECK(written == 9);
  /* "name" is required: a contact without one is refused, not stored with an empty name. */
  CHECK_FAILS_BUF(wx_dossier_add_contact(r, "{\"role\":\"chef\"}", &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS_BUF(
      wx_dossier_plan_activity(r, "{\"kind\":\"snuffelstage\",\"colour\":\"rood\"}", &err),
      WX_INVALID_ARGUMENT);
  CHECK_HAS(err.message, "colour");
  CHECK_FAILS_BUF(wx_dossier_plan_activity(r, "{\"kind\":7}", &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS_BUF(wx_dossier_plan_activity(r, "{\"kind\":\"maanreis\"}", &err),
                  WX_INVALID_ARGUMENT);
  CHECK_FAILS_BUF(wx_dossier_plan_activity(r, "{\"kind\":", &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS_BUF(wx_dossier_prepare(r, "{\"activity\":\"x\",\"learning_verbs\":\"leren\"}", &err),
                  WX_INVALID_ARGUMENT);
  CHECK_FAILS_BUF(wx_dossier_reflect(r, "{\"experiences\":\"niet een lijst\"}", &err),
                  WX_INVALID_ARGUMENT);
  CHECK_FAILS_BUF(wx_dossier_choose_next_step(r, "{\"description\":\"zonder reflectie\"}", &err),
                  WX_INVALID_ARGUMENT);
  CHECK(wx_dossier_record_experience(r, "{\"activity\":5}", NULL) == NULL);
  CHECK_FAILS_BUF(wx_dossier_cycle(r, "0190a000-0000-7000-8000-00000000ffff", &err), WX_NOT_FOUND);
  CHECK_OK(wx_replica_count(r, NULL, &n, &err));
  CHECK(n == written); /* refused input wrote nothing */

  /* The mentor's device, given the pupil's changes as a bundle, comments on the activity. */
  wx_replica* mentor = open_replica("mentor.db", TEACHER, "teacher");
  char* bundle = TAKE(wx_replica_export(r, 0, 0, &err));
  free(TAKE(wx_replica_import(mentor, bundle, &err)));
  free(bundle);
  char* comment = TAKE(wx_dossier_comment(mentor, act, "Mooi gekozen!", &err));
  doc = TAKE(wx_replica_get(mentor, comment, &err));
  CHECK_HAS(doc, "\"body\":\"Mooi gekozen!\"");
  want = str_printf("\"on\":\"%s\"", act);
  CHECK_HAS(doc, want);
  free(want);
  CHECK_HAS(doc, "\"bucket\":\"pupil:" SEM "\"");
  free(doc);
  CHECK_FAILS_BUF(wx_dossier_comment(mentor, "0190a000-0000-7000-8000-00000000ffff", "x", &err),
                  WX_INVALID_ARGUMENT); /* a reference to nothing */
  bundle = TAKE(wx_replica_export(mentor, 0, 0, &err));
  free(TAKE(wx_replica_import(r, bundle, &err)));
  free(bundle);
  CHECK(wx_replica_count(r, "{\"type\":\"comment\"}", &n, &err) && n == 1);
  /* The pupil answers the mentor's comment: a reply threaded under it, dated by the library. */
  char* reply = TAKE(wx_dossier_comment(r, comment, "Dank u!", &err));
  doc = TAKE(wx_replica_get(r, reply, &err));
  want = str_printf("\"on\":\"%s\"", comment);
  CHECK_HAS(doc, want);
  free(want);
  CHECK_HAS(doc, "\"written_at\":\"20");
  free(doc);
  free(reply);
  CHECK(wx_replica_count(r, "{\"type\":\"comment\"}", &n, &err) && n == 2);

  free(comment);
  free(contact);
  free(act2);
  free(next);
  free(refl);
  free(exp1);
  free(exp2);
  free(prep);
  free(act);
  wx_replica_release(mentor);
  wx_replica_release(r);
}
