/* Observers (offline) and transports without a server: contexts freed exactly once, strict
 * options, a failing send callback, a callback that answers without a status. */
#include <stdlib.h>

#include "http_client.h"
#include "scenarios.h"
#include "support.h"

#define SEM "0190a000-0000-7000-8000-000000000001"

typedef struct obs_ctx {
  int magic;
  int* frees;
  int calls;
  char last[8192];
  wx_replica* reenter; /* counts entities from inside the callback when set */
  uint64_t seen;
} obs_ctx;

static obs_ctx* obs_new(int* frees) {
  obs_ctx* c = calloc(1, sizeof *c);
  if (!c) abort();
  c->magic = 1234;
  c->frees = frees;
  return c;
}

static void obs_free(void* ctx) {
  obs_ctx* c = ctx;
  CHECK(c && c->magic == 1234);
  ++*c->frees;
  c->magic = 0;
  free(c);
}

static void obs_record(void* ctx, const char* changes, size_t size) {
  obs_ctx* c = ctx;
  CHECK(c->magic == 1234);
  CHECK(strlen(changes) == size);
  CHECK(json_balanced(changes) && changes[0] == '[');
  ++c->calls;
  snprintf(c->last, sizeof c->last, "%s", changes);
  if (c->reenter) {
    wx_error err;
    CHECK_OK(wx_replica_count(c->reenter, NULL, &c->seen, &err));
  }
}

void scenario_observers(void) {
  wx_error err;
  int frees = 0, made = 0;
  wx_replica* r = open_replica("obs.db", SEM, "pupil");
  obs_ctx* all = obs_new(&frees);
  obs_ctx* contacts = obs_new(&frees);
  obs_ctx* other = obs_new(&frees);
  obs_ctx* reenter = obs_new(&frees);
  reenter->reenter = r;
  made += 4;
  wx_observer* o_all = wx_replica_observe(r, NULL, obs_record, all, obs_free, &err);
  wx_observer* o_contacts =
      wx_replica_observe(r, "{\"type\":\"contact\"}", obs_record, contacts, obs_free, &err);
  wx_observer* o_other =
      wx_replica_observe(r, "{\"bucket\":\"pupil:other\"}", obs_record, other, obs_free, &err);
  wx_observer* o_reenter =
      wx_replica_observe(r, "{\"type\":\"activity\",\"bucket\":\"pupil:" SEM "\"}", obs_record,
                         reenter, obs_free, &err);
  REQUIRE(o_all && o_contacts && o_other && o_reenter);

  char* act = TAKE(wx_replica_put(r, "{\"type\":\"activity\",\"kind\":\"gastles\"}", &err));
  CHECK(all->calls == 1 && contacts->calls == 0 && other->calls == 0);
  char* want = str_printf("\"entity\":\"%s\"", act);
  CHECK_HAS(all->last, want);
  free(want);
  CHECK_HAS(all->last, "\"type\":\"activity\"");
  CHECK_HAS(all->last, "\"bucket\":\"pupil:" SEM "\"");
  CHECK_HAS(all->last, "\"deleted\":false");
  /* The observer ran after the commit and could call back in (the lock is reentrant). */
  CHECK(reenter->calls == 1 && reenter->seen == 1);

  char* contact = TAKE(wx_dossier_add_contact(r, "{\"name\":\"Juf Ria\"}", &err));
  CHECK(all->calls == 2 && contacts->calls == 1 && reenter->calls == 1);
  CHECK_OK(wx_replica_delete(r, contact, &err));
  CHECK(contacts->calls == 2);
  CHECK_HAS(contacts->last, "\"deleted\":true");
  CHECK_FAILS_BUF(wx_replica_put(r, "{\"type\":\"contact\"}", &err), WX_INVALID_ARGUMENT);
  CHECK(all->calls == 3 && contacts->calls == 2); /* a refused write tells nobody */

  /* Only type and bucket filter an observer; refused ones free their context at once. */
  static const char* const bad[] = {"{\"limit\":1}", "{\"order_by\":\"title\"}", "{\"type\":5}",
                                    "{\"type\":", "{\"field\":\"kind\",\"equals\":\"x\"}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    int before = frees;
    CHECK_FAILS(wx_replica_observe(r, bad[i], obs_record, obs_new(&frees), obs_free, &err),
                WX_INVALID_ARGUMENT);
    ++made;
    CHECK(frees == before + 1);
  }
  /* A NULL free_ctx is allowed. */
  int plain_calls = 0;
  obs_ctx plain = {1234, &plain_calls, 0, {0}, NULL, 0};
  wx_observer* o_plain = wx_replica_observe(r, NULL, obs_record, &plain, NULL, &err);
  REQUIRE(o_plain != NULL);

  /* An import is a write: observers hear of it on the importing thread. */
  wx_replica* tablet = open_replica("obs-tablet.db", SEM, "pupil");
  char* remote = TAKE(wx_dossier_add_contact(tablet, "{\"name\":\"Buurman\"}", &err));
  char* bundle = TAKE(wx_replica_export(tablet, 0, 0, &err));
  free(TAKE(wx_replica_import(r, bundle, &err)));
  free(bundle);
  CHECK(contacts->calls == 3);
  want = str_printf("\"entity\":\"%s\"", remote);
  CHECK_HAS(contacts->last, want);
  free(want);
  CHECK(plain.calls == 1);

  /* Released: never called again, context freed now. */
  int before = frees;
  wx_observer_release(o_contacts);
  CHECK(frees == before + 1);
  free(TAKE(wx_dossier_add_contact(r, "{\"name\":\"Nog een\"}", &err)));
  CHECK(all->calls == 5); /* `contacts` was freed: ASan would see a call to it */
  wx_observer_release(o_plain);
  CHECK(plain.calls == 2);

  /* Closed: nobody hears anything; releasing after close and after release both work. */
  CHECK_OK(wx_replica_close(r, &err));
  int all_calls = all->calls;
  CHECK_FAILS_BUF(wx_replica_put(r, "{\"type\":\"contact\",\"name\":\"x\"}", &err), WX_CLOSED);
  CHECK(all->calls == all_calls);
  CHECK(plain.calls == 2);
  before = frees;
  wx_observer_release(o_all);
  CHECK(frees == before + 1);
  wx_replica_release(r);
  wx_observer_release(o_other);
  wx_observer_release(o_reenter);
  CHECK(frees == made);
  free(act);
  free(contact);
  free(remote);
  wx_replica_release(tablet);
}

