/* http_client.h: the send callback of the callback-transport scenarios, and the minimal
 * blocking HTTP/1.1 client over a POSIX socket that it forwards to (loopback only: http://,
 * Connection: close, Content-Length bodies, as werkex-server answers).
 *
 * The context counts requests and its own free, can fail every request (as an app's HTTP
 * stack does offline), answer without setting a status (a buggy binding), and run a hook
 * before each request (the thread scenario blocks there). */
#ifndef WX_TEST_HTTP_CLIENT_H
#define WX_TEST_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "werkex.h"

/* HTTP_BLOB_FORBIDDEN answers every /v1/blobs/ request with 403 (as for a blob the device
 * may not upload) and forwards the rest. */
typedef enum http_mode { HTTP_FORWARD, HTTP_FAIL, HTTP_NO_STATUS, HTTP_BLOB_FORBIDDEN } http_mode;

typedef struct http_ctx http_ctx;
struct http_ctx {
  int magic;
  int* frees;
  http_mode mode;
  const char* fail_message; /* HTTP_FAIL: the message handed back */
  int requests;             /* every call of the callback */
  int blob_puts;            /* PUT /v1/blobs/... forwarded */
  size_t blob_bytes;        /* their body bytes */
  void (*before_send)(http_ctx* ctx, const wx_http_request* request);
  void* hook_data;
};

/* A context owned by the transport from wx_transport_new_callback on. */
http_ctx* http_ctx_new(int* frees);
/* The wx_send_fn. */
bool http_send(void* ctx, const wx_http_request* request, wx_http_response* response,
               wx_error* out_error);
/* The wx_free_fn: counts, checks the magic, frees. */
void http_ctx_free(void* ctx);

/* The plain client: one request, the answer put into `response`. */
bool http_forward(const wx_http_request* request, wx_http_response* response, wx_error* out_error);

#endif /* WX_TEST_HTTP_CLIENT_H */
