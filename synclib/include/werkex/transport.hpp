// Transport: how a sync session reaches the server, as one HTTP exchange at a time.
//
// synclib speaks HTTP through this interface only, so the same session runs over libcurl
// (desktop, CLI, Android native: werkex/curl_transport.hpp, its own library), over the app's
// own stack (URLSession, OkHttp: CallbackTransport, reached through the C ABI), or over an
// in-process transport in tests that can drop, duplicate and reorder. Every werkex request is
// idempotent, so a transport may retry any of them.
//
// A failure to get any HTTP answer (refused, reset, timed out, DNS) is WX_UNAVAILABLE, which
// callers treat as transient. An HTTP answer of any status, 4xx and 5xx included, is a
// successful send: the caller interprets the status.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "werkex/error.hpp"

namespace werkex {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // "GET", "POST", "PUT", "HEAD"
  std::string url;     // absolute: "http://127.0.0.1:8080/v1/sync"
  HttpHeaders headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;  // names as received; header() compares case-insensitively
  std::string body;

  // The first header of that name, or "" if absent.
  std::string header(std::string_view name) const;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends one request and waits for its answer. Thread-compatible: one call at a time.
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

// Hands each request to a function: the app's own HTTP stack, or a test's fault injector.
class CallbackTransport final : public Transport {
 public:
  using SendFunction = std::function<Result<HttpResponse>(const HttpRequest&)>;
  explicit CallbackTransport(SendFunction send) : send_(std::move(send)) {}
  Result<HttpResponse> send(const HttpRequest& request) override { return send_(request); }

 private:
  SendFunction send_;
};

}  // namespace werkex
