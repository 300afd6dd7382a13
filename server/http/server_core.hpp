// Private to werkex_http: the state that HttpServer and its sessions share.
//
// ServerCore owns the io_context, the worker pool, the TLS context and the registry of live
// sessions; sessions hold a reference to it, so its members are declared in the order that
// lets every session die (in the worker pool's or the io_context's destructor) while the
// registry, the options and the TLS context are still alive.
//
// Thread-safety: options, router, metrics, access_log and ssl are read-only once running;
// the registry is guarded by mu_; stopping() is atomic; record() may be called from any
// thread.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "http_server.hpp"

namespace werkex::http::detail {

namespace net = boost::asio;
using tcp = net::ip::tcp;

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Asks the session, from any thread, to finish: it closes now if it is between requests,
  // otherwise after answering the request it is reading or handling (Connection: close).
  virtual void shutdown() = 0;
};

// One answered request, as the metrics and the access log see it.
struct Exchange {
  std::string remote;
  std::string method;
  std::string path;  // without the query string
  std::string route;
  unsigned status = 0;
  size_t req_bytes = 0;
  size_t resp_bytes = 0;
  double seconds = 0;
  RequestLog log;
};

class ServerCore {
 public:
  ServerCore(ServerOptions options, const Router& router, Metrics& metrics,
             HttpServer::AccessLog access_log);

  // Registers a new session (counted in werkex_http_connections) so shutdown can reach it.
  void session_opened(const std::shared_ptr<SessionBase>& s);
  // Called from a session's destructor. During a shutdown, the last one stops the io_context.
  void session_closed(SessionBase* s);
  // Sets stopping(), asks every session to finish, and stops the io_context if none is left.
  void begin_shutdown();
  // From HttpServer's destructor: sessions destroyed from now on must not touch the
  // io_context, which is being destroyed.
  void tear_down();
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

  // Adds the exchange to the metrics and writes its access log line. Never throws.
  void record(const Exchange& x);

  const ServerOptions options;
  const Router& router;
  Metrics& metrics;

 private:
  HttpServer::AccessLog access_log_;
  std::mutex mu_;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions_;  // GUARDED_BY(mu_)
  bool torn_down_ = false;                                                 // GUARDED_BY(mu_)
  std::atomic<bool> stopping_{false};

 public:
  std::optional<net::ssl::context> ssl;  // set by start() when TLS is configured
  net::io_context ioc;
  net::thread_pool workers;  // after ioc: queued handlers hold sessions that use ioc
};

// A session for an accepted socket, started: plain HTTP, or TLS if core.ssl is set.
void start_session(ServerCore& core, tcp::socket socket);

}  // namespace werkex::http::detail
