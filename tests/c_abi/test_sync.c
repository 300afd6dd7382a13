/* Sync against the real werkex-server, through libcurl and through the app's own HTTP stack
 * (a callback transport over a socket client): enrolment, both directions, a failing
 * transport losing nothing, wire formats, and a change the server refuses kept in the
 * quarantine. Also: a writer makes progress while a sync's send is blocked. */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "scenarios.h"
#include "sync_support.h"

static void check_demo_output(const test_server* s) {
  CHECK(s->people_count == 8); /* with Sem's parent (issue 13) */
  CHECK(strncmp(s->url, "http://127.0.0.1:", 17) == 0);
  CHECK_STREQ(server_role(s, "Sem"), "pupil");
  CHECK_STREQ(server_role(s, "Aisha"), "pupil");
  CHECK_STREQ(server_role(s, "Mevrouw Jansen"), "teacher");
  CHECK_STREQ(server_role(s, "Meneer De Vries"), "counsellor");
  CHECK_STREQ(server_role(s, "Ans Bakker"), "supervisor");
  CHECK_STREQ(server_role(s, "Ouder van Sem"), "parent");
  CHECK(strlen(server_code(s, "Sem")) == 11);
}

/* A comment made on an offline teacher's device, carried to the pupil's phone as a bundle:
 * the phone pushes it at its next sync and the server refuses it (pupils do not write
 * comments). Returns the comment's id. */
static char* relayed_comment(wx_replica* sem, const char* act) {
  wx_error err;
  wx_replica* teacher = open_replica("relay-teacher.db", NULL, NULL);
  char* user = user_of(sem);
  char* identity = str_printf(
      "{\"user\":\"0190a000-0000-7000-8000-0000000000ee\",\"role\":"
      "\"teacher\",\"school_bucket\":\"school:x\"}");
  CHECK_OK(wx_replica_set_identity(teacher, identity, &err));
  char* bundle = TAKE(wx_replica_export(sem, 0, 0, &err));
  free(TAKE(wx_replica_import(teacher, bundle, &err)));
  free(bundle);
  char* status = TAKE(wx_replica_status(teacher, &err));
  long long seq = json_int(status, "last_seq", -1);
  char* comment = TAKE(wx_dossier_comment(teacher, act, "Via de tablet van de docent", &err));
  bundle = TAKE(wx_replica_export(teacher, (uint64_t)seq, 0, &err));
  CHECK(count_of(bundle, "\"fields\":") == 1); /* the comment only */
  char* report = TAKE(wx_replica_import(sem, bundle, &err));
  CHECK_HAS(report, "\"rejected\":[]");
  free(report);
  free(bundle);
  free(status);
  free(identity);
  free(user);
  wx_replica_release(teacher);
  return comment;
}

