// werkex-bench's sync server: the real werkex server (App, the staff site and HttpServer, as
// werkex-server's main.cpp puts them together, with its default 2 I/O and 2 worker threads)
// running in this process on 127.0.0.1 with an OS-chosen port, on its own threads.
//
// The access log goes to a file in the data directory, as a deployed server's stdout would,
// and is also read as it passes: the bytes the server read and wrote for /v1/sync (headers
// included, counted by the HTTP layer itself) and the server-side time of each request.
#pragma once

#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app.hpp"
#include "http/http_server.hpp"
#include "staff_site.hpp"

namespace bench {

// What the server saw of /v1/sync since it started.
struct SyncTraffic {
  uint64_t requests = 0;
  uint64_t request_bytes = 0;
  uint64_t response_bytes = 0;
  SyncTraffic operator-(const SyncTraffic& o) const {
    return {requests - o.requests, request_bytes - o.request_bytes,
            response_bytes - o.response_bytes};
  }
};

class BenchServer {
 public:
  // On `store`'s engine (the default: SQLite files in data_dir).
  explicit BenchServer(const std::string& data_dir, werkex::server::StoreConfig store = {});
  ~BenchServer();  // graceful stop, joins the server's threads
  BenchServer(const BenchServer&) = delete;
  BenchServer& operator=(const BenchServer&) = delete;

  werkex::server::App& app() { return *app_; }
  unsigned short port() const { return server_->port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
  SyncTraffic traffic() const;
  // Server-side milliseconds (first request byte -> last response byte) of the /v1/sync
  // requests answered since the last call.
  std::vector<double> take_server_ms() { return take_route_ms("/v1/sync"); }
  // The same for the requests of one route pattern (as the access log names it, e.g.
  // "/leerling/{id}").
  std::vector<double> take_route_ms(const std::string& route);

 private:
  void on_log_line(const std::string& line);

  werkex::http::Metrics metrics_;
  std::unique_ptr<werkex::server::App> app_;
  werkex::http::Router router_;
  std::FILE* log_ = nullptr;
  std::atomic<uint64_t> requests_{0}, request_bytes_{0}, response_bytes_{0};
  std::mutex ms_mu_;
  std::map<std::string, std::vector<double>> route_ms_;  // GUARDED_BY(ms_mu_)
  std::unique_ptr<werkex::server::StaffSite> staff_;
  std::unique_ptr<werkex::http::HttpServer> server_;  // last: stopped and destroyed first
  std::thread thread_;
};

}  // namespace bench
