/* Offline: the to-do list (wx_dossier_todo) on a fixed "today": an item appears for a gap
 * and disappears when the pupil closes it. */
#include <stdlib.h>

#include "scenarios.h"
#include "support.h"

#define SEM "0190a000-0000-7000-8000-000000000001"

void scenario_todo(void) {
  wx_error err;
  wx_replica* r = open_replica("todo.db", SEM, "pupil");
  char* todo = TAKE(wx_dossier_todo(r, "2026-12-01", &err));
  CHECK_STREQ(todo, "[]"); /* nothing planned, nothing to do */
  free(todo);
  char* act = TAKE(wx_dossier_plan_activity(
      r, "{\"kind\":\"meeloopdag\",\"title\":\"Garage\",\"planned_date\":\"2026-12-04\"}", &err));
  todo = TAKE(wx_dossier_todo(r, "2026-12-01", &err));
  CHECK(json_balanced(todo) && todo[0] == '[');
  CHECK_HAS(todo, "\"kind\":\"prepare_activity\"");
  char* want = str_printf("\"entity\":\"%s\"", act);
  CHECK_HAS(todo, want);
  free(want);
  CHECK_HAS(todo, "\"pupil\":\"" SEM "\"");
  CHECK_HAS(todo, "\"due\":\"2026-12-04\"");
  CHECK_HAS(todo, "\"text\":\"Bereid 'Garage' voor: het staat gepland op 2026-12-04.\"");
  free(todo);
  /* A week before, the day is not close yet. */
  todo = TAKE(wx_dossier_todo(r, "2026-11-20", &err));
  CHECK_STREQ(todo, "[]");
  free(todo);
  CHECK_FAILS_BUF(wx_dossier_todo(r, "4 december", &err), WX_INVALID_ARGUMENT);
  CHECK_HAS(err.message, "YYYY-MM-DD");
  /* NULL: today from the replica's clock; still a JSON array. */
  todo = TAKE(wx_dossier_todo(r, NULL, &err));
  CHECK(json_balanced(todo) && todo[0] == '[');
  free(todo);

  /* Prepared: the item is gone. */
  char* j = str_printf("{\"activity\":\"%s\",\"want_to_find_out\":\"Wat doet een monteur?\"}", act);
  free(TAKE(wx_dossier_prepare(r, j, &err)));
  free(j);
  todo = TAKE(wx_dossier_todo(r, "2026-12-01", &err));
  CHECK_STREQ(todo, "[]");
  free(todo);

  free(act);
  wx_replica_release(r);
}
