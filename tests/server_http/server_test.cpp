// HttpServer over real sockets on 127.0.0.1: keep-alive, limits, malformed input, timeouts,
// the worker pool, metrics and the access log.
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "test_server.hpp"

using namespace wxtest;
using nlohmann::json;

namespace {

void add_routes(Router& r) {
  r.add(bhttp::verb::get, "/hello", [](const Request& req, const RouteParams&, RequestLog& log) {
    log.user = "u1";
    return json_response(req, 200, {{"hello", "world"}});
  });
  r.add(bhttp::verb::get, "/items/{id}", [](const Request& req, const RouteParams& p, RequestLog&) {
    return json_response(req, 200, {{"id", p.at("id")}});
  });
  r.add(bhttp::verb::post, "/echo", [](const Request& req, const RouteParams&, RequestLog& log) {
    log.device = "d1";
    log.note = "echoed";
    return json_response(req, 200, {{"size", req.body().size()}});
  });
  r.add(bhttp::verb::get, "/boom", [](const Request&, const RouteParams&, RequestLog&) -> Response {
    throw std::runtime_error("kapot");
  });
  r.add(bhttp::verb::get, "/slow", [](const Request& req, const RouteParams&, RequestLog&) {
    std::this_thread::sleep_for(2s);
    return json_response(req, 200, {{"slow", true}});
  });
}

struct Fixture {
  TestServer ts;
  explicit Fixture(ServerOptions o = {}) {
    add_routes(ts.router);
    ts.start(o);
  }
};

ServerOptions with(std::function<void(ServerOptions&)> f) {
  ServerOptions o;
  f(o);
  return o;
}

}  // namespace

TEST_CASE("http server: requests share one keep-alive connection, HEAD included",
          "[http][server]") {
  Fixture f;
  Conn c(f.ts.port());
  Response a = c.round_trip(make_request(bhttp::verb::get, "/hello"));
  CHECK(a.result_int() == 200);
  CHECK(a.keep_alive());
  CHECK(json::parse(a.body()) == json{{"hello", "world"}});
  Response h = c.round_trip(make_request(bhttp::verb::head, "/hello"));
  CHECK(h.result_int() == 200);
  CHECK(h[bhttp::field::content_length] == std::to_string(a.body().size()));
  Response b = c.round_trip(make_request(bhttp::verb::get, "/items/42"));
  CHECK(json::parse(b.body()) == json{{"id", "42"}});
  REQUIRE(eventually([&] { return f.ts.log_lines().size() == 3; }));
  std::set<std::string> remotes;
  for (const auto& line : f.ts.log_lines()) remotes.insert(json::parse(line)["remote"]);
  CHECK(remotes.size() == 1);  // one connection served all three
  CHECK_THAT(f.ts.metrics.render(), Catch::Contains("werkex_http_connections 1\n"));
}

TEST_CASE("http server: a body over the limit is answered 413 JSON and the connection closed",
          "[http][server]") {
  Fixture f(with([](ServerOptions& o) { o.body_limit = 1024; }));
  Conn c(f.ts.port());
  Response ok = c.round_trip(make_request(bhttp::verb::post, "/echo", std::string(1024, 'x')));
  CHECK(json::parse(ok.body())["size"] == 1024);
  REQUIRE_FALSE(c.send(make_request(bhttp::verb::post, "/echo", std::string(64 * 1024, 'x'))));
  Response res = c.receive();
  CHECK(res.result_int() == 413);
  CHECK_FALSE(res.keep_alive());
  CHECK(json::parse(res.body())["error"]["code"] == "too_large");
  CHECK(c.closed_within(5s));
}

TEST_CASE("http server: oversized headers get 431 and the connection closed", "[http][server]") {
  Fixture f(with([](ServerOptions& o) { o.header_limit = 1024; }));
  Conn c(f.ts.port());
  Request req = make_request(bhttp::verb::get, "/hello");
  req.set("X-Big", std::string(2048, 'a'));
  Response res = c.round_trip(req);
  CHECK(res.result_int() == 431);
  CHECK(json::parse(res.body())["error"]["code"] == "too_large");
  CHECK(c.closed_within(5s));
}

