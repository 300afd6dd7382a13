#include "server_core.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <vector>

namespace werkex::http::detail {
namespace {

// RFC 3339, UTC, milliseconds: "2026-11-28T14:03:05.123Z".
std::string now_rfc3339() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms.count()));
  return buf;
}

// Method names come from clients: unknown ones are pooled so they cannot mint series.
std::string method_label(const std::string& method) {
  return bhttp::string_to_verb(method) == bhttp::verb::unknown ? "OTHER" : method;
}

}  // namespace

ServerCore::ServerCore(ServerOptions opts, const Router& r, Metrics& m,
                       HttpServer::AccessLog access_log)
    : options(std::move(opts)),
      router(r),
      metrics(m),
      access_log_(std::move(access_log)),
      ioc(std::max(1, options.io_threads)),
      workers(static_cast<size_t>(std::max(1, options.worker_threads))) {
  metrics.set_help("werkex_http_requests_total", "counter", "HTTP requests answered.");
  metrics.set_help("werkex_http_request_seconds", "histogram",
                   "Time from a request's first byte to its response's last byte.");
  metrics.set_help("werkex_http_request_bytes_total", "counter", "Bytes of requests read.");
  metrics.set_help("werkex_http_response_bytes_total", "counter", "Bytes of responses written.");
  metrics.set_help("werkex_http_connections", "gauge", "Open HTTP connections.");
  metrics.set_help("werkex_http_connection_errors_total", "counter",
                   "Connections dropped by a timeout or an I/O error, by stage.");
  // Adding 0 gives the gauge a sample before the first connection; setting it would wipe the
  // count of another server sharing this Metrics.
  metrics.add("werkex_http_connections", "", 0);
}

void ServerCore::session_opened(const std::shared_ptr<SessionBase>& s) {
  std::lock_guard lock(mu_);
  sessions_.emplace(s.get(), s);
  metrics.add("werkex_http_connections", "", 1);
}

void ServerCore::session_closed(SessionBase* s) {
  std::lock_guard lock(mu_);
  if (sessions_.erase(s) == 0) return;
  metrics.add("werkex_http_connections", "", -1);
  if (sessions_.empty() && stopping() && !torn_down_) ioc.stop();
}

void ServerCore::begin_shutdown() {
  std::vector<std::shared_ptr<SessionBase>> live;
  {
    std::lock_guard lock(mu_);
    stopping_.store(true, std::memory_order_release);
    for (auto& [ptr, weak] : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
    if (sessions_.empty() && !torn_down_) ioc.stop();
  }
  // Outside the lock: dropping the last reference here runs session_closed().
  for (auto& s : live) s->shutdown();
}

void ServerCore::tear_down() {
  std::lock_guard lock(mu_);
  torn_down_ = true;
  stopping_.store(true, std::memory_order_release);
}

void ServerCore::record(const Exchange& x) {
  try {
    std::string route = Metrics::label("route", x.route);
    metrics.add("werkex_http_requests_total",
                route + "," + Metrics::label("method", method_label(x.method)) + "," +
                    Metrics::label("status", std::to_string(x.status)));
    metrics.observe("werkex_http_request_seconds", route, x.seconds);
    metrics.add("werkex_http_request_bytes_total", route, static_cast<double>(x.req_bytes));
    metrics.add("werkex_http_response_bytes_total", route, static_cast<double>(x.resp_bytes));
    if (!access_log_) return;
    nlohmann::ordered_json line = {{"ts", now_rfc3339()},
                                   {"remote", x.remote},
                                   {"method", x.method},
                                   {"path", x.path},
                                   {"route", x.route},
                                   {"status", x.status},
                                   {"req_bytes", x.req_bytes},
                                   {"resp_bytes", x.resp_bytes},
                                   {"ms", std::round(x.seconds * 1e6) / 1e3}};
    if (!x.log.user.empty()) line["user"] = x.log.user;
    if (!x.log.device.empty()) line["device"] = x.log.device;
    if (!x.log.note.empty()) line["note"] = x.log.note;
    access_log_(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  } catch (...) {
    // A failing log sink must not take the connection (or the I/O thread) down with it.
  }
}

}  // namespace werkex::http::detail
