/* every_call.h: one call of every function that takes a replica (and of the transport-taking
 * ones with a NULL or foreign transport), each expected to fail with one code. Used with a
 * NULL handle, a foreign handle and a closed replica. */
#ifndef WX_TEST_EVERY_CALL_H
#define WX_TEST_EVERY_CALL_H

#include <stdbool.h>

#include "werkex.h"

/* Calls every replica function on `r` with valid-looking arguments and `t` as transport;
 * each must fail with `want`. With `use_error` false the calls get out_error NULL and only
 * the return values are checked. Observe's free_ctx must run once per call either way.
 * Returns how many calls were made. */
int every_replica_call(wx_replica* r, wx_transport* t, wx_error_code want, bool use_error);

/* The sync and blob calls on a good replica with transport `t` (NULL or foreign): each must
 * fail with WX_INVALID_ARGUMENT. */
void every_transport_call(wx_replica* r, wx_transport* t);

#endif /* WX_TEST_EVERY_CALL_H */
