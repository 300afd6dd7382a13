#include "router.hpp"
#include "werkex/messages.hpp"

#include <set>
#include <stdexcept>
#include <utility>

namespace werkex::http {
namespace {

// "/a/b" -> {"a", "b"}; "/" -> {""}. The caller guarantees the leading '/'.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 1;
  while (true) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) {
      out.push_back(path.substr(start));
      return out;
    }
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
}

}  // namespace

void Router::add(bhttp::verb method, std::string pattern, Handler h) {
  if (method == bhttp::verb::unknown) throw std::invalid_argument("route method is unknown");
  if (pattern.empty() || pattern[0] != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + pattern);
  }
  if (!h) throw std::invalid_argument("route " + pattern + " has no handler");
  Route r{method, pattern, {}, {}, std::move(h)};
  for (std::string_view seg : split_path(pattern)) {
    bool param = seg.size() >= 2 && seg.front() == '{' && seg.back() == '}';
    std::string_view inner = param ? seg.substr(1, seg.size() - 2) : seg;
    if (inner.find_first_of("{}") != std::string_view::npos || (param && inner.empty())) {
      throw std::invalid_argument("route pattern has a malformed parameter: " + pattern);
    }
    r.segments.emplace_back(seg);
    r.is_param.push_back(param);
  }
  for (const Route& other : routes_) {
    // "{a}" and "{b}" in the same place are the same route: parameter names do not count.
    bool same = other.method == method && other.is_param == r.is_param;
    for (size_t i = 0; same && i < r.segments.size(); ++i) {
      same = r.is_param[i] || other.segments[i] == r.segments[i];
    }
    if (same) {
      throw std::invalid_argument("route registered twice: " + pattern);
    }
  }
  routes_.push_back(std::move(r));
}

std::string_view Router::path_of(std::string_view target) {
  // Absolute-form targets ("http://host/x") are legal in HTTP/1.1 and must route like "/x".
  for (std::string_view scheme : {"http://", "https://"}) {
    if (target.substr(0, scheme.size()) == scheme) {
      size_t slash = target.find('/', scheme.size());
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
      break;
    }
  }
  return target.substr(0, target.find_first_of("?#"));
}

bool Router::matches(const Route& r, const std::vector<std::string_view>& path) {
  if (r.segments.size() != path.size()) return false;
  for (size_t i = 0; i < path.size(); ++i) {
    if (r.is_param[i] ? path[i].empty() : r.segments[i] != path[i]) return false;
  }
  return true;
}

bool Router::more_specific(const Route& a, const Route& b) {
  for (size_t i = 0; i < a.is_param.size() && i < b.is_param.size(); ++i) {
    if (a.is_param[i] != b.is_param[i]) return !a.is_param[i];
  }
  return false;
}

Router::Match Router::match(const Request& req) const {
  Match m;
  std::string_view path = path_of(req.target());
  if (path.empty() || path[0] != '/') return m;
  std::vector<std::string_view> segs = split_path(path);
  const Route* get_route = nullptr;
  std::set<std::string_view> allowed;
  for (const Route& r : routes_) {
    if (!matches(r, segs)) continue;
    allowed.insert(bhttp::to_string(r.method));
    if (!m.path_match || more_specific(r, *m.path_match)) m.path_match = &r;
    if (r.method == req.method() && (!m.route || more_specific(r, *m.route))) m.route = &r;
    if (r.method == bhttp::verb::get && (!get_route || more_specific(r, *get_route))) {
      get_route = &r;
    }
  }
  if (!m.route && req.method() == bhttp::verb::head) m.route = get_route;
  if (m.route) m.path_match = m.route;
  if (allowed.count("GET")) allowed.insert("HEAD");
  for (std::string_view a : allowed) {
    if (!m.allow.empty()) m.allow += ", ";
    m.allow += a;
  }
  return m;
}

std::string Router::match_pattern(const Request& req) const {
  Match m = match(req);
  return m.path_match ? m.path_match->pattern : "unmatched";
}

Response Router::handle(const Request& req, RequestLog& log) const {
  Response res;
  try {
    Match m = match(req);
    std::string path(path_of(req.target()));
    if (!m.path_match) {
      res = error_response(req, error_of(WX_NOT_FOUND, Msg::no_route, {{"path", path}}));
    } else if (!m.route) {
      std::string method(req.method_string());
      Error e = error_of(WX_INVALID_ARGUMENT, Msg::method_not_allowed,
                         {{"method", method}, {"path", path}, {"allow", m.allow}});
      res = json_response(req, 405, error_body(e, message_language(req)));
      res.set(bhttp::field::allow, m.allow);
    } else {
      RouteParams params;
      std::vector<std::string_view> segs = split_path(path);
      for (size_t i = 0; i < segs.size(); ++i) {
        const std::string& seg = m.route->segments[i];
        if (m.route->is_param[i]) params.values[seg.substr(1, seg.size() - 2)] = segs[i];
      }
      try {
        res = m.route->handler(req, params, log);
      } catch (const std::exception& e) {
        log.note = std::string("handler threw: ") + e.what();
        res = error_response(req, make_error(WX_INTERNAL, "internal error"));
      } catch (...) {
        log.note = "handler threw a non-std exception";
        res = error_response(req, make_error(WX_INTERNAL, "internal error"));
      }
    }
  } catch (...) {
    // Out of memory while building an answer: the smallest response that is still valid.
    res = Response(bhttp::status::internal_server_error, req.version());
    res.keep_alive(false);
    res.prepare_payload();
  }
  if (req.method() == bhttp::verb::head) {
    // A HEAD route may announce a size it does not send (a blob): keep its Content-Length.
    if (!res.has_content_length() && !res.chunked()) res.content_length(res.body().size());
    res.body().clear();
  }
  return res;
}

}  // namespace werkex::http
