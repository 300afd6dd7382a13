/* sync_support.c: see sync_support.h. */
#include "sync_support.h"

#include <stdlib.h>

wx_replica* enrolled(const test_server* s, wx_transport* t, const char* name, const char* who) {
  wx_error err;
  wx_replica* r = open_replica(name, NULL, NULL);
  CHECK_OK(wx_replica_set_server(r, s->url, &err));
  CHECK_OK(wx_sync_enroll(r, t, server_code(s, who), &err));
  REQUIRE(err.code == (wx_error_code)0x5a5a); /* untouched: enrolment succeeded */
  return r;
}

char* sync_ok(wx_replica* r, wx_transport* t) {
  wx_error err;
  char* report = TAKE(wx_sync_run(r, t, NULL, &err));
  CHECK(json_balanced(report));
  CHECK_HAS(report, "\"rejected\":[]");
  return report;
}

char* user_of(wx_replica* r) {
  wx_error err;
  char* status = TAKE(wx_replica_status(r, &err));
  char* user = json_string(status, "user");
  free(status);
  REQUIRE(user != NULL);
  return user;
}

wx_transport* quick_curl(void) {
  wx_error err;
  wx_transport* t = wx_transport_new_curl(
      "{\"connect_timeout_ms\":2000,\"timeout_ms\":20000,\"max_attempts\":2,\"backoff_ms\":50}",
      &err);
  REQUIRE(t != NULL);
  return t;
}
