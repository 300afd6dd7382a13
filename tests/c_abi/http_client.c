/* http_client.c: a blocking HTTP/1.1 client for loopback tests (see http_client.h). */
#include "http_client.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "check.h"

/* NULL is passed on purpose where werkex.h says non-null: the library must refuse it. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wnonnull"
#endif

static bool fail(wx_error* out, const char* what) {
  out->code = WX_UNAVAILABLE;
  snprintf(out->message, sizeof out->message, "test http client: %.900s", what);
  return false;
}

static bool send_all(int fd, const void* data, size_t n) {
  const char* p = data;
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= (size_t)w;
  }
  return true;
}

static bool header_is(const char* name, const char* want) {
  return strcasecmp(name, want) == 0;
}

static int connect_to(const char* host, const char* port) {
  struct addrinfo hints = {0};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  struct addrinfo* res = NULL;
  if (getaddrinfo(host, port, &hints, &res) != 0) return -1;
  int fd = -1;
  for (struct addrinfo* a = res; a && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) continue;
    struct timeval tv = {30, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  return fd;
}

/* Sends the request line, headers and body. */
static bool write_request(int fd, const wx_http_request* req, const char* host_port,
                          const char* path) {
  size_t cap = 1024 + strlen(path) + strlen(host_port);
  for (size_t i = 0; i < req->header_count; ++i)
    cap += strlen(req->headers[i].name) + strlen(req->headers[i].value) + 4;
  char* head = malloc(cap);
  if (!head) return false;
  int n = snprintf(head, cap, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n", req->method,
                   path, host_port);
  for (size_t i = 0; i < req->header_count; ++i) {
    const wx_http_header* h = &req->headers[i];
    if (header_is(h->name, "Host") || header_is(h->name, "Connection") ||
        header_is(h->name, "Content-Length"))
      continue;
    n += snprintf(head + n, cap - (size_t)n, "%s: %s\r\n", h->name, h->value);
  }
  bool has_body =
      req->body_size > 0 || strcmp(req->method, "POST") == 0 || strcmp(req->method, "PUT") == 0;
  if (has_body) n += snprintf(head + n, cap - (size_t)n, "Content-Length: %zu\r\n", req->body_size);
  n += snprintf(head + n, cap - (size_t)n, "\r\n");
  bool ok = send_all(fd, head, (size_t)n);
  free(head);
  if (ok && req->body_size > 0) ok = send_all(fd, req->body, req->body_size);
  return ok;
}

/* Everything until the server closes (malloc'd, size in *n). */
static char* read_all(int fd, size_t* n) {
  size_t cap = 65536, len = 0;
  char* buf = malloc(cap + 1);
  while (buf) {
    if (len == cap) {
      cap *= 2;
      char* bigger = realloc(buf, cap + 1);
      if (!bigger) break;
      buf = bigger;
    }
    ssize_t r = recv(fd, buf + len, cap - len, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) break;
    if (r == 0) {
      buf[len] = '\0';
      *n = len;
      return buf;
    }
    len += (size_t)r;
  }
  free(buf);
  return NULL;
}

/* Parses the answer into `response`; false if it is not a complete HTTP/1.1 answer. */
static bool parse_response(const char* raw, size_t n, bool head, wx_http_response* response,
                           wx_error* out) {
  const char* end_of_head = strstr(raw, "\r\n\r\n");
  int status = 0;
  if (!end_of_head || sscanf(raw, "HTTP/1.%*d %d", &status) != 1)
    return fail(out, "no HTTP answer");
  wx_error err;
  if (!wx_http_response_set_status(response, status, &err)) return fail(out, err.message);
  long long length = -1;
  const char* line = strstr(raw, "\r\n") + 2;
  while (line < end_of_head) {
    const char* eol = strstr(line, "\r\n");
    const char* colon = memchr(line, ':', (size_t)(eol - line));
    if (colon) {
      char* name = strndup(line, (size_t)(colon - line));
      const char* v = colon + 1;
      while (*v == ' ') ++v;
      char* value = strndup(v, (size_t)(eol - v));
      if (header_is(name, "Content-Length")) length = atoll(value);
      bool chunked = header_is(name, "Transfer-Encoding");
      bool ok = wx_http_response_add_header(response, name, value, &err);
      free(name);
      free(value);
      if (!ok) return fail(out, err.message);
      if (chunked) return fail(out, "chunked answers are not supported");
    }
    line = eol + 2;
  }
  const char* body = end_of_head + 4;
  size_t have = n - (size_t)(body - raw);
  if (head) have = 0;
  if (!head && length >= 0) {
    if ((size_t)length > have) return fail(out, "answer cut short");
    have = (size_t)length;
  }
  if (!wx_http_response_set_body(response, have ? body : NULL, have, &err))
    return fail(out, err.message);
  return true;
}