static void sync_scenario(bool callback) {
  wx_error err;
  test_server* s = server_start("server");
  check_demo_output(s);
  int frees = 0;
  http_ctx* ctx = callback ? http_ctx_new(&frees) : NULL;
  wx_transport* t =
      callback ? wx_transport_new_callback(http_send, ctx, http_ctx_free, &err) : quick_curl();
  REQUIRE(t != NULL);

  wx_replica* sem = enrolled(s, t, "sem.db", "Sem");
  wx_replica* mentor = enrolled(s, t, "mentor.db", "Mevrouw Jansen");
  char* sem_user = user_of(sem);
  char* status = TAKE(wx_replica_status(sem, &err));
  CHECK_HAS(status, "\"role\":\"pupil\"");
  char* bucket = str_printf("\"bucket\":\"pupil:%s\"", sem_user);
  CHECK_HAS(status, bucket);
  free(bucket);
  free(status);
  status = TAKE(wx_replica_status(mentor, &err));
  CHECK_HAS(status, "\"role\":\"teacher\"");
  free(status);
  /* A code works once; an unknown one not at all. */
  wx_replica* again = open_replica("again.db", NULL, NULL);
  CHECK_OK(wx_replica_set_server(again, s->url, &err));
  CHECK_FAILS(wx_sync_enroll(again, t, server_code(s, "Sem"), &err), WX_UNAUTHENTICATED);
  CHECK(!wx_error_is_transient(&err));
  CHECK_FAILS(wx_sync_enroll(again, t, "AAAAA-BBBBB", &err), WX_UNAUTHENTICATED);
  CHECK(!wx_sync_enroll(again, t, "AAAAA-BBBBB", NULL));
  wx_replica_release(again);

  /* Pupil to server to mentor. */
  char* act = TAKE(wx_dossier_plan_activity(
      sem, "{\"kind\":\"snuffelstage\",\"title\":\"Bistro Noord\"}", &err));
  char* j =
      str_printf("{\"activity\":\"%s\",\"note\":\"De keuken\",\"emotion\":\"nieuwsgierig\"}", act);
  free(TAKE(wx_dossier_record_experience(sem, j, &err)));
  free(j);
  char* report = sync_ok(sem, t);
  CHECK(json_int(report, "pushed", 0) >= 2);
  CHECK(json_int(report, "rounds", 0) >= 1);
  CHECK_HAS(report, "\"revoked\":[]");
  CHECK_HAS(report, "\"clock_offset_ms\":");
  free(report);
  status = TAKE(wx_replica_status(sem, &err));
  CHECK_HAS(status, "\"waiting_to_push\":0");
  CHECK_HASNT(status, "\"last_sync\":null");
  free(status);
  report = sync_ok(mentor, t);
  CHECK(json_int(report, "pulled", 0) >= 2);
  free(report);
  char* doc = TAKE(wx_replica_get(mentor, act, &err));
  CHECK_HAS(doc, "\"title\":\"Bistro Noord\"");
  free(doc);
  char* in_bucket = str_printf("pupil:%s", sem_user);
  char* cycles = TAKE(wx_dossier_cycles(mentor, in_bucket, &err));
  CHECK_HAS(cycles, "\"experiences\":1");
  free(cycles);
  free(in_bucket);

  /* Mentor to pupil, in CBOR and MessagePack. */
  free(TAKE(wx_dossier_comment(mentor, act, "Mooi gekozen!", &err)));
  free(TAKE(wx_sync_run(mentor, t, "{\"wire\":\"cbor\"}", &err)));
  report =
      TAKE(wx_sync_run(sem, t, "{\"wire\":\"msgpack\",\"page_limit\":1,\"max_rounds\":100}", &err));
  CHECK(json_int(report, "applied", 0) >= 1);
  free(report);
  uint64_t n = 0;
  CHECK(wx_replica_count(sem, "{\"type\":\"comment\"}", &n, &err) && n == 1);

  /* The app's HTTP stack offline, then answering without a status: nothing is lost. */
  int failing_frees = 0;
  http_ctx* failing_ctx = http_ctx_new(&failing_frees);
  failing_ctx->mode = HTTP_FAIL;
  failing_ctx->fail_message = "vliegtuigmodus";
  wx_transport* failing = wx_transport_new_callback(http_send, failing_ctx, http_ctx_free, &err);
  REQUIRE(failing != NULL);
  char* contact = TAKE(wx_dossier_add_contact(sem, "{\"name\":\"Kok Ahmed\"}", &err));
  CHECK_FAILS_BUF(wx_sync_run(sem, failing, NULL, &err), WX_UNAVAILABLE);
  CHECK(wx_error_is_transient(&err));
  CHECK_HAS(err.message, "vliegtuigmodus");
  failing_ctx->mode = HTTP_NO_STATUS;
  wx_buffer* b = wx_sync_run(sem, failing, NULL, &err);
  CHECK(b == NULL);
  wx_buffer_free(b);
  status = TAKE(wx_replica_status(sem, &err));
  CHECK(json_int(status, "waiting_to_push", 0) >= 1);
  free(status);
  wx_transport_release(failing);
  CHECK(failing_frees == 1);
  report = sync_ok(sem, t);
  CHECK(json_int(report, "pushed", 0) >= 1);
  free(report);
  free(sync_ok(mentor, t));
  doc = TAKE(wx_replica_get(mentor, contact, &err));
  CHECK_HAS(doc, "\"name\":\"Kok Ahmed\"");
  free(doc);
  free(contact);

  /* Refused by the server: kept visible in the quarantine until cleared. */
  char* comment = relayed_comment(sem, act);
  report = TAKE(wx_sync_run(sem, t, NULL, &err));
  CHECK_HASNT(report, "\"rejected\":[]");
  CHECK_HAS(report, comment);
  free(report);
  char* q = TAKE(wx_replica_quarantine(sem, &err));
  char* want = str_printf("\"entity\":\"%s\"", comment);
  CHECK_HAS(q, want);
  free(want);
  CHECK_HAS(q, "\"code\":\"permission_denied\"");
  CHECK_HAS(q, "\"message\":");
  CHECK_HAS(q, "\"at\":");
  CHECK_HAS(q, "\"field\":");
  free(q);
  status = TAKE(wx_replica_status(sem, &err));
  CHECK(json_int(status, "quarantined", 0) >= 1);
  free(status);
  CHECK_OK(wx_replica_clear_quarantine(sem, &err));
  q = TAKE(wx_replica_quarantine(sem, &err));
  CHECK_STREQ(q, "[]");
  free(q);
  free(sync_ok(mentor, t));
  CHECK_FAILS_BUF(wx_replica_get(mentor, comment, &err), WX_NOT_FOUND);
  free(comment);

  if (callback) CHECK(ctx->requests >= 8);
  wx_replica_release(sem);
  wx_replica_release(mentor);
  wx_transport_release(t);
  CHECK(frees == (callback ? 1 : 0));
  free(act);
  free(sem_user);
  server_stop(s);
}

