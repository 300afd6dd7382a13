// Router: maps (method, path) to a Handler, the pure request -> response core of the server.
//
// No I/O: handle() turns a parsed request into a response, so routing, 404/405, HEAD and
// exception handling are tested without sockets. Patterns are literal segments and {name}
// parameters ("/v1/blobs/{sha}"); a parameter matches one whole, non-empty segment, raw (no
// percent-decoding). When several patterns match a path, the most specific wins: comparing
// segment by segment, a literal beats a parameter ("/v1/blobs/stats" before
// "/v1/blobs/{sha}"). Matching is exact otherwise: "/v1/sync/" is not "/v1/sync".
//
// Thread-safety: add() is for setup and is not synchronized; once the server runs, the Router
// is only read, and handle()/match_pattern() are safe to call concurrently from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http_types.hpp"

namespace werkex::http {

class Router {
 public:
  // Registers `h` for `method` on `pattern`. Throws std::invalid_argument for a malformed
  // pattern (not starting with '/', a '{' that is not a whole segment, an empty name) or a
  // (method, pattern) pair that is already registered: both are bugs found at startup.
  void add(bhttp::verb method, std::string pattern, Handler h);

  // Answers `req`, never throwing:
  // - the query string (and an absolute-form "http://host" prefix) is ignored for matching;
  // - no pattern matches the path: 404 JSON (code not_found);
  // - a pattern matches but not for this method: 405 JSON (code invalid_argument) with an
  //   Allow header listing the methods registered for the path;
  // - HEAD without a HEAD route runs the GET route; any answer to HEAD has its body removed
  //   and keeps (or gets) the Content-Length of the body it would have had;
  // - an exception from a handler: 500 JSON (code internal, no details to the client); the
  //   exception's what() goes to log.note so the access log records it.
  Response handle(const Request& req, RequestLog& log) const;

  // The pattern that handle() dispatches `req` to, as the metrics and access log name the
  // route: the winning pattern (also for a 405), or "unmatched" when no pattern matches.
  std::string match_pattern(const Request& req) const;

  // The part of a request target that routing looks at: no query string, no scheme/host.
  static std::string_view path_of(std::string_view target);

 private:
  struct Route {
    bhttp::verb method;
    std::string pattern;
    std::vector<std::string> segments;  // "{name}" kept as is; is_param tells which
    std::vector<bool> is_param;
    Handler handler;
  };
  struct Match {
    const Route* route = nullptr;       // the route to run, or null
    const Route* path_match = nullptr;  // the most specific route whose pattern matches
    std::string allow;                  // methods registered for the path, for 405
  };

  Match match(const Request& req) const;
  static bool matches(const Route& r, const std::vector<std::string_view>& path);
  static bool more_specific(const Route& a, const Route& b);

  std::vector<Route> routes_;
};

}  // namespace werkex::http
