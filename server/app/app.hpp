// The werkex sync server's application: the dossier store (a synclib Replica holding every
// bucket), the auth store, and the HTTP handlers registered on a Router.
//
// Handlers run on the HTTP layer's worker threads; the Replica is not thread-safe, so one
// mutex serialises every use of it (SQLite has one writer anyway). Handlers are pure
// request -> response functions and are tested through the real server process.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "auth_store.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "werkex/store.hpp"

namespace werkex::server {

struct AppConfig {
  std::string data_dir;
  int supervisor_grace_days = 14;
  uint64_t max_clock_skew_ms = 10 * 60 * 1000;
  size_t default_page_limit = 500;
  size_t max_page_limit = 5000;
};

class App {
 public:
  static Result<std::unique_ptr<App>> open(AppConfig config, http::Metrics& metrics);

  void register_routes(http::Router& router);

  Replica& dossiers() { return *dossiers_; }
  AuthStore& auth() { return *auth_; }
  std::mutex& dossier_mutex() { return mu_; }
  uint64_t now_ms();

 private:
  App(AppConfig config, http::Metrics& metrics) : config_(std::move(config)), metrics_(metrics) {}
  http::Response handle_sync(const http::Request& req, http::RequestLog& log);
  http::Response handle_enroll(const http::Request& req, http::RequestLog& log);
  Result<Device> authenticate(const http::Request& req, http::RequestLog& log);

  AppConfig config_;
  http::Metrics& metrics_;
  SystemClockSource clock_;
  std::mutex mu_;
  std::unique_ptr<Replica> dossiers_;
  std::unique_ptr<AuthStore> auth_;
};

}  // namespace werkex::server