void scenario_sync_curl(void) {
  sync_scenario(false);
}
void scenario_sync_callback(void) {
  sync_scenario(true);
}

/* ---- A writer while a sync waits on the network ---------------------------------------- */

typedef struct gate {
  pthread_mutex_t mutex;
  pthread_cond_t cond;
  bool send_started, writer_done, writer_ok, timed_out;
  wx_replica* r;
} gate;

/* Waits until *flag, at most 30 s; false on time-out. */
static bool wait_for(gate* g, bool* flag) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += 30;
  pthread_mutex_lock(&g->mutex);
  int rc = 0;
  while (!*flag && rc == 0) rc = pthread_cond_timedwait(&g->cond, &g->mutex, &until);
  bool ok = *flag;
  pthread_mutex_unlock(&g->mutex);
  return ok;
}

static void set_flag(gate* g, bool* flag) {
  pthread_mutex_lock(&g->mutex);
  *flag = true;
  pthread_cond_broadcast(&g->cond);
  pthread_mutex_unlock(&g->mutex);
}

/* The send hook: the first sync request waits until the writer has written. */
static void hold_first_sync(http_ctx* ctx, const wx_http_request* request) {
  gate* g = ctx->hook_data;
  if (!strstr(request->url, "/v1/sync") || g->send_started) return;
  set_flag(g, &g->send_started);
  if (!wait_for(g, &g->writer_done)) g->timed_out = true;
}

static void* writer(void* arg) {
  gate* g = arg;
  if (!wait_for(g, &g->send_started)) return NULL;
  wx_error err;
  wx_buffer* id = wx_replica_put(g->r, "{\"type\":\"contact\",\"name\":\"Tijdens de sync\"}", &err);
  uint64_t n = 0;
  g->writer_ok = id != NULL && wx_replica_count(g->r, NULL, &n, &err) && n >= 2;
  wx_buffer_free(id);
  set_flag(g, &g->writer_done);
  return NULL;
}

void scenario_sync_while_writing(void) {
  wx_error err;
  test_server* s = server_start("server");
  wx_transport* curl = quick_curl();
  int frees = 0;
  http_ctx* ctx = http_ctx_new(&frees);
  gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, false, false, false, NULL};
  ctx->before_send = hold_first_sync;
  ctx->hook_data = &g;
  wx_transport* slow = wx_transport_new_callback(http_send, ctx, http_ctx_free, &err);
  REQUIRE(slow != NULL);
  g.r = enrolled(s, curl, "sem.db", "Sem");
  wx_replica* mentor = enrolled(s, curl, "mentor.db", "Mevrouw Jansen");
  free(TAKE(wx_dossier_plan_activity(g.r, "{\"kind\":\"interview\",\"title\":\"Vooraf\"}", &err)));

  pthread_t w;
  REQUIRE(pthread_create(&w, NULL, writer, &g) == 0);
  char* report = TAKE(wx_sync_run(g.r, slow, NULL, &err));
  pthread_join(w, NULL);
  CHECK(g.send_started);
  CHECK(!g.timed_out); /* the writer got the replica while the send was blocked */
  CHECK(g.writer_done && g.writer_ok);
  CHECK_HAS(report, "\"rejected\":[]");
  free(report);

  /* Whatever the first sync did not carry, the next one does; the mentor sees both. */
  free(sync_ok(g.r, curl));
  free(sync_ok(mentor, curl));
  uint64_t n = 0;
  CHECK_OK(wx_replica_count(mentor, "{\"type\":\"contact\"}", &n, &err));
  CHECK(n == 1);
  CHECK_OK(wx_replica_count(mentor, "{\"type\":\"activity\"}", &n, &err));
  CHECK(n == 1);
  wx_replica_release(g.r);
  wx_replica_release(mentor);
  wx_transport_release(slow);
  wx_transport_release(curl);
  CHECK(frees == 1);
  server_stop(s);
}
