/* Supervisor sign-off through the real server: online with the device key (valid, stale,
 * revoked on every replica), the QR hand-over with both phones offline, and the PIN flow
 * (a wrong PIN refused into the quarantine, the right one verified by the server). */
#include <stdlib.h>
#include <time.h>

#include "scenarios.h"
#include "sync_support.h"

/* The sign-off's status on `r`, checked to hold `"state":"<state>"`. */
static void check_state(wx_replica* r, const char* id, const char* state, int line) {
  wx_error err;
  wx_buffer* b = wx_signoff_status(r, id, &err);
  if (!b) {
    wx_test_fail(__FILE__, line, "wx_signoff_status", err.message);
    return;
  }
  char want[64];
  snprintf(want, sizeof want, "\"state\":\"%s\"", state);
  if (!strstr(b->data, want)) wx_test_fail(__FILE__, line, want, b->data);
  wx_buffer_free(b);
}
#define CHECK_STATE(r, id, state) check_state((r), (id), (state), __LINE__)

/* An activity in the pupil's placement (what its supervisor sees of the dossier) with one
 * experience. The pupil's phone has synced, so it holds the placement. */
static char* experience(wx_replica* sem, const char* note) {
  wx_error err;
  char* placements = TAKE(wx_replica_list(sem, "{\"type\":\"placement\"}", &err));
  char* placement = json_string(placements, "id");
  char* plan =
      str_printf("{\"kind\":\"snuffelstage\",\"title\":\"Bistro Noord\",\"placement\":\"%s\"}",
                 placement ? placement : "?");
  char* act = TAKE(wx_dossier_plan_activity(sem, plan, &err));
  char* j = str_printf("{\"activity\":\"%s\",\"note\":\"%s\"}", act, note);
  char* exp = TAKE(wx_dossier_record_experience(sem, j, &err));
  free(j);
  free(act);
  free(plan);
  free(placement);
  free(placements);
  return exp;
}

