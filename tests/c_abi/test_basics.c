/* Version, error codes, buffers, NULL and foreign handles, and a closed replica. */
#include <stdio.h>
#include <stdlib.h>

#include "every_call.h"
#include "scenarios.h"
#include "support.h"

/* NULL is passed on purpose where werkex.h says non-null: the library must refuse it. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wnonnull"
#endif

static const char* const kNames[] = {
    "ok",        "invalid_argument", "not_found",    "conflict",        "permission_denied",
    "io",        "corrupt",          "clock_skew",   "unauthenticated", "unavailable",
    "too_large", "internal",         "rate_limited", "closed"};

void scenario_version_and_errors(void) {
  CHECK(wx_abi_version() == WX_ABI_VERSION);
  CHECK_STREQ(wx_version(), WX_EXPECTED_VERSION);
  CHECK(wx_version() == wx_version()); /* a static string */

  /* A name for every code, stable and distinct. */
  CHECK(WX_ERROR_CODE_MAX == WX_CLOSED);
  CHECK(sizeof kNames / sizeof kNames[0] == (size_t)WX_ERROR_CODE_MAX + 1);
  for (int c = 0; c <= WX_ERROR_CODE_MAX; ++c) {
    const char* name = wx_error_code_name((wx_error_code)c);
    CHECK_STREQ(name, kNames[c]);
    for (int d = 0; d < c; ++d) CHECK(strcmp(name, wx_error_code_name((wx_error_code)d)) != 0);
  }
  CHECK(wx_error_code_name((wx_error_code)(WX_ERROR_CODE_MAX + 1)) != NULL);
  CHECK(wx_error_code_name((wx_error_code)-1) != NULL);

  /* Transient: only what may succeed later. */
  wx_error e = {0};
  for (int c = 0; c <= WX_ERROR_CODE_MAX; ++c) {
    e.code = (wx_error_code)c;
    bool want = c == WX_UNAVAILABLE || c == WX_RATE_LIMITED;
    CHECK(wx_error_is_transient(&e) == want);
  }

  /* NULL is ignored by every free and release. */
  wx_buffer_free(NULL);
  wx_replica_release(NULL);
  wx_transport_release(NULL);
  wx_observer_release(NULL);

  /* A message longer than the array is cut at a character boundary and NUL-terminated: an
   * unknown field name of 3,001 bytes ("x" then 1,500 two-byte characters) is named in it. */
  wx_replica* r = open_replica("long.db", "0190a000-0000-7000-8000-000000000001", "pupil");
  for (int shift = 0; shift < 2; ++shift) {
    size_t cap = 3100;
    char* doc = malloc(cap);
    int n = snprintf(doc, cap, "{\"type\":\"contact\",\"name\":\"Piet\",\"%s", shift ? "x" : "");
    for (int i = 0; i < 1500; ++i) n += snprintf(doc + n, cap - (size_t)n, "\xc3\xa9");
    snprintf(doc + n, cap - (size_t)n, "\":1}");
    wx_error err;
    CHECK_FAILS_BUF(wx_replica_put(r, doc, &err), WX_INVALID_ARGUMENT);
    size_t len = strnlen(err.message, sizeof err.message);
    CHECK(len < sizeof err.message);
    CHECK(len >= sizeof err.message - 4); /* cut, not replaced by a short message */
    CHECK(utf8_valid(err.message, len));
    CHECK_HAS(err.message, "\xc3\xa9\xc3\xa9\xc3\xa9");
    /* The same call with out_error NULL fails the same way without writing anywhere. */
    wx_buffer* b = wx_replica_put(r, doc, NULL);
    CHECK(b == NULL);
    wx_buffer_free(b);
    free(doc);
  }
  uint64_t count = 99;
  wx_error err;
  CHECK_OK(wx_replica_count(r, NULL, &count, &err));
  CHECK(count == 0); /* nothing of the refused puts was written */
  wx_replica_release(r);
}

static void observer_never(void* ctx, const char* changes, size_t size) {
  (void)ctx;
  (void)changes;
  (void)size;
  wx_test_fail(__FILE__, __LINE__, "observer ran", NULL);
}

/* The transport the handle checks pass around: libcurl when this build has it, otherwise
 * (WERKEX_WITH_CURL=OFF, the cross build) a callback transport that never reaches a
 * network. Neither is ever used: every call is refused before it sends. */
static bool refuse_send(void* ctx, const wx_http_request* request, wx_http_response* response,
                        wx_error* out_error) {
  (void)ctx;
  (void)request;
  (void)response;
  out_error->code = WX_UNAVAILABLE;
  snprintf(out_error->message, sizeof out_error->message, "no network in this test");
  return false;
}

