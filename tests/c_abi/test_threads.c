/* Two threads on one replica (offline): concurrent writers and a reader, and a close that
 * waits for a call in progress on another thread. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "scenarios.h"
#include "support.h"

#define SEM "0190a000-0000-7000-8000-000000000001"
enum { kPerWriter = 150 };

typedef struct shared {
  wx_replica* r;
  atomic_int done_writers;
  atomic_int failures;
  atomic_int observed;
  atomic_int succeeded;
  atomic_int other_errors;
} shared;

static void* writer(void* arg) {
  shared* s = ((shared**)arg)[0];
  int index = (int)(intptr_t)((void**)arg)[1];
  for (int i = 0; i < kPerWriter; ++i) {
    char doc[128];
    snprintf(doc, sizeof doc, "{\"type\":\"contact\",\"name\":\"w%d-%d\"}", index, i);
    wx_error err;
    wx_buffer* id = wx_replica_put(s->r, doc, &err);
    if (!id) {
      fprintf(stderr, "writer %d: %s\n", index, err.message);
      atomic_fetch_add(&s->failures, 1);
    }
    wx_buffer_free(id);
  }
  atomic_fetch_add(&s->done_writers, 1);
  return NULL;
}

static void* reader(void* arg) {
  shared* s = arg;
  uint64_t last = 0;
  int rounds = 0;
  while (atomic_load(&s->done_writers) < 2 || rounds < 3) {
    ++rounds;
    wx_error err;
    uint64_t n = 0;
    if (!wx_replica_count(s->r, "{\"type\":\"contact\"}", &n, &err) || n < last)
      atomic_fetch_add(&s->failures, 1);
    last = n;
    wx_buffer* list = wx_replica_list(s->r, "{\"type\":\"contact\",\"limit\":5}", &err);
    if (!list || !json_balanced(list->data)) atomic_fetch_add(&s->failures, 1);
    wx_buffer_free(list);
    wx_buffer* status = wx_replica_status(s->r, &err);
    if (!status || !json_balanced(status->data)) atomic_fetch_add(&s->failures, 1);
    wx_buffer_free(status);
  }
  return NULL;
}

static void count_changes(void* ctx, const char* changes, size_t size) {
  (void)size;
  atomic_fetch_add(&((shared*)ctx)->observed, (int)count_of(changes, "\"entity\":"));
}

/* Puts until the replica is closed under it: each call succeeds or fails with WX_CLOSED. */
static void* put_until_closed(void* arg) {
  shared* s = arg;
  for (int i = 0; i < 100000; ++i) {
    wx_error err;
    wx_buffer* id = wx_replica_put(s->r, "{\"type\":\"contact\",\"name\":\"tot sluiten\"}", &err);
    if (id) {
      atomic_fetch_add(&s->succeeded, 1);
      wx_buffer_free(id);
      continue;
    }
    if (err.code != WX_CLOSED) {
      fprintf(stderr, "put during close: %s: %s\n", wx_error_code_name(err.code), err.message);
      atomic_fetch_add(&s->other_errors, 1);
    }
    break;
  }
  return NULL;
}

void scenario_threads_writing(void) {
  wx_error err;
  shared s = {0};
  s.r = open_replica("threads.db", SEM, "pupil");
  wx_observer* o = wx_replica_observe(s.r, NULL, count_changes, &s, NULL, &err);
  REQUIRE(o != NULL);
  pthread_t w1, w2, rd;
  void* a1[2] = {&s, (void*)(intptr_t)1};
  void* a2[2] = {&s, (void*)(intptr_t)2};
  REQUIRE(pthread_create(&w1, NULL, writer, a1) == 0);
  REQUIRE(pthread_create(&w2, NULL, writer, a2) == 0);
  REQUIRE(pthread_create(&rd, NULL, reader, &s) == 0);
  pthread_join(w1, NULL);
  pthread_join(w2, NULL);
  pthread_join(rd, NULL);
  CHECK(atomic_load(&s.failures) == 0);
  uint64_t n = 0;
  CHECK_OK(wx_replica_count(s.r, "{\"type\":\"contact\"}", &n, &err));
  CHECK(n == 2 * kPerWriter);
  CHECK(atomic_load(&s.observed) == 2 * kPerWriter);
  char* dump = TAKE(wx_replica_dump(s.r, &err));
  CHECK(json_balanced(dump));
  CHECK(count_of(dump, "\"type\":\"contact\"") == 2 * kPerWriter);
  CHECK_HAS(dump, "\"name\":\"w1-0\"");
  CHECK_HAS(dump, "\"name\":\"w2-149\"");
  free(dump);
  wx_observer_release(o);

  /* Close while another thread writes: it waits for the call in progress; every later call
   * is WX_CLOSED; what succeeded is in the file. */
  pthread_t p;
  REQUIRE(pthread_create(&p, NULL, put_until_closed, &s) == 0);
  while (atomic_load(&s.succeeded) < 5) {
    uint64_t m;
    CHECK_OK(wx_replica_count(s.r, NULL, &m, &err));
  }
  CHECK_OK(wx_replica_close(s.r, &err));
  pthread_join(p, NULL);
  CHECK(atomic_load(&s.other_errors) == 0);
  wx_replica_release(s.r);
  wx_replica* again = open_replica("threads.db", NULL, NULL);
  CHECK_OK(wx_replica_count(again, "{\"type\":\"contact\"}", &n, &err));
  CHECK(n == 2 * kPerWriter + (uint64_t)atomic_load(&s.succeeded));
  wx_replica_release(again);
}
