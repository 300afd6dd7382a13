/* Closing a replica while another thread's call waits on the network: the close lets the
 * call notice (its send comes back as WX_CLOSED), waits for it, and only then closes. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include "scenarios.h"
#include "support.h"

static void sleep_1ms(void) {
  struct timespec ts = {0, 1000000};
  nanosleep(&ts, NULL);
}

typedef struct closing_ctx {
  wx_replica* r;
  atomic_int in_send;
  atomic_int saw_closed;
} closing_ctx;

/* Signals that it is sending, then waits (bounded) until the replica reads as closed from
 * this very thread: proof that close() began while this call was on the network. */
static bool send_until_closed(void* ctx, const wx_http_request* request, wx_http_response* response,
                              wx_error* out_error) {
  (void)request;
  (void)response;
  closing_ctx* c = ctx;
  atomic_store(&c->in_send, 1);
  for (int i = 0; i < 30000; ++i) {
    uint64_t n;
    wx_error err;
    if (!wx_replica_count(c->r, NULL, &n, &err) && err.code == WX_CLOSED) {
      atomic_store(&c->saw_closed, 1);
      break;
    }
    sleep_1ms();
  }
  snprintf(out_error->message, sizeof out_error->message, "test: no answer");
  return false;
}

static void* enroll_thread(void* arg) {
  closing_ctx* c = arg;
  wx_transport* t = wx_transport_new_callback(send_until_closed, c, NULL, NULL);
  wx_error err;
  static wx_error_code result;
  result = wx_sync_enroll(c->r, t, "ABCDE-FGHIJ", &err) ? WX_OK : err.code;
  wx_transport_release(t);
  return &result;
}

void scenario_close_during_sync(void) {
  wx_error err;
  closing_ctx c = {0};
  c.r = open_replica("closing.db", NULL, NULL);
  CHECK_OK(wx_replica_set_server(c.r, "http://127.0.0.1:9", &err));
  pthread_t t;
  REQUIRE(pthread_create(&t, NULL, enroll_thread, &c) == 0);
  for (int i = 0; i < 30000 && !atomic_load(&c.in_send); ++i) sleep_1ms();
  REQUIRE(atomic_load(&c.in_send));
  /* The enrolment waits on the network without the lock, so close gets in, marks the
   * replica closing and waits for the enrolment to come back. */
  CHECK_OK(wx_replica_close(c.r, &err));
  void* result = NULL;
  pthread_join(t, &result);
  CHECK(atomic_load(&c.saw_closed));
  CHECK(*(wx_error_code*)result == WX_CLOSED);
  uint64_t n;
  CHECK_FAILS(wx_replica_count(c.r, NULL, &n, &err), WX_CLOSED);
  wx_replica_release(c.r);
  /* The file is intact and reopens. */
  wx_replica* again = open_replica("closing.db", NULL, NULL);
  CHECK_OK(wx_replica_count(again, NULL, &n, &err));
  wx_replica_release(again);
}
