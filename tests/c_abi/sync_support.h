/* sync_support.h: devices for the scenarios against the real server: a replica enrolled
 * through a transport, syncing, and helpers on what a sync reports. */
#ifndef WX_TEST_SYNC_SUPPORT_H
#define WX_TEST_SYNC_SUPPORT_H

#include "http_client.h"
#include "server.h"
#include "support.h"

/* A replica at test_path(name), its server set to s->url and enrolled with `who`'s demo
 * code through `t`; fatal on failure. */
wx_replica* enrolled(const test_server* s, wx_transport* t, const char* name, const char* who);
/* wx_sync_run that must succeed with nothing refused; returns the report (malloc'd). */
char* sync_ok(wx_replica* r, wx_transport* t);
/* The replica's user id (malloc'd). */
char* user_of(wx_replica* r);
/* A libcurl transport with short timeouts for loopback. */
wx_transport* quick_curl(void);

#endif /* WX_TEST_SYNC_SUPPORT_H */