void scenario_transports(void) {
  wx_error err;
#ifdef WX_TEST_HAS_CURL
  /* libcurl options, read strictly. */
  wx_transport* t = wx_transport_new_curl(
      "{\"connect_timeout_ms\":500,\"timeout_ms\":2000,\"max_attempts\":1,\"backoff_ms\":10,"
      "\"ca_file\":\"\",\"verify_peer\":true,\"user_agent\":\"werkex-c-test\"}",
      &err);
  REQUIRE(t != NULL);
  CHECK_FAILS(wx_transport_new_curl("{\"timeout_ms\":\"lang\"}", &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS(wx_transport_new_curl("{\"timeot_ms\":1}", &err), WX_INVALID_ARGUMENT);
  CHECK_HAS(err.message, "timeot_ms");
  CHECK_FAILS(wx_transport_new_curl("{\"verify_peer\":", &err), WX_INVALID_ARGUMENT);
  CHECK(wx_transport_new_curl("[]", NULL) == NULL);
#else
  /* A build without libcurl refuses it, naming the way out. */
  CHECK_FAILS(wx_transport_new_curl(NULL, &err), WX_INVALID_ARGUMENT);
  CHECK_HAS(err.message, "wx_transport_new_callback");
#endif

  wx_replica* r = open_replica("t.db", SEM, "pupil");
  free(TAKE(wx_replica_put(r, "{\"type\":\"contact\",\"name\":\"Piet\"}", &err)));
  int frees = 0;
  http_ctx* failing = http_ctx_new(&frees);
  failing->mode = HTTP_FAIL;
  failing->fail_message = "geen netwerk (test)";
  wx_transport* cb = wx_transport_new_callback(http_send, failing, http_ctx_free, &err);
  REQUIRE(cb != NULL);

  /* No server set: invalid (a set-up step is missing), and nothing was sent. */
  CHECK_FAILS_BUF(wx_sync_run(r, cb, NULL, &err), WX_INVALID_ARGUMENT);
  CHECK_HAS(err.message, "no server configured");
  CHECK_FAILS(wx_sync_enroll(r, cb, "ABCDE-FGHIJ", &err), WX_INVALID_ARGUMENT);
  CHECK(failing->requests == 0);
  CHECK_OK(wx_replica_set_server(r, "http://127.0.0.1:9", &err));
  /* Bad sync options are refused before anything is sent. */
  CHECK_FAILS_BUF(wx_sync_run(r, cb, "{\"wire\":\"xml\"}", &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS_BUF(wx_sync_run(r, cb, "{\"page_limit\":\"veel\"}", &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS_BUF(wx_sync_run(r, cb, "{\"pagelimit\":5}", &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS_BUF(wx_sync_run(r, cb, "{", &err), WX_INVALID_ARGUMENT);
  CHECK(failing->requests == 0);

  /* A send that fails: unavailable, transient, the app's message kept. */
  CHECK_FAILS(wx_sync_enroll(r, cb, "ABCDE-FGHIJ", &err), WX_UNAVAILABLE);
  CHECK(wx_error_is_transient(&err));
  CHECK_HAS(err.message, "geen netwerk (test)");
  CHECK(failing->requests >= 1);
#ifdef WX_TEST_HAS_CURL
  /* libcurl to a closed port: the same. */
  CHECK_FAILS(wx_sync_enroll(r, t, "ABCDE-FGHIJ", &err), WX_UNAVAILABLE);
  CHECK(wx_error_is_transient(&err));
#endif

  /* A long message from the app is cut at a character boundary. */
  char long_message[WX_ERROR_MESSAGE_MAX];
  size_t n = 0;
  long_message[n++] = 'x';
  while (n + 2 < sizeof long_message) {
    long_message[n++] = (char)0xc3;
    long_message[n++] = (char)0xa9;
  }
  long_message[n] = '\0';
  failing->fail_message = long_message;
  CHECK_FAILS(wx_sync_enroll(r, cb, "ABCDE-FGHIJ", &err), WX_UNAVAILABLE);
  size_t len = strnlen(err.message, sizeof err.message);
  CHECK(len < sizeof err.message && len >= sizeof err.message - 4);
  CHECK(utf8_valid(err.message, len));
  CHECK(!wx_sync_enroll(r, cb, "ABCDE-FGHIJ", NULL));

  /* Answered "true" without a status: a failure of the call, not a crash or a success. */
  failing->mode = HTTP_NO_STATUS;
  wx_test_poison(&err);
  CHECK(!wx_sync_enroll(r, cb, "ABCDE-FGHIJ", &err));
  CHECK(err.code == WX_UNAVAILABLE || err.code == WX_INTERNAL);
  CHECK(memchr(err.message, '\0', sizeof err.message) != NULL);
  fprintf(stderr, "note: callback without status -> %s: %s\n", wx_error_code_name(err.code),
          err.message);

  /* Blob upload: "none" stops without an error or a request; an unknown network is refused. */
  failing->mode = HTTP_FAIL;
  failing->fail_message = "geen netwerk (test)";
  char* act = TAKE(wx_dossier_plan_activity(r, "{\"kind\":\"gastles\"}", &err));
  REQUIRE(write_file(test_path("t.pdf"), "%PDF-1.4", 8));
  free(TAKE(wx_blob_attach(r, act, test_path("t.pdf"), "application/pdf", NULL, &err)));
  free(act);
  int requests = failing->requests;
  char* report = TAKE(wx_blob_upload(r, cb, "none", &err));
  CHECK_HAS(report, "\"uploaded\":0");
  CHECK_HAS(report, "\"pending\":1");
  CHECK_HAS(report, "\"note\":\"no network");
  CHECK(failing->requests == requests);
  free(report);
  /* Not enrolled: the run stops (not an error), the blob stays queued. */
  report = TAKE(wx_blob_upload(r, cb, "wifi", &err));
  CHECK_HAS(report, "\"uploaded\":0");
  CHECK_HAS(report, "\"pending\":1");
  CHECK_HAS(report, "\"stopped\":{\"code\":\"unauthenticated\"");
  free(report);
  CHECK_FAILS_BUF(wx_blob_upload(r, cb, "5g", &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS(wx_blob_set_policy(r, "soms", &err), WX_INVALID_ARGUMENT);

  /* Nothing was lost on the way: the contact still waits to be pushed. */
  char* status = TAKE(wx_replica_status(r, &err));
  CHECK(json_int(status, "waiting_to_push", 0) > 0);
  CHECK_HAS(status, "\"user\":\"" SEM "\""); /* no enrolment took place */
  free(status);

  CHECK(frees == 0);
  wx_transport_release(cb);
  CHECK(frees == 1);
#ifdef WX_TEST_HAS_CURL
  wx_transport_release(t);
#endif
  /* A callback transport without free_ctx. */
  http_ctx plain = {8080, &frees, HTTP_FAIL, "x", 0, 0, 0, NULL, NULL};
  cb = wx_transport_new_callback(http_send, &plain, NULL, &err);
  REQUIRE(cb != NULL);
  wx_transport_release(cb);
  CHECK(frees == 1);
  wx_replica_release(r);
}