TEST_CASE("http server: a malformed request gets 400 JSON and the connection closes",
          "[http][server]") {
  Fixture f;
  for (std::string garbage :
       {"G{T /hello HTTP/1.1\r\nHost: x\r\n\r\n", "GET /hello HTTP/9.z\r\n\r\n",
        "POST /echo HTTP/1.1\r\nContent-Length: banana\r\n\r\n"}) {
    Conn c(f.ts.port());
    REQUIRE_FALSE(c.write_raw(garbage));
    Response res = c.receive();
    CHECK(res.result_int() == 400);
    CHECK(json::parse(res.body())["error"]["code"] == "invalid_argument");
    CHECK(c.closed_within(5s));
  }
  REQUIRE(eventually([&] { return f.ts.log_lines().size() == 3; }));
  CHECK_THAT(f.ts.metrics.render(),
             Catch::Contains(
                 R"(werkex_http_requests_total{route="unmatched",method="OTHER",status="400"})"));
}

TEST_CASE("http server: a slow client trickling its request is cut off by read_timeout",
          "[http][server][timeout]") {
  Fixture f(with([](ServerOptions& o) { o.read_timeout = 1s; }));
  Conn c(f.ts.port());
  auto start = Clock::now();
  REQUIRE_FALSE(c.write_raw("GET /hello HTTP/1.1\r\n"));
  // One header line every 200 ms keeps bytes flowing but never finishes the request.
  bool cut = false;
  while (!cut && Clock::now() - start < 6s) {
    std::this_thread::sleep_for(200ms);
    cut = static_cast<bool>(c.write_raw("X-Slow: 1\r\n"));
  }
  auto elapsed = Clock::now() - start;
  CHECK(cut);
  CHECK(elapsed >= 900ms);
  CHECK(elapsed < 4s);
  CHECK(f.ts.log_lines().empty());  // no request was answered
  CHECK(eventually([&] {
    return f.ts.metrics.render().find(R"(werkex_http_connection_errors_total{stage="read"} 1)") !=
           std::string::npos;
  }));
}

TEST_CASE("http server: an idle keep-alive connection is closed after idle_timeout",
          "[http][server][timeout]") {
  Fixture f(with([](ServerOptions& o) { o.idle_timeout = 1s; }));
  Conn c(f.ts.port());
  CHECK(c.round_trip(make_request(bhttp::verb::get, "/hello")).result_int() == 200);
  auto start = Clock::now();
  CHECK(c.closed_within(5s));
  CHECK(Clock::now() - start >= 800ms);
  REQUIRE(eventually([&] {
    return f.ts.metrics.render().find("werkex_http_connections 0\n") != std::string::npos;
  }));
}

