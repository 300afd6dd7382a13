/* Sign-off as the supervisor and the pupil see it, through the C ABI an app calls (issue 13):
 * Ans sees what she signs before she signs Sem's QR request; Sem's app warns him before he
 * edits the signed experience and then says in words why the sign-off no longer holds; the
 * day signed again replaces the first sign-off and the placement's hours count it once; a
 * wrong code is refused once per attempt and Sem removes it. */
#include <stdlib.h>
#include <time.h>

#include "scenarios.h"
#include "sync_support.h"

/* Sem's experience in an activity of his placement (his phone has synced, so holds it). */
static char* placement_experience(wx_replica* sem, const char* note, char** placement_out) {
  wx_error err;
  char* placements = TAKE(wx_replica_list(sem, "{\"type\":\"placement\"}", &err));
  char* placement = json_string(placements, "id");
  char* plan = str_printf("{\"kind\":\"snuffelstage\",\"title\":\"Bistro\",\"placement\":\"%s\"}",
                          placement ? placement : "?");
  char* act = TAKE(wx_dossier_plan_activity(sem, plan, &err));
  char* j = str_printf("{\"activity\":\"%s\",\"note\":\"%s\"}", act, note);
  char* exp = TAKE(wx_dossier_record_experience(sem, j, &err));
  free(j);
  free(act);
  free(plan);
  free(placements);
  *placement_out = placement;
  return exp;
}

/* Sem asks by QR, Ans looks first, then signs with `statement`, Sem accepts: the id. */
static char* qr_signoff(wx_replica* sem, wx_replica* ans, const char* exp, const char* statement,
                        char** preview_out) {
  wx_error err;
  char* ask = str_printf("{\"covers\":[\"%s\"]}", exp);
  char* request = TAKE(wx_signoff_request(sem, ask, &err));
  *preview_out = TAKE(wx_signoff_preview(ans, request, statement, &err));
  char* sig = TAKE(wx_signoff_sign_request(ans, request, statement, &err));
  char* id = TAKE(wx_signoff_accept(sem, sig, &err));
  free(sig);
  free(request);
  free(ask);
  return id;
}

