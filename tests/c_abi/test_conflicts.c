/* Offline sync by bundles between two devices of one pupil: dumps equal after export/import
 * both ways, a real concurrent write with its lost value restored, bad bundles refused. */
#include <stdlib.h>

#include "scenarios.h"
#include "support.h"

#define SEM "0190a000-0000-7000-8000-000000000001"

/* Exports everything from `from` and imports it into `to`; returns the import report. */
static char* transfer(wx_replica* from, wx_replica* to) {
  wx_error err;
  char* bundle = TAKE(wx_replica_export(from, 0, 0, &err));
  char* report = TAKE(wx_replica_import(to, bundle, &err));
  free(bundle);
  CHECK(json_balanced(report));
  CHECK_HAS(report, "\"rejected\":[]");
  return report;
}

static void check_same_dump(wx_replica* a, wx_replica* b) {
  wx_error err;
  char* da = TAKE(wx_replica_dump(a, &err));
  char* db = TAKE(wx_replica_dump(b, &err));
  CHECK_STREQ(da, db);
  free(da);
  free(db);
}

void scenario_export_import_conflicts(void) {
  wx_error err;
  wx_replica* phone = open_replica("phone.db", SEM, "pupil");
  wx_replica* tablet = open_replica("tablet.db", SEM, "pupil");
  char* act =
      TAKE(wx_dossier_plan_activity(phone, "{\"kind\":\"meeloopdag\",\"title\":\"Start\"}", &err));
  free(TAKE(wx_dossier_add_contact(tablet, "{\"name\":\"Oom Kees\",\"role\":\"monteur\"}", &err)));

  /* Both ways: converged. */
  char* report = transfer(phone, tablet);
  CHECK(json_int(report, "received", 0) > 0);
  CHECK(json_int(report, "applied", 0) > 0);
  char* status = TAKE(wx_replica_status(phone, &err));
  char* phone_id = json_string(status, "replica");
  char* from = json_string(report, "from");
  CHECK_STREQ(from, phone_id);
  free(from);
  free(phone_id);
  free(status);
  free(report);
  free(transfer(tablet, phone));
  check_same_dump(phone, tablet);
  /* Again: nothing new. */
  report = transfer(phone, tablet);
  CHECK(json_int(report, "applied", -1) == 0);
  CHECK(json_int(report, "unchanged", 0) > 0);
  free(report);

  /* A real conflict: both devices change the title before exchanging. */
  char* w1 = str_printf("{\"id\":\"%s\",\"title\":\"Titel van de telefoon\"}", act);
  char* w2 = str_printf("{\"id\":\"%s\",\"title\":\"Titel van de tablet\"}", act);
  free(TAKE(wx_replica_put(phone, w1, &err)));
  free(TAKE(wx_replica_put(tablet, w2, &err)));
  free(w1);
  free(w2);
  free(transfer(phone, tablet));
  free(transfer(tablet, phone));
  check_same_dump(phone, tablet);
  char* doc = TAKE(wx_replica_get(phone, act, &err));
  CHECK_HAS(doc, "\"_conflicts\":");
  bool phone_won = strstr(doc, "\"title\":\"Titel van de telefoon\"") != NULL;
  const char* lost = phone_won ? "Titel van de tablet" : "Titel van de telefoon";
  CHECK(phone_won || strstr(doc, "\"title\":\"Titel van de tablet\""));
  CHECK_HAS(strstr(doc, "\"_conflicts\":"), lost);
  free(doc);

  /* Restoring the lost value on one device makes it the newest on both. */
  CHECK_FAILS(wx_replica_restore_lost(phone, act, "kind", &err), WX_NOT_FOUND);
  CHECK_FAILS(wx_replica_restore_lost(phone, "0190a000-0000-7000-8000-00000000ffff", "title", &err),
              WX_NOT_FOUND);
  CHECK_OK(wx_replica_restore_lost(phone, act, "title", &err));
  free(transfer(phone, tablet));
  free(transfer(tablet, phone));
  check_same_dump(phone, tablet);
  char* want = str_printf("\"title\":\"%s\"", lost);
  doc = TAKE(wx_replica_get(tablet, act, &err));
  CHECK_HAS(doc, want);
  free(doc);
  free(want);

  /* A delete travels as a tombstone. */
  CHECK_OK(wx_replica_delete(tablet, act, &err));
  free(transfer(tablet, phone));
  doc = TAKE(wx_replica_get(phone, act, &err));
  CHECK_HAS(doc, "\"deleted\":true");
  free(doc);
  check_same_dump(phone, tablet);

  /* Bundles that are not well formed: corrupt, nothing changes. */
  char* before = TAKE(wx_replica_dump(phone, &err));
  static const char* const bad[] = {"{", "[]", "{\"werkex\":\"bundle\"}", "{\"werkex\":\"taart\"}",
                                    "{\"werkex\":\"bundle\",\"v\":1,\"entities\":5}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i)
    CHECK_FAILS_BUF(wx_replica_import(phone, bad[i], &err), WX_CORRUPT);
  CHECK(wx_replica_import(phone, "{", NULL) == NULL);
  char* after = TAKE(wx_replica_dump(phone, &err));
  CHECK_STREQ(before, after);
  free(before);
  free(after);
  free(act);
  wx_replica_release(phone);
  wx_replica_release(tablet);
}