bool http_forward(const wx_http_request* req, wx_http_response* response, wx_error* out) {
  const char* url = req->url;
  if (strncmp(url, "http://", 7) != 0) return fail(out, "only http:// URLs");
  const char* host_start = url + 7;
  const char* path = strchr(host_start, '/');
  if (!path) path = "/";
  char host_port[256], host[256], port[16] = "80";
  snprintf(host_port, sizeof host_port, "%.*s", (int)(path - host_start), host_start);
  snprintf(host, sizeof host, "%s", host_port);
  char* colon = strrchr(host, ':');
  if (colon) {
    snprintf(port, sizeof port, "%s", colon + 1);
    *colon = '\0';
  }
  int fd = connect_to(host, port);
  if (fd < 0) return fail(out, "cannot connect");
  size_t n = 0;
  char* raw = write_request(fd, req, host_port, path) ? read_all(fd, &n) : NULL;
  close(fd);
  if (!raw) return fail(out, "cannot send or receive");
  bool ok = parse_response(raw, n, strcmp(req->method, "HEAD") == 0, response, out);
  free(raw);
  return ok;
}

http_ctx* http_ctx_new(int* frees) {
  http_ctx* c = calloc(1, sizeof *c);
  if (!c) abort();
  c->magic = 8080;
  c->frees = frees;
  c->mode = HTTP_FORWARD;
  return c;
}

void http_ctx_free(void* ctx) {
  http_ctx* c = ctx;
  CHECK(c != NULL && c->magic == 8080);
  if (!c) return;
  ++*c->frees;
  c->magic = 0;
  free(c);
}

bool http_send(void* ctx, const wx_http_request* request, wx_http_response* response,
               wx_error* out_error) {
  http_ctx* c = ctx;
  CHECK(c != NULL && c->magic == 8080);
  CHECK(out_error != NULL);
  ++c->requests;
  if (c->before_send) c->before_send(c, request);
  /* The response setters refuse what no HTTP answer has. */
  wx_error err;
  CHECK(!wx_http_response_set_status(response, 99, &err) && err.code == WX_INVALID_ARGUMENT);
  CHECK(!wx_http_response_set_status(response, 600, NULL));
  CHECK(!wx_http_response_set_status(NULL, 200, &err) && err.code == WX_INVALID_ARGUMENT);
  CHECK(!wx_http_response_add_header(NULL, "a", "b", &err) && err.code == WX_INVALID_ARGUMENT);
  CHECK(!wx_http_response_set_body(NULL, "x", 1, &err) && err.code == WX_INVALID_ARGUMENT);
  if (c->mode == HTTP_FAIL) {
    out_error->code = WX_UNAVAILABLE;
    snprintf(out_error->message, sizeof out_error->message, "%s", c->fail_message);
    return false;
  }
  if (c->mode == HTTP_NO_STATUS) return true;
  if (c->mode == HTTP_BLOB_FORBIDDEN && strstr(request->url, "/v1/blobs/")) {
    static const char body[] =
        "{\"error\":{\"code\":\"permission_denied\",\"message\":\"test: not yours\"}}";
    wx_error err;
    CHECK(wx_http_response_set_status(response, 403, &err));
    CHECK(wx_http_response_add_header(response, "Content-Type", "application/json", &err));
    CHECK(wx_http_response_set_body(response, body, sizeof body - 1, &err));
    return true;
  }
  bool blob_put = strcmp(request->method, "PUT") == 0 && strstr(request->url, "/v1/blobs/");
  if (blob_put) {
    ++c->blob_puts;
    c->blob_bytes += request->body_size;
  }
  return http_forward(request, response, out_error);
}
