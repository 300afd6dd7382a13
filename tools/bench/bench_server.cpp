// The in-process werkex sync server of werkex-bench (bench_server.hpp).
#include "bench_server.hpp"

#include <cstdlib>
#include <cstring>

#include "bench.hpp"

namespace bench {

namespace {

// The number after `"key":` in a compact JSON line, or -1.
double number_after(const std::string& line, const char* key) {
  size_t at = line.find(key);
  if (at == std::string::npos) return -1;
  return std::strtod(line.c_str() + at + std::strlen(key), nullptr);
}

}  // namespace

BenchServer::BenchServer(const std::string& data_dir, werkex::server::StoreConfig store) {
  werkex::server::AppConfig config;  // werkex-server's defaults
  config.data_dir = data_dir;
  config.store = std::move(store);
  // Every bench phone enrols from 127.0.0.1; the per-address guard against code guessing
  // would otherwise refuse the hundredth phone of one simulated school.
  config.enroll_limit = {1e6, 1e6};
  app_ = check(werkex::server::App::open(config, metrics_), "open the server app");
  app_->register_routes(router_);
  staff_ = std::make_unique<werkex::server::StaffSite>(*app_, werkex::server::StaffConfig{});
  staff_->register_routes(router_);
  log_ = std::fopen((data_dir + "/access.log").c_str(), "w");
  if (!log_) throw Failure("cannot write " + data_dir + "/access.log");
  werkex::http::ServerOptions options;  // io_threads = worker_threads = 2, as werkex-server
  options.address = "127.0.0.1";
  options.port = 0;
  server_ = std::make_unique<werkex::http::HttpServer>(
      options, router_, metrics_, [this](const std::string& line) { on_log_line(line); });
  check(server_->start(), "start the server");
  thread_ = std::thread([this] { server_->run_until_signal(); });
}

BenchServer::~BenchServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
  std::fclose(log_);
}

void BenchServer::on_log_line(const std::string& line) {
  // Like werkex-server, which prints each line to stdout and flushes it.
  std::fprintf(log_, "%s\n", line.c_str());
  std::fflush(log_);
  const size_t at = line.find("\"route\":\"");
  if (at == std::string::npos) return;
  const size_t from = at + 9, to = line.find('"', from);
  const std::string route = line.substr(from, to == std::string::npos ? 0 : to - from);
  if (route == "/v1/sync") {
    requests_ += 1;
    request_bytes_ += static_cast<uint64_t>(number_after(line, "\"req_bytes\":"));
    response_bytes_ += static_cast<uint64_t>(number_after(line, "\"resp_bytes\":"));
  }
  double ms = number_after(line, "\"ms\":");
  std::lock_guard lock(ms_mu_);
  route_ms_[route].push_back(ms);
}

SyncTraffic BenchServer::traffic() const {
  return {requests_.load(), request_bytes_.load(), response_bytes_.load()};
}

std::vector<double> BenchServer::take_route_ms(const std::string& route) {
  std::lock_guard lock(ms_mu_);
  return std::exchange(route_ms_[route], {});
}

}  // namespace bench