static wx_transport* handle_test_transport(wx_error* err) {
#ifdef WX_TEST_HAS_CURL
  (void)refuse_send;
  return wx_transport_new_curl(NULL, err);
#else
  return wx_transport_new_callback(refuse_send, NULL, NULL, err);
#endif
}

void scenario_bad_handles(void) {
  wx_error err;
  wx_transport* curl = handle_test_transport(&err);
  REQUIRE(curl != NULL);
  /* A NULL replica, with and without out_error. */
  int calls = every_replica_call(NULL, curl, WX_INVALID_ARGUMENT, true);
  CHECK(calls >= 40);
  every_replica_call(NULL, curl, WX_INVALID_ARGUMENT, false);
  CHECK_FAILS(wx_replica_close(NULL, &err), WX_INVALID_ARGUMENT);
  CHECK(!wx_replica_close(NULL, NULL));

  /* A foreign handle: a transport passed as a replica, and zeroed memory. */
  every_replica_call((wx_replica*)(void*)curl, curl, WX_INVALID_ARGUMENT, true);
  _Alignas(16) unsigned char zeros[256] = {0};
  every_replica_call((wx_replica*)(void*)zeros, curl, WX_INVALID_ARGUMENT, true);
  CHECK_FAILS(wx_replica_close((wx_replica*)(void*)zeros, &err), WX_INVALID_ARGUMENT);

  /* A NULL or foreign transport with a good replica; nothing changes in the replica. */
  wx_replica* r = open_replica("handles.db", "0190a000-0000-7000-8000-000000000001", "pupil");
  CHECK_OK(wx_replica_set_server(r, "http://127.0.0.1:9", &err));
  every_transport_call(r, NULL);
  every_transport_call(r, (wx_transport*)(void*)r);
  every_transport_call(r, (wx_transport*)(void*)zeros);

  /* NULL required strings and out-parameters: refused, not a crash. */
  CHECK_FAILS(wx_replica_open(NULL, NULL, &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS_BUF(wx_replica_put(r, NULL, &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS_BUF(wx_replica_get(r, NULL, &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS(wx_replica_count(r, NULL, NULL, &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS(wx_replica_set_server(r, NULL, &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS_BUF(wx_replica_import(r, NULL, &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS(wx_replica_observe(r, NULL, NULL, NULL, NULL, &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS(wx_transport_new_callback(NULL, NULL, NULL, &err), WX_INVALID_ARGUMENT);
  int frees = 0;
  CHECK_FAILS(wx_transport_new_callback(NULL, counted_new(&frees), counted_free, &err),
              WX_INVALID_ARGUMENT);
  CHECK(frees == 1); /* the context is the library's even when the call fails */
  CHECK(wx_replica_observe(r, NULL, NULL, counted_new(&frees), counted_free, NULL) == NULL);
  CHECK(frees == 2);
  CHECK_FAILS(
      wx_replica_observe(NULL, NULL, observer_never, counted_new(&frees), counted_free, &err),
      WX_INVALID_ARGUMENT);
  CHECK(frees == 3);

  char* status = TAKE(wx_replica_status(r, &err));
  CHECK_HAS(status, "\"waiting_to_push\":0");
  CHECK_HAS(status, "\"last_seq\":0");
  free(status);
  wx_replica_release(r);
  wx_transport_release(curl);
}

static void count_calls(void* ctx, const char* changes, size_t size) {
  (void)changes;
  (void)size;
  ++*(int*)ctx;
}

void scenario_closed_replica(void) {
  wx_error err;
  wx_transport* curl = handle_test_transport(&err);
  REQUIRE(curl != NULL);
  wx_replica* r = open_replica("closed.db", "0190a000-0000-7000-8000-000000000001", "pupil");
  int calls = 0;
  wx_observer* o = wx_replica_observe(r, NULL, count_calls, &calls, NULL, &err);
  REQUIRE(o != NULL);
  char* id = TAKE(wx_replica_put(r, "{\"type\":\"contact\",\"name\":\"Piet\"}", &err));
  CHECK(calls == 1);

  CHECK_OK(wx_replica_close(r, &err));
  CHECK_OK(wx_replica_close(r, &err)); /* twice is fine */
  CHECK(wx_replica_close(r, NULL));
  every_replica_call(r, curl, WX_CLOSED, true);
  every_replica_call(r, curl, WX_CLOSED, false);
  CHECK_FAILS_BUF(wx_replica_get(r, id, &err), WX_CLOSED);
  CHECK(calls == 1); /* the observer heard nothing after close */
  wx_observer_release(o);
  wx_replica_release(r);

  /* The file is intact and opens again with the entity in it. */
  r = open_replica("closed.db", NULL, NULL);
  char* doc = TAKE(wx_replica_get(r, id, &err));
  CHECK_HAS(doc, "\"name\":\"Piet\"");
  free(doc);
  free(id);
  wx_replica_release(r); /* release without close closes */
  wx_transport_release(curl);
}
