// Helpers for the HttpServer tests: a server on 127.0.0.1:<free port> running on its own
// thread, and a client connection whose every operation is bounded by a timeout, so a server
// bug fails a test instead of hanging it.
#pragma once

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/http_server.hpp"

namespace wxtest {

using namespace werkex::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Starts an async operation with `start(handler)` and runs `ioc` until it completes; fails the
// test if it has not completed within `limit`. Returns the operation's error code.
template <class Start>
beast::error_code await(net::io_context& ioc, Start start, Clock::duration limit = 10s) {
  bool done = false;
  beast::error_code result;
  start([&](beast::error_code ec, auto&&...) {
    result = ec;
    done = true;
  });
  ioc.restart();
  auto deadline = Clock::now() + limit;
  while (!done && Clock::now() < deadline) ioc.run_one_until(deadline);
  REQUIRE(done);
  return result;
}

// Polls `cond` until it holds or `limit` passes (for effects recorded after a response).
inline bool eventually(const std::function<bool()>& cond, Clock::duration limit = 5s) {
  auto deadline = Clock::now() + limit;
  while (!cond()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

inline Request make_request(bhttp::verb method, std::string target, std::string body = "") {
  Request req(method, target, 11);
  req.set(bhttp::field::host, "127.0.0.1");
  req.body() = std::move(body);
  req.prepare_payload();
  return req;
}

// One plain HTTP/1.1 client connection.
class Conn {
 public:
  explicit Conn(unsigned short port) {
    beast::error_code ec = await(ioc, [&](auto h) {
      stream.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), h);
    });
    REQUIRE_FALSE(ec);
  }
  beast::error_code send(const Request& req) {
    return await(ioc, [&](auto h) { bhttp::async_write(stream, req, h); });
  }
  beast::error_code write_raw(const std::string& bytes) {
    return await(ioc, [&](auto h) { net::async_write(stream, net::buffer(bytes), h); });
  }
  // The next response; for a HEAD request pass head = true (no body follows its headers).
  Response receive(bool head = false) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.skip(head);
    beast::error_code ec = await(ioc, [&](auto h) { bhttp::async_read(stream, buf, parser, h); });
    REQUIRE_FALSE(ec);
    return parser.release();
  }
  Response round_trip(const Request& req) {
    REQUIRE_FALSE(send(req));
    return receive(req.method() == bhttp::verb::head);
  }
  // Whether the server closed the connection (EOF or reset) within `limit`, discarding bytes.
  bool closed_within(Clock::duration limit) {
    auto deadline = Clock::now() + limit;
    char scratch[4096];
    while (Clock::now() < deadline) {
      beast::error_code ec = await(
          ioc, [&](auto h) { stream.async_read_some(net::buffer(scratch), h); },
          deadline - Clock::now() + 1s);
      if (ec) return true;
    }
    return false;
  }

  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buf;
};

// An HttpServer with the caller's routes, running on a thread until stop() or destruction.
class TestServer {
 public:
  TestServer() = default;
  ~TestServer() {
    if (thread_.joinable()) {
      server_->stop();
      thread_.join();
    }
  }

  void start(ServerOptions options = {}) {
    options.port = 0;
    server_ = std::make_unique<HttpServer>(options, router, metrics, [this](const std::string& l) {
      std::lock_guard lock(mu_);
      lines_.push_back(l);
    });
    werkex::Status st = server_->start();
    REQUIRE(st.is_ok());
    thread_ = std::thread([this] {
      server_->run_until_signal();
      returned_ = true;
    });
  }
  unsigned short port() const { return server_->port(); }
  HttpServer& server() { return *server_; }
  bool returned() const { return returned_; }
  // Joins the server thread; fails the test if run_until_signal() has not returned in time.
  void join(Clock::duration limit) {
    REQUIRE(eventually([this] { return returned_.load(); }, limit));
    thread_.join();
  }
  std::vector<std::string> log_lines() {
    std::lock_guard lock(mu_);
    return lines_;
  }

  Router router;
  Metrics metrics;

 private:
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  std::atomic<bool> returned_{false};
  std::mutex mu_;
  std::vector<std::string> lines_;
};

}  // namespace wxtest