static void supervisor_sees_before_signing(wx_replica* sem, wx_replica* ans, const char* exp,
                                           char** first) {
  wx_error err;
  char* preview = NULL;
  *first = qr_signoff(sem, ans, exp, "{\"hours\":6,\"attendance\":\"aanwezig\"}", &preview);
  CHECK_HAS(preview, "\"pupil\":{\"id\":");
  CHECK_HAS(preview, "\"name\":\"Sem\"");
  CHECK_HAS(preview, "\"type_label\":\"Ervaring\"");
  CHECK_HAS(preview, "\"title\":\"Ik heb de lunch voorbereid\"");
  CHECK_HAS(preview, "\"hours\":6");
  CHECK_HAS(preview, "\"attendance\":\"aanwezig\"");
  CHECK_HAS(preview, "\"dates\":{\"occurred_at\":");
  free(preview);
  CHECK_FAILS_BUF(wx_signoff_preview(ans, "werkex-sign:v1:AAAA", NULL, &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS_BUF(wx_signoff_preview(ans, "werkex-sign:v1:AAAA", "{\"uren\":1}", &err),
                  WX_INVALID_ARGUMENT);
}

static void pupil_warned_then_told_why(wx_replica* sem, const char* exp, const char* first) {
  wx_error err;
  char* by = TAKE(wx_signoff_signed_by(sem, exp, &err));
  CHECK_HAS(by, first);
  CHECK_HAS(by, "\"signer_name\":\"Ans Bakker\"");
  CHECK_HAS(by, "\"state\":\"valid\"");
  free(by);
  char* warning = TAKE(wx_signoff_edit_warning(sem, exp, &err));
  CHECK_HAS(warning, "Deze ervaring is afgetekend door Ans Bakker op ");
  CHECK_HAS(warning, "; na deze wijziging is de aftekening niet meer geldig.");
  free(warning);
  char* edit = str_printf("{\"id\":\"%s\",\"note\":\"Ik heb de lunch alleen gedaan\"}", exp);
  free(TAKE(wx_replica_put(sem, edit, &err)));
  free(edit);
  char* st = TAKE(wx_signoff_status(sem, first, &err));
  CHECK_HAS(st, "\"state\":\"stale\"");
  CHECK_HAS(st,
            "\"explanation\":\"Ervaring \\\"Ik heb de lunch voorbereid\\\": Notitie was "
            "\\\"Ik heb de lunch voorbereid\\\", nu \\\"Ik heb de lunch alleen gedaan\\\"\"");
  CHECK_HAS(st, "\"label\":\"Notitie\"");
  free(st);
  warning = TAKE(wx_signoff_edit_warning(sem, exp, &err));
  CHECK(strcmp(warning, "") == 0); /* nothing left to lose */
  free(warning);
}

static void day_signed_again_counts_once(wx_replica* sem, wx_replica* ans, const char* exp,
                                         const char* first, const char* placement) {
  wx_error err;
  char* preview = NULL;
  char* second = qr_signoff(sem, ans, exp, "{\"hours\":7}", &preview);
  free(preview);
  char* st = TAKE(wx_signoff_status(sem, first, &err));
  CHECK_HAS(st, "\"state\":\"superseded\"");
  CHECK_HAS(st, second);
  free(st);
  char* hours = TAKE(wx_signoff_placement_hours(sem, placement, &err));
  CHECK_HAS(hours, "\"hours\":7.0");
  CHECK_HAS(hours, second);
  CHECK_HASNT(hours, first);
  free(hours);
  char* cycles = TAKE(wx_dossier_cycles(sem, NULL, &err));
  CHECK_HAS(cycles, "\"signoff\":\"valid\"");
  free(cycles);
  free(second);
}

static void wrong_code_refused_once_and_removed(wx_replica* sem, wx_transport* t, const char* exp) {
  wx_error err;
  char* statement = str_printf("{\"covers\":[\"%s\"],\"hours\":2}", exp);
  char* one = TAKE(wx_signoff_sign_with_pin(sem, statement, "00000001", &err));
  wx_buffer_free(wx_sync_run(sem, t, NULL, &err));
  char* two = TAKE(wx_signoff_sign_with_pin(sem, statement, "00000002", &err));
  wx_buffer_free(wx_sync_run(sem, t, NULL, &err));
  wx_buffer_free(wx_sync_run(sem, t, NULL, &err));
  char* refused = TAKE(wx_signoff_refused(sem, &err));
  CHECK(count_of(refused, one) == 1);
  CHECK(count_of(refused, two) == 1); /* not pending for ever */
  free(refused);
  char* st = TAKE(wx_signoff_status(sem, two, &err));
  CHECK_HAS(st, "\"state\":\"refused\"");
  free(st);
  CHECK_OK(wx_signoff_remove_refused(sem, one, &err));
  CHECK_FAILS(wx_signoff_remove_refused(sem, one, &err), WX_NOT_FOUND);
  refused = TAKE(wx_signoff_refused(sem, &err));
  CHECK_HASNT(refused, one);
  CHECK_HAS(refused, two);
  free(refused);
  free(one);
  free(two);
  free(statement);
}

void scenario_signoff_story(void) {
  wx_error err;
  test_server* s = server_start("server");
  wx_transport* t = quick_curl();
  wx_replica* sem = enrolled(s, t, "sem.db", "Sem");
  wx_replica* ans = enrolled(s, t, "ans.db", "Ans Bakker");
  free(sync_ok(sem, t));
  char* placement = NULL;
  char* exp = placement_experience(sem, "Ik heb de lunch voorbereid", &placement);
  free(sync_ok(sem, t));
  free(sync_ok(ans, t));
  char* first = NULL;
  supervisor_sees_before_signing(sem, ans, exp, &first);
  pupil_warned_then_told_why(sem, exp, first);
  day_signed_again_counts_once(sem, ans, exp, first, placement ? placement : "?");
  wrong_code_refused_once_and_removed(sem, t, exp);
  CHECK_FAILS_BUF(wx_signoff_signed_by(sem, "0190a000-0000-7000-8000-00000000ffff", &err),
                  WX_NOT_FOUND);
  free(first);
  free(exp);
  free(placement);
  wx_replica_release(sem);
  wx_replica_release(ans);
  wx_transport_release(t);
  server_stop(s);
}
