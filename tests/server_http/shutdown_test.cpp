// The graceful shutdown: requests in flight are answered, idle connections closed, and the
// server stops when the last connection is gone or the grace period ends.
#include <csignal>
#include <nlohmann/json.hpp>

#include "test_server.hpp"

using namespace wxtest;
using nlohmann::json;

namespace {

struct Fixture {
  TestServer ts;
  std::atomic<int> started{0};
  explicit Fixture(ServerOptions o = {}) {
    ts.router.add(bhttp::verb::get, "/hello",
                  [](const Request& req, const RouteParams&, RequestLog&) {
                    return json_response(req, 200, {{"hello", "world"}});
                  });
    ts.router.add(bhttp::verb::get, "/slow",
                  [this](const Request& req, const RouteParams&, RequestLog&) {
                    ++started;
                    std::this_thread::sleep_for(1500ms);
                    return json_response(req, 200, {{"slow", true}});
                  });
    ts.start(o);
  }
};

bool connect_refused(unsigned short port) {
  net::io_context ioc;
  beast::tcp_stream s(ioc);
  return static_cast<bool>(await(ioc, [&](auto h) {
    s.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), h);
  }));
}

}  // namespace

TEST_CASE("http shutdown: a request in flight is answered, idle connections are closed",
          "[http][shutdown]") {
  Fixture f;
  Conn idle(f.ts.port());
  CHECK(idle.round_trip(make_request(bhttp::verb::get, "/hello")).result_int() == 200);
  Conn busy(f.ts.port());
  REQUIRE_FALSE(busy.send(make_request(bhttp::verb::get, "/slow")));
  REQUIRE(eventually([&] { return f.started == 1; }));

  auto stop_at = Clock::now();
  f.ts.server().stop();
  CHECK(idle.closed_within(1s));  // nothing owed to it: closed at once
  Response res = busy.receive();
  CHECK(res.result_int() == 200);
  CHECK(json::parse(res.body())["slow"] == true);
  CHECK_FALSE(res.keep_alive());  // Connection: close
  CHECK(busy.closed_within(3s));
  f.ts.join(5s);
  CHECK(Clock::now() - stop_at < 5s);  // did not wait for shutdown_grace (10 s)
  CHECK(connect_refused(f.ts.port()));
}

TEST_CASE("http shutdown: a connection that never finishes its request is cut at shutdown_grace",
          "[http][shutdown]") {
  ServerOptions o;
  o.shutdown_grace = 1s;
  o.read_timeout = 30s;
  Fixture f(o);
  Conn half(f.ts.port());
  REQUIRE_FALSE(half.write_raw("GET /hello HTTP/1.1\r\n"));  // in flight, never completed
  std::this_thread::sleep_for(200ms);
  auto stop_at = Clock::now();
  f.ts.server().stop();
  f.ts.join(5s);
  auto took = Clock::now() - stop_at;
  CHECK(took >= 900ms);
  CHECK(took < 4s);
}

TEST_CASE("http shutdown: stop() with no connections returns at once, and twice is harmless",
          "[http][shutdown]") {
  Fixture f;
  auto stop_at = Clock::now();
  f.ts.server().stop();
  f.ts.server().stop();
  f.ts.join(3s);
  CHECK(Clock::now() - stop_at < 1s);
}

TEST_CASE("http shutdown: SIGTERM starts the graceful shutdown", "[http][shutdown][signal]") {
  Fixture f;
  Conn c(f.ts.port());
  // A served request proves run_until_signal() is running, so its signal handler is in place.
  CHECK(c.round_trip(make_request(bhttp::verb::get, "/hello")).result_int() == 200);
  REQUIRE(std::raise(SIGTERM) == 0);
  CHECK(c.closed_within(2s));
  f.ts.join(5s);
}