TEST_CASE("http server: Expect 100-continue is answered before the body is sent",
          "[http][server]") {
  Fixture f;
  Conn c(f.ts.port());
  REQUIRE_FALSE(c.write_raw(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  Response interim = c.receive();
  CHECK(interim.result_int() == 100);
  REQUIRE_FALSE(c.write_raw("hello"));
  Response res = c.receive();
  CHECK(res.result_int() == 200);
  CHECK(json::parse(res.body())["size"] == 5);
}

TEST_CASE("http server: a throwing handler is answered 500 and the connection keeps serving",
          "[http][server]") {
  Fixture f;
  Conn c(f.ts.port());
  Response res = c.round_trip(make_request(bhttp::verb::get, "/boom"));
  CHECK(res.result_int() == 500);
  CHECK(json::parse(res.body())["error"]["code"] == "internal");
  CHECK(c.round_trip(make_request(bhttp::verb::get, "/hello")).result_int() == 200);
  REQUIRE(eventually([&] { return f.ts.log_lines().size() == 2; }));
  CHECK(json::parse(f.ts.log_lines()[0])["note"] == "handler threw: kapot");
}

TEST_CASE("http server: a slow handler does not hold up other connections",
          "[http][server][workers]") {
  Fixture f(with([](ServerOptions& o) {
    o.io_threads = 1;
    o.worker_threads = 2;
  }));
  Conn slow(f.ts.port());
  REQUIRE_FALSE(slow.send(make_request(bhttp::verb::get, "/slow")));
  std::this_thread::sleep_for(200ms);  // the slow handler is now sleeping on a worker
  Conn fast(f.ts.port());
  auto start = Clock::now();
  CHECK(fast.round_trip(make_request(bhttp::verb::get, "/hello")).result_int() == 200);
  CHECK(Clock::now() - start < 1500ms);  // the handler sleeps 2 s
  CHECK(slow.receive().result_int() == 200);
}

TEST_CASE("http server: metrics count requests by route, method and status", "[http][server]") {
  Fixture f;
  Conn c(f.ts.port());
  for (const char* target : {"/items/1", "/items/2", "/nope", "/hello?x=1"}) {
    c.round_trip(make_request(bhttp::verb::get, target));
  }
  c.round_trip(make_request(bhttp::verb::post, "/items/1"));
  REQUIRE(eventually([&] { return f.ts.log_lines().size() == 5; }));
  std::string text = f.ts.metrics.render();
  CHECK_THAT(text,
             Catch::Contains(
                 R"(werkex_http_requests_total{route="/items/{id}",method="GET",status="200"} 2)"));
  CHECK_THAT(
      text, Catch::Contains(
                R"(werkex_http_requests_total{route="/items/{id}",method="POST",status="405"} 1)"));
  CHECK_THAT(text,
             Catch::Contains(
                 R"(werkex_http_requests_total{route="unmatched",method="GET",status="404"} 1)"));
  CHECK_THAT(
      text,
      Catch::Contains(R"(werkex_http_requests_total{route="/hello",method="GET",status="200"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(werkex_http_request_seconds_count{route="/items/{id}"} 3)"));
  CHECK_THAT(text,
             Catch::Contains(R"(werkex_http_request_seconds_bucket{route="/hello",le="+Inf"} 1)"));
  CHECK_THAT(text, Catch::Contains("# TYPE werkex_http_request_bytes_total counter\n"));
  CHECK_THAT(text, Catch::Contains(R"(werkex_http_response_bytes_total{route="/hello"} )"));
  CHECK_THAT(text, Catch::Contains("# TYPE werkex_http_connections gauge\n"));
}

TEST_CASE("http server: the access log has one JSON line per request with its fields",
          "[http][server][log]") {
  Fixture f;
  Conn c(f.ts.port());
  c.round_trip(make_request(bhttp::verb::get, "/hello?token=secret"));
  c.round_trip(make_request(bhttp::verb::post, "/echo", "12345"));
  REQUIRE(eventually([&] { return f.ts.log_lines().size() == 2; }));
  auto lines = f.ts.log_lines();
  CHECK(lines[0].find("secret") == std::string::npos);  // query strings stay out of logs
  json a = json::parse(lines[0]);
  CHECK(std::regex_match(a["ts"].get<std::string>(),
                         std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  CHECK_THAT(a["remote"].get<std::string>(), Catch::StartsWith("127.0.0.1:"));
  CHECK(a["method"] == "GET");
  CHECK(a["path"] == "/hello");
  CHECK(a["route"] == "/hello");
  CHECK(a["status"] == 200);
  CHECK(a["req_bytes"].get<int>() > 20);
  CHECK(a["resp_bytes"].get<int>() > 17);
  CHECK(a["ms"].get<double>() >= 0);
  CHECK(a["user"] == "u1");
  CHECK_FALSE(a.contains("device"));
  CHECK_FALSE(a.contains("note"));
  json b = json::parse(lines[1]);
  CHECK(b["method"] == "POST");
  CHECK(b["device"] == "d1");
  CHECK(b["note"] == "echoed");
  CHECK_FALSE(b.contains("user"));
}

TEST_CASE("http server: start reports bad options and a taken port", "[http][server]") {
  Fixture f;
  Router r;
  Metrics m;
  ServerOptions o;
  o.port = f.ts.port();
  HttpServer taken(o, r, m, nullptr);
  werkex::Status st = taken.start();
  CHECK(st.code() == WX_IO);
  o.port = 0;
  o.address = "not an address";
  CHECK(HttpServer(o, r, m, nullptr).start().code() == WX_INVALID_ARGUMENT);
  o.address = "127.0.0.1";
  o.tls_cert_file = "/nonexistent/cert.pem";
  CHECK(HttpServer(o, r, m, nullptr).start().code() == WX_INVALID_ARGUMENT);  // no key
  o.tls_key_file = "/nonexistent/key.pem";
  CHECK_THAT(HttpServer(o, r, m, nullptr).start().error().message,
             Catch::Contains("/nonexistent/cert.pem"));
}
