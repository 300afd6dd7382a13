/* Offline: the trash (werkex_trash.h). A pupil deletes a commented experience, finds it in
 * the trash and restores it with its fields; restoring what is not deleted is a conflict. */
#include <stdlib.h>

#include "scenarios.h"
#include "support.h"

#define SEM "0190a000-0000-7000-8000-000000000001"

void scenario_trash(void) {
  wx_error err;
  wx_replica* r = open_replica("trash.db", SEM, "pupil");
  char* bin = TAKE(wx_trash_list(r, &err));
  CHECK_STREQ(bin, "[]");
  free(bin);
  char* exp = TAKE(wx_dossier_record_experience(
      r, "{\"note\":\"Ik mocht de kassa doen\",\"emotion\":\"trots\"}", &err));
  char* comment = TAKE(wx_dossier_comment(r, exp, "Wat leerde je?", &err));
  CHECK_OK(wx_replica_delete(r, exp, &err));

  bin = TAKE(wx_trash_list(r, &err));
  CHECK(json_balanced(bin) && bin[0] == '[');
  char* want = str_printf("\"id\":\"%s\"", exp);
  CHECK_HAS(bin, want);
  free(want);
  CHECK_HAS(bin, "\"type\":\"experience\"");
  CHECK_HAS(bin, "\"summary\":\"Ik mocht de kassa doen\"");
  CHECK_HAS(bin, "\"restorable_until\":\"");
  free(bin);

  CHECK_OK(wx_trash_restore(r, exp, &err));
  char* doc = TAKE(wx_replica_get(r, exp, &err));
  CHECK_HAS(doc, "\"emotion\":\"trots\"");
  CHECK_HAS(doc, "\"note\":\"Ik mocht de kassa doen\"");
  free(doc);
  bin = TAKE(wx_trash_list(r, &err));
  CHECK_STREQ(bin, "[]");
  free(bin);
  CHECK_FAILS(wx_trash_restore(r, exp, &err), WX_CONFLICT);
  CHECK_HAS(err.message, "not deleted");
  CHECK_FAILS(wx_trash_restore(r, "0190a000-0000-7000-8000-00000000dead", &err), WX_NOT_FOUND);

  free(comment);
  free(exp);
  wx_replica_release(r);
}
