// The vocabulary shared by the router, the server and the application's handlers.
//
// A handler is a plain function from a parsed request to a response: it never sees a socket,
// so the application is testable without I/O. Errors travel as werkex::Error and become a
// JSON body {"error":{"code":"<error_code_name>","message":"…"}} with the status from
// http_status_for(), so every client reads one error shape. All functions here are pure and
// safe to call from any thread; RouteParams and RequestLog are plain values owned by one
// request.
#pragma once

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "werkex/error.hpp"
#include "werkex/labels.hpp"

namespace werkex::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;

// What a handler wants the access log line to say about this request beyond what the server
// knows itself. Empty fields are left out of the line. Never put secrets (tokens) here.
struct RequestLog {
  std::string user;
  std::string device;
  std::string note;
  // Set by the server before the handler runs, for it to read: the client's IP address
  // (without port; "[...]" for IPv6). Not written to the log line by this field.
  std::string client_address;
};

// The {name} segments of the matched route pattern, raw (not percent-decoded).
struct RouteParams {
  std::map<std::string, std::string> values;
  // Throws std::out_of_range if the pattern has no such parameter: a programming error that
  // the router turns into a 500 answer.
  const std::string& at(const std::string& name) const;
};

// Runs on a worker thread, possibly concurrently with itself for other requests. Anything it
// throws is caught by the router and answered with 500.
using Handler = std::function<Response(const Request&, const RouteParams&, RequestLog&)>;

// A response to `req` (same HTTP version, keep-alive as the request asked) with
// Content-Type application/json, Content-Length set, and `body` serialized compactly.
// Invalid UTF-8 in strings is replaced rather than thrown on.
Response json_response(const Request& req, unsigned status, const nlohmann::json& body);

// json_response(req, http_status_for(e.code), {"error":{"code":…,"message":…}}).
Response error_response(const Request& req, const werkex::Error& e);
// The body alone: {"error":{"code":…,"message":…}}.
// {"error": {"code", "key", "message", "args"}}: the message in `lang`, the key and arguments
// so a device can render it in its own language (messages.hpp).
nlohmann::json error_body(const werkex::Error& e, werkex::Language lang = werkex::Language::en);
// The language of messages a request asked for (Accept-Language; English by default).
werkex::Language message_language(const Request& req);

// invalid_argument/corrupt 400, unauthenticated 401, permission_denied 403, not_found 404,
// conflict 409, clock_skew 409, too_large 413, rate_limited 429, unavailable 503,
// io/internal 500 (OK: 200).
unsigned http_status_for(werkex::ErrorCode code);

}  // namespace werkex::http
