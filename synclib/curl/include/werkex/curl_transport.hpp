// CurlTransport: werkex::Transport over libcurl, for desktop, the CLI and Android native.
//
// It sends each HttpRequest as one HTTP/1.1 exchange (GET, HEAD, POST or PUT, the body from
// memory), never follows redirects, and keeps one libcurl easy handle for its whole life so
// that consecutive sends to the same server reuse the keep-alive connection. Transient
// failures (no HTTP answer at all, or 502/503/504) are retried up to max_attempts with
// exponential backoff and jitter, honouring a Retry-After of delta-seconds; any other status
// is returned at once. It lives in its own library (werkex_sync_curl) so that synclib itself
// never depends on libcurl; apps with their own HTTP stack use CallbackTransport instead.
//
// Thread-safety: thread-compatible. One send() at a time per CurlTransport; use one
// CurlTransport per thread. Distinct instances may be used from different threads at once
// (each owns its handle and connection cache; libcurl's process-wide initialisation is done
// once, under std::call_once, by the first constructor). send() blocks its caller for up to
// max_attempts x (connect + timeout) plus the backoff in between, and never throws.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "werkex/transport.hpp"

namespace werkex {

struct CurlOptions {
  std::chrono::milliseconds connect_timeout{5000};  // TCP (+ TLS) connect, DNS included
  std::chrono::milliseconds timeout{30000};         // whole exchange, per attempt; 0: none
  // Abort an attempt when it moves fewer than low_speed_bytes per second for this long
  // (flaky mobile data). libcurl counts whole seconds: rounded up, at least 1 s.
  std::chrono::milliseconds low_speed_window{15000};
  long low_speed_bytes = 1;  // <= 0: no low-speed check
  // Attempts per send (values < 1 count as 1). Retried: transient failures only, that is no
  // HTTP answer (refused, reset, timed out, DNS, truncated body) or a 502/503/504. When the
  // attempts run out on a 502/503/504, that last HTTP response is returned (a successful
  // send: the caller interprets the status, as for every other status).
  int max_attempts = 3;
  // Delay before retry n (n = 1, 2, …): backoff * 2^(n-1), capped at 5 s, then jittered to a
  // uniformly random point in [half, all] of it. A Retry-After: <seconds> on a 502/503/504
  // replaces it (capped at 5 s too; an HTTP-date Retry-After is ignored).
  std::chrono::milliseconds backoff{200};
  std::string ca_file;      // PEM bundle for HTTPS with a private CA (tests); empty: system store
  bool verify_peer = true;  // false: accept any certificate and host name (development only)
  std::string user_agent = "werkex-synclib/0.1";  // sent unless the request sets User-Agent
};

class CurlTransport final : public Transport {
 public:
  // Initialises libcurl for the process on first use and creates the easy handle. Does not
  // touch the network. Should either fail, every send() returns WX_INTERNAL saying why.
  explicit CurlTransport(CurlOptions options = {});
  ~CurlTransport() override;  // closes the connections it keeps alive
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  // Sends `request` and returns the server's answer, of any status; a 3xx is returned as is
  // (Location in its headers), never followed. The request's headers are sent as given,
  // except Content-Length and Transfer-Encoding (the transport frames the body itself); no
  // Expect: 100-continue and, on POST/PUT without one, no Content-Type is added. Errors:
  // WX_INVALID_ARGUMENT for a request that cannot be sent (not an absolute http(s) URL, a method
  // other than GET/HEAD/POST/PUT, a body on GET/HEAD, a header name or value that would break the
  // framing), never retried; WX_UNAVAILABLE when no HTTP answer came after every attempt, with
  // curl's message, the method, URL and attempt count (a certificate that fails verification
  // is WX_UNAVAILABLE too, as behind a captive portal, but not retried within the send);
  // WX_INTERNAL when libcurl could not be initialised or memory ran out.
  Result<HttpResponse> send(const HttpRequest& request) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace werkex
