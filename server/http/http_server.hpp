// HttpServer: serves a Router over HTTP/1.1 (or HTTPS) with keep-alive, timeouts, limits,
// metrics, an access log and a graceful shutdown.
//
// I/O runs on `io_threads` threads, one session per connection, each on its own strand; the
// handlers run on a separate pool of `worker_threads` so slow work (SQLite) never stalls I/O.
// A connection has at most one request in flight. Timeouts: a request (headers and body)
// must arrive within read_timeout of its first byte, a keep-alive connection may sit idle for
// idle_timeout, a response must be written within write_timeout. Over-limit headers get 431,
// an over-limit body 413, an unparsable request 400 (JSON errors, then the connection
// closes); a timed-out request is dropped without an answer. Large uploads must therefore be
// split (the blob protocol resumes with Content-Range) rather than raise read_timeout.
//
// For every answered request the server adds to `metrics`:
//   werkex_http_requests_total{route,method,status}     counter
//   werkex_http_request_seconds{route}                   histogram, first byte -> last byte sent
//   werkex_http_request_bytes_total{route}, werkex_http_response_bytes_total{route}
//   werkex_http_connections                              gauge, open connections
// (route = Router::match_pattern(), "unmatched" when none) and calls `access_log` with one
// JSON object per line: ts, remote, method, path (no query string), route, status,
// req_bytes, resp_bytes, ms, and user/device/note from the handler's RequestLog if non-empty.
//
// Thread-safety: start() and run_until_signal() are called once each, in that order, from one
// thread; stop() and port() from any thread. `access_log` is called concurrently from the I/O
// threads and must be thread-safe and quick. The Router, Metrics and the callback must
// outlive the HttpServer. Destroying a running server is undefined: stop it and let
// run_until_signal() return first.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "http_types.hpp"
#include "metrics.hpp"
#include "router.hpp"
#include "werkex/error.hpp"

namespace werkex::http {

struct ServerOptions {
  std::string address = "127.0.0.1";  // an IPv4 or IPv6 literal; "0.0.0.0" for all
  unsigned short port = 8080;         // 0: the OS picks a free port (see port())
  int io_threads = 2;
  int worker_threads = 8;  // handlers wait on the dossier lock and fsyncs, not CPU
  size_t header_limit = 16 * 1024;
  size_t body_limit = 16 * 1024 * 1024;
  std::chrono::seconds read_timeout{30}, write_timeout{30}, idle_timeout{60};
  std::chrono::seconds shutdown_grace{10};
  std::string tls_cert_file, tls_key_file;  // both set: HTTPS only (PEM files)
};

class HttpServer {
 public:
  using AccessLog = std::function<void(const std::string& json_line)>;

  HttpServer(ServerOptions options, const Router& router, Metrics& metrics, AccessLog access_log);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Loads the TLS files if configured, binds and listens. Connections are accepted once
  // run_until_signal() runs. Errors: invalid_argument (bad options, address, TLS files),
  // io (bind/listen failed, e.g. the port is taken). After OK, port() is the bound port.
  werkex::Status start();
  unsigned short port() const;

  // Runs the I/O threads until a shutdown completes; returns when every server thread
  // (I/O and worker) has stopped. SIGTERM and SIGINT start the graceful shutdown (a second
  // signal stops at once). Returns at once unless start() succeeded.
  void run_until_signal();

  // The graceful shutdown, from any thread, any number of times: stop accepting, close idle
  // connections, let requests in flight finish and be answered with Connection: close, and
  // stop when no connection is left or shutdown_grace has passed, whichever is first.
  // Handlers still running at the deadline are waited for, but their answers are dropped.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace werkex::http
