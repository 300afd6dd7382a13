/* Network calls and other threads: closing a replica while another thread's call waits on
 * the network (the close lets the call notice, its send coming back as WX_CLOSED, waits for
 * it, and only then closes), and two syncs at once taking turns. */
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

/* Two enrolments at once on one replica: the second waits for the first's turn, so no two
 * sends ever overlap. The first send waits (bounded) for an overlapping one that must not
 * come. */
typedef struct turn_ctx {
  atomic_int in_flight;
  atomic_int max_in_flight;
  atomic_int sends;
} turn_ctx;

static bool send_and_linger(void* ctx, const wx_http_request* request, wx_http_response* response,
                            wx_error* out_error) {
  (void)request;
  (void)response;
  turn_ctx* t = ctx;
  int now = atomic_fetch_add(&t->in_flight, 1) + 1;
  atomic_fetch_add(&t->sends, 1);
  for (int i = 0; i < 300; ++i) {
    int seen = atomic_load(&t->in_flight);
    if (seen > atomic_load(&t->max_in_flight)) atomic_store(&t->max_in_flight, seen);
    if (seen > 1) break;
    sleep_1ms();
  }
  if (now > atomic_load(&t->max_in_flight)) atomic_store(&t->max_in_flight, now);
  atomic_fetch_sub(&t->in_flight, 1);
  snprintf(out_error->message, sizeof out_error->message, "test: no answer");
  return false;
}

typedef struct enroll_args {
  wx_replica* r;
  wx_transport* t;
  wx_error_code result;
} enroll_args;

static void* enroll_once(void* arg) {
  enroll_args* a = arg;
  wx_error err;
  a->result = wx_sync_enroll(a->r, a->t, "ABCDE-FGHIJ", &err) ? WX_OK : err.code;
  return NULL;
}

void scenario_syncs_take_turns(void) {
  wx_error err;
  turn_ctx t = {0};
  wx_replica* r = open_replica("turns.db", NULL, NULL);
  CHECK_OK(wx_replica_set_server(r, "http://127.0.0.1:9", &err));
  /* One transport each, so only the replica's turn can keep the sends apart. */
  wx_transport* t1 = wx_transport_new_callback(send_and_linger, &t, NULL, &err);
  wx_transport* t2 = wx_transport_new_callback(send_and_linger, &t, NULL, &err);
  REQUIRE(t1 && t2);
  enroll_args a1 = {r, t1, WX_OK}, a2 = {r, t2, WX_OK};
  pthread_t p1, p2;
  REQUIRE(pthread_create(&p1, NULL, enroll_once, &a1) == 0);
  REQUIRE(pthread_create(&p2, NULL, enroll_once, &a2) == 0);
  pthread_join(p1, NULL);
  pthread_join(p2, NULL);
  CHECK(atomic_load(&t.sends) == 2);
  CHECK(atomic_load(&t.max_in_flight) == 1);
  CHECK(a1.result == WX_UNAVAILABLE);
  CHECK(a2.result == WX_UNAVAILABLE);
  wx_transport_release(t1);
  wx_transport_release(t2);
  wx_replica_release(r);
}