void scenario_signoff(void) {
  wx_error err;
  test_server* s = server_start("server");
  wx_transport* t = quick_curl();
  wx_replica* sem = enrolled(s, t, "sem.db", "Sem");
  wx_replica* ans = enrolled(s, t, "ans.db", "Ans Bakker");
  wx_replica* mentor = enrolled(s, t, "mentor.db", "Mevrouw Jansen");
  free(sync_ok(sem, t));
  char* exp = experience(sem, "Ik heb de lunch voorbereid");
  free(sync_ok(sem, t));
  free(sync_ok(ans, t));

  /* Statements are read strictly (with a date, so only the fault named fails them); a
   * pupil's phone has no key to sign with. */
  char today[16];
  time_t now = time(NULL);
  struct tm utc;
  gmtime_r(&now, &utc);
  strftime(today, sizeof today, "%Y-%m-%d", &utc);
  char* covers = str_printf("\"covers\":[\"%s\"],\"date\":\"%s\"", exp, today);
  char* bad[6];
  bad[0] = str_printf("{\"covers\":\"%s\"}", exp);
  bad[1] = str_printf("{%s,\"hours\":\"zes\"}", covers);
  bad[2] = str_printf("{%s,\"humeur\":\"goed\"}", covers);
  bad[3] = str_printf("{%s,", covers);
  bad[4] = str_printf("{\"covers\":[\"%s\"],\"date\":\"morgen\"}", exp);
  bad[5] = str_printf("{%s,\"attendance\":\"soms\"}", covers);
  for (int i = 0; i < 6; ++i) {
    CHECK_FAILS_BUF(wx_signoff_sign(ans, bad[i], &err), WX_INVALID_ARGUMENT);
    /* A request carries no attendance: only the others apply to it. */
    if (i < 5) CHECK_FAILS_BUF(wx_signoff_request(sem, bad[i], &err), WX_INVALID_ARGUMENT);
    free(bad[i]);
  }
  char* statement = str_printf(
      "{%s,\"hours\":6,\"attendance\":\"aanwezig\",\"assessment\":\"Goed gewerkt, netjes en op "
      "tijd.\"}",
      covers);
  CHECK(wx_signoff_sign(sem, statement, &err) == NULL);
  /* The date defaults to today (werkex.h). */
  char* undated = str_printf("{\"covers\":[\"%s\"],\"hours\":1}", exp);
  wx_test_poison(&err);
  char* by_default = wx_test_take_or_null(wx_signoff_sign(ans, undated, &err), &err, __FILE__,
                                          __LINE__, "wx_signoff_sign without a date");
  free(undated);
  if (by_default) CHECK_STATE(ans, by_default, "valid");
  free(by_default);

  /* Online, with the supervisor's device key: valid everywhere. */
  char* signoff = TAKE(wx_signoff_sign(ans, statement, &err));
  char* st = TAKE(wx_signoff_status(ans, signoff, &err));
  CHECK_HAS(st, "\"state\":\"valid\"");
  CHECK_HAS(st, "\"method\":\"key\"");
  CHECK_HAS(st, "\"reason\":");
  CHECK_HAS(st, "\"changed\":[]");
  free(st);
  free(sync_ok(ans, t));
  free(sync_ok(sem, t));
  free(sync_ok(mentor, t));
  CHECK_STATE(sem, signoff, "valid");
  CHECK_STATE(mentor, signoff, "valid");
  char* cycles = TAKE(wx_dossier_cycles(sem, NULL, &err));
  CHECK_HAS(cycles, "\"signed_off\":true");
  free(cycles);

  /* The pupil edits a covered entry: stale, naming it. */
  char* edit = str_printf("{\"id\":\"%s\",\"note\":\"Ik heb de hele lunch alleen gedaan\"}", exp);
  free(TAKE(wx_replica_put(sem, edit, &err)));
  free(edit);
  free(sync_ok(sem, t));
  free(sync_ok(ans, t));
  st = TAKE(wx_signoff_status(ans, signoff, &err));
  CHECK_HAS(st, "\"state\":\"stale\"");
  char* changed = str_printf("\"changed\":[\"%s\"]", exp);
  CHECK_HAS(st, changed);
  free(changed);
  free(st);

  /* Revoked by the signer, with a reason. */
  CHECK_FAILS(wx_signoff_revoke(ans, "0190a000-0000-7000-8000-00000000ffff", "x", &err),
              WX_NOT_FOUND);
  CHECK_OK(wx_signoff_revoke(ans, signoff, "verkeerde dag", &err));
  free(sync_ok(ans, t));
  free(sync_ok(sem, t));
  st = TAKE(wx_signoff_status(sem, signoff, &err));
  CHECK_HAS(st, "\"state\":\"revoked\"");
  CHECK_HAS(st, "verkeerde dag");
  free(st);
  CHECK_FAILS_BUF(wx_signoff_status(sem, "0190a000-0000-7000-8000-00000000ffff", &err),
                  WX_NOT_FOUND);

  /* QR hand-over with both phones offline. */
  char* exp2 = experience(sem, "Vandaag op de bar gestaan");
  free(sync_ok(sem, t));
  free(sync_ok(ans, t));
  CHECK_OK(wx_replica_set_server(sem, "http://127.0.0.1:9", &err));
  CHECK_OK(wx_replica_set_server(ans, "http://127.0.0.1:9", &err));
  char* req_statement = str_printf("{\"covers\":[\"%s\"]}", exp2);
  char* request = TAKE(wx_signoff_request(sem, req_statement, &err));
  CHECK(strncmp(request, "werkex-sign:v1:", 15) == 0);
  CHECK(strlen(request) < 2953); /* one QR code */
  CHECK_FAILS_BUF(wx_signoff_sign_request(ans, request, "{\"uren\":7}", &err), WX_INVALID_ARGUMENT);
  CHECK(wx_signoff_sign_request(ans, "werkex-sign:v1:!!geen-base64!!", NULL, &err) == NULL);
  CHECK(err.code == WX_CORRUPT || err.code == WX_INVALID_ARGUMENT);
  char* sig = TAKE(wx_signoff_sign_request(
      ans, request, "{\"hours\":7.5,\"assessment\":\"Zelfstandig gewerkt.\"}", &err));
  CHECK(strncmp(sig, "werkex-sig:v1:", 14) == 0);
  CHECK(wx_signoff_accept(sem, "werkex-sig:v1:AAAA", &err) == NULL);
  CHECK(err.code == WX_CORRUPT || err.code == WX_INVALID_ARGUMENT);
  char* qr = TAKE(wx_signoff_accept(sem, sig, &err));
  CHECK_STATE(sem, qr, "valid");
  CHECK_OK(wx_replica_set_server(sem, s->url, &err));
  CHECK_OK(wx_replica_set_server(ans, s->url, &err));
  free(sync_ok(sem, t));
  free(sync_ok(mentor, t));
  free(sync_ok(ans, t));
  CHECK_STATE(mentor, qr, "valid");
  CHECK_STATE(ans, qr, "valid");
  char* doc = TAKE(wx_replica_get(mentor, qr, &err));
  CHECK_HAS(doc, "\"hours\":7.5");
  free(doc);

  /* PIN: the phone cannot check it (pending); the server refuses a wrong one. */
  char* placements = TAKE(wx_replica_list(sem, "{\"type\":\"placement\"}", &err));
  char* placement = json_string(placements, "id");
  CHECK(count_of(placements, "\"type\":\"placement\"") == 1);
  free(placements);
  char* admin_args = str_printf("pin %s", placement ? placement : "?");
  char* pin = server_admin(s, admin_args);
  free(admin_args);
  REQUIRE(pin && strlen(pin) == 8); /* the first of ten one-time codes */
  char wrong[16];
  snprintf(wrong, sizeof wrong, "%08ld", (atol(pin) + 1) % 100000000L);
  char* pin_statement =
      str_printf("{\"covers\":[\"%s\"],\"hours\":4,\"attendance\":\"aanwezig\"}", exp2);
  char* refused = TAKE(wx_signoff_sign_with_pin(sem, pin_statement, wrong, &err));
  CHECK_STATE(sem, refused, "pending");
  char* report = TAKE(wx_sync_run(sem, t, NULL, &err));
  CHECK_HAS(report, refused);
  CHECK_HAS(report, "wrong code");
  free(report);
  char* q = TAKE(wx_replica_quarantine(sem, &err));
  CHECK_HAS(q, refused);
  CHECK_HAS(q, "\"code\":\"permission_denied\"");
  free(q);
  CHECK_OK(wx_replica_clear_quarantine(sem, &err));
  char* right = TAKE(wx_signoff_sign_with_pin(sem, pin_statement, pin, &err));
  CHECK_STATE(sem, right, "pending");
  free(sync_ok(sem, t));
  st = TAKE(wx_signoff_status(sem, right, &err));
  CHECK_HAS(st, "\"state\":\"valid\"");
  CHECK_HAS(st, "\"method\":\"pin\"");
  free(st);
  doc = TAKE(wx_replica_get(sem, right, &err));
  CHECK_HAS(doc, "\"verified_at\":");
  free(doc);
  free(sync_ok(mentor, t));
  CHECK_STATE(mentor, right, "valid");
  CHECK_FAILS_BUF(wx_replica_get(mentor, refused, &err), WX_NOT_FOUND);

  free(right);
  free(refused);
  free(pin_statement);
  free(pin);
  free(placement);
  free(qr);
  free(sig);
  free(request);
  free(req_statement);
  free(exp2);
  free(signoff);
  free(statement);
  free(covers);
  free(exp);
  wx_replica_release(sem);
  wx_replica_release(ans);
  wx_replica_release(mentor);
  wx_transport_release(t);
  server_stop(s);
}
