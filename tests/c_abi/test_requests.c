/* Offline: placement requests (werkex_requests.h) as an app calls them, the input checks and
 * the empty lists; the whole journey (pupil asks, counsellor accepts, through the server) is
 * tests/cli/cli_cycle_roles_test.cpp and tests/integration/cycle_roles_test.cpp. */
#include <stdlib.h>

#include "scenarios.h"
#include "support.h"

#define SEM "0190a000-0000-7000-8000-000000000001"
#define NOWHERE "0190a000-0000-7000-8000-00000000dead"

void scenario_requests(void) {
  wx_error err;
  wx_replica* r = open_replica("requests.db", SEM, "pupil");
  char* list = TAKE(wx_placement_requests(r, false, &err));
  CHECK_STREQ(list, "[]");
  free(list);
  CHECK_FAILS_BUF(wx_placement_ask(r, "{\"company\":\"" NOWHERE "\"}", &err), WX_INVALID_ARGUMENT);
  CHECK_HAS(err.message, "not a company of the network");
  CHECK_FAILS_BUF(wx_placement_ask(r, "{\"company\":\"" NOWHERE "\",\"colour\":1}", &err),
                  WX_INVALID_ARGUMENT);
  CHECK_HAS(err.message, "colour");
  CHECK_FAILS_BUF(wx_placement_ask(r, "{}", &err), WX_INVALID_ARGUMENT);
  CHECK_FAILS_BUF(wx_placement_accept(r, NOWHERE, "{\"start_date\":\"2027-03-01\"}", &err),
                  WX_NOT_FOUND);
  CHECK_FAILS(wx_placement_decline(r, NOWHERE, NULL, &err), WX_NOT_FOUND);
  list = TAKE(wx_placement_requests(r, true, &err));
  CHECK_STREQ(list, "[]");
  free(list);
  wx_replica_release(r);
}
