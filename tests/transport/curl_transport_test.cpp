// CurlTransport against FaultServer: framing, keep-alive, retries, and failure mapping.
#include <catch2/catch.hpp>

#include <strings.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "fault_server.hpp"
#include "werkex/curl_transport.hpp"

namespace werkex::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

CurlOptions fast_options() {
  CurlOptions options;
  options.connect_timeout = 1000ms;
  options.timeout = 2000ms;
  options.low_speed_window = 2000ms;
  options.backoff = 5ms;
  return options;
}

HttpRequest make(std::string method, std::string url, HttpHeaders headers = {},
                 std::string body = {}) {
  return HttpRequest{std::move(method), std::move(url), std::move(headers), std::move(body)};
}

// The value of `name` in an echo's header list, or null when the server did not receive it.
json sent_header(const json& echo, const std::string& name) {
  for (const auto& field : echo.at("headers")) {
    const std::string& sent = field[0].get_ref<const std::string&>();
    if (sent.size() == name.size() && strncasecmp(sent.c_str(), name.c_str(), name.size()) == 0)
      return field[1];
  }
  return nullptr;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

TEST_CASE("curl: POST sends method, target, headers and body as given", "[transport][curl]") {
  FaultServer server({echo(), echo()});
  CurlTransport transport(fast_options());
  auto result = transport.send(make("POST", server.url("/v1/sync?cursor=7"),
                                    {{"Authorization", "Bearer token-1"},
                                     {"Content-Type", "application/json"},
                                     {"X-Empty", ""},
                                     {"Content-Length", "999"}},
                                    R"({"changes":[]})"));
  REQUIRE(result.is_ok());
  CHECK(result->status == 200);
  const json echo = json::parse(result->body);
  CHECK(echo["method"] == "POST");
  CHECK(echo["target"] == "/v1/sync?cursor=7");
  CHECK(echo["body"] == R"({"changes":[]})");
  CHECK(sent_header(echo, "Authorization") == "Bearer token-1");
  CHECK(sent_header(echo, "Content-Type") == "application/json");
  CHECK(sent_header(echo, "X-Empty") == "");
  CHECK(sent_header(echo, "Content-Length") == "14");  // the caller's 999 is not sent
  CHECK(sent_header(echo, "User-Agent") == "werkex-synclib/0.1");
  CHECK(sent_header(echo, "Expect").is_null());

  // Without a Content-Type of its own, a POST gets none (not libcurl's form default).
  auto bare = transport.send(make("POST", server.url("/v1/bare"), {}, "x"));
  REQUIRE(bare.is_ok());
  CHECK(sent_header(json::parse(bare->body), "Content-Type").is_null());
}

TEST_CASE("curl: consecutive sends reuse one keep-alive connection", "[transport][curl]") {
  FaultServer server({echo(), echo()});
  CurlTransport transport(fast_options());
  auto first = transport.send(make("GET", server.url("/one")));
  auto second = transport.send(make("GET", server.url("/two")));
  REQUIRE(first.is_ok());
  REQUIRE(second.is_ok());
  CHECK(json::parse(second->body)["target"] == "/two");
  CHECK(json::parse(second->body)["request"] == 2);
  CHECK(server.requests() == 2);
  CHECK(server.accepts() == 1);
}

TEST_CASE("curl: HEAD returns status and headers without a body", "[transport][curl]") {
  FaultServer server({echo(), echo()});
  CurlTransport transport(fast_options());
  auto head = transport.send(make("HEAD", server.url("/v1/blobs/abc")));
  REQUIRE(head.is_ok());
  CHECK(head->status == 200);
  CHECK(head->body.empty());
  CHECK(head->header("Content-Type") == "application/json");
  CHECK(std::stoi(head->header("Content-Length")) > 0);
  // The connection stays usable: the server sent no body, and curl did not wait for one.
  auto get = transport.send(make("GET", server.url("/after-head")));
  REQUIRE(get.is_ok());
  CHECK(json::parse(get->body)["method"] == "GET");
  CHECK(server.accepts() == 1);
}

TEST_CASE("curl: PUT of a 1 MB binary body arrives intact", "[transport][curl]") {
  std::string blob(1 << 20, '\0');
  std::mt19937 bytes(42);
  for (char& c : blob) c = static_cast<char>(bytes() & 0xff);
  FaultServer server({echo()});
  CurlTransport transport(fast_options());
  auto result = transport.send(
      make("PUT", server.url("/v1/blobs/x"), {{"Content-Type", "application/octet-stream"}}, blob));
  REQUIRE(result.is_ok());
  const json echo = json::parse(result->body);
  CHECK(echo["method"] == "PUT");
  CHECK(echo["body_size"] == blob.size());
  CHECK(echo["body_sha256"] == sha256_hex(blob));
  CHECK(sent_header(echo, "Expect").is_null());
}

TEST_CASE("curl: response headers are found whatever their case", "[transport][curl]") {
  FaultServer server({echo()});
  CurlTransport transport(fast_options());
  auto result = transport.send(make("GET", server.url("/")));
  REQUIRE(result.is_ok());
  CHECK(result->header("X-Echo-Case") == "MiXeD");
  CHECK(result->header("x-echo-case") == "MiXeD");
  CHECK(result->header("X-ECHO-CASE") == "MiXeD");
  CHECK(result->header("X-Absent") == "");
}

TEST_CASE("curl: an interim 100 response leaves only the final headers", "[transport][curl]") {
  FaultServer server({echo()});
  CurlTransport transport(fast_options());
  auto result = transport.send(
      make("POST", server.url("/v1/sync"), {{"Expect", "100-continue"}}, std::string(2000, 'b')));
  REQUIRE(result.is_ok());
  CHECK(result->status == 200);
  CHECK(result->header("X-Interim") == "");
  CHECK(result->header("X-Echo-Case") == "MiXeD");
  CHECK(json::parse(result->body)["body_size"] == 2000);
}

TEST_CASE("curl: 503 twice then 200 succeeds on the third attempt", "[transport][curl]") {
  FaultServer server({answer(503, "busy"), answer(503, "busy"), echo()});
  CurlTransport transport(fast_options());
  auto result = transport.send(make("POST", server.url("/v1/sync"), {}, "payload"));
  REQUIRE(result.is_ok());
  CHECK(result->status == 200);
  CHECK(json::parse(result->body)["body"] == "payload");  // the body is re-sent each time
  CHECK(server.requests() == 3);
  CHECK(server.accepts() == 1);  // retries ride the same keep-alive connection
}

TEST_CASE("curl: Retry-After seconds on a 503 are honoured", "[transport][curl]") {
  FaultServer server({answer(503, "later", {{"Retry-After", "1"}}), echo()});
  CurlTransport transport(fast_options());
  const auto start = Clock::now();
  auto result = transport.send(make("GET", server.url("/v1/sync")));
  REQUIRE(result.is_ok());
  CHECK(result->status == 200);
  CHECK(seconds_since(start) >= 0.95);
  CHECK(server.requests() == 2);
}

TEST_CASE("curl: a persistent 503 is returned as the last response after max_attempts",
          "[transport][curl]") {
  FaultServer server({answer(503, "busy 1"), answer(503, "busy 2"), answer(503, "busy 3")});
  CurlOptions options = fast_options();
  options.max_attempts = 3;
  CurlTransport transport(options);
  auto result = transport.send(make("GET", server.url("/v1/sync")));
  REQUIRE(result.is_ok());  // an HTTP answer is a successful send; the caller reads the status
  CHECK(result->status == 503);
  CHECK(result->body == "busy 3");
  CHECK(server.requests() == 3);
}

TEST_CASE("curl: other statuses are returned at once, never retried or followed",
          "[transport][curl]") {
  FaultServer server({answer(404, "no such blob"), answer(500, "bug"), answer(429, "slow down"),
                      answer(302, "", {{"Location", "/elsewhere"}})});
  CurlTransport transport(fast_options());
  int expected_requests = 0;
  for (int status : {404, 500, 429, 302}) {
    auto result = transport.send(make("GET", server.url("/v1/blobs/abc")));
    REQUIRE(result.is_ok());
    CHECK(result->status == status);
    CHECK(server.requests() == ++expected_requests);
    if (status == 302) CHECK(result->header("Location") == "/elsewhere");
    if (status == 404) CHECK(result->body == "no such blob");
  }
}

TEST_CASE("curl: a connection closed mid-body is retried, then WX_UNAVAILABLE",
          "[transport][curl]") {
  CurlOptions options = fast_options();
  options.max_attempts = 2;
  SECTION("every attempt cut short") {
    FaultServer server({fault(Reply::kCloseMidBody), fault(Reply::kCloseMidBody)});
    CurlTransport transport(options);
    const std::string url = server.url("/v1/blobs/abc");
    auto result = transport.send(make("GET", url));
    REQUIRE_FALSE(result.is_ok());
    CHECK(result.error().code == WX_UNAVAILABLE);
    CHECK(result.error().is_transient());
    CHECK_THAT(result.error().message, Catch::Contains(url));
    CHECK_THAT(result.error().message, Catch::Contains("attempt 2 of 2"));
    CHECK(server.requests() == 2);
    CHECK(server.accepts() == 2);
  }
  SECTION("the retry gets the whole body") {
    FaultServer server({fault(Reply::kCloseMidBody), echo()});
    CurlTransport transport(options);
    auto result = transport.send(make("GET", server.url("/v1/blobs/abc")));
    REQUIRE(result.is_ok());
    CHECK(json::parse(result->body)["request"] == 2);
  }
}

TEST_CASE("curl: a server that never answers times out as WX_UNAVAILABLE", "[transport][curl]") {
  FaultServer server({fault(Reply::kNeverAnswer), fault(Reply::kNeverAnswer)});
  CurlOptions options = fast_options();
  options.timeout = 300ms;
  options.max_attempts = 2;
  CurlTransport transport(options);
  const auto start = Clock::now();
  auto result = transport.send(make("GET", server.url("/v1/sync")));
  const double elapsed = seconds_since(start);
  REQUIRE_FALSE(result.is_ok());
  CHECK(result.error().code == WX_UNAVAILABLE);
  CHECK(elapsed >= 0.55);  // two attempts of 300 ms each
  CHECK(elapsed < 1.5);
  CHECK(server.requests() == 2);
}

TEST_CASE("curl: a stalled body trips the low-speed window", "[transport][curl]") {
  FaultServer server({fault(Reply::kStall)});
  CurlOptions options = fast_options();
  options.timeout = 10000ms;
  options.low_speed_window = 1000ms;
  options.low_speed_bytes = 100;
  options.max_attempts = 1;
  CurlTransport transport(options);
  const auto start = Clock::now();
  auto result = transport.send(make("GET", server.url("/v1/blobs/abc")));
  REQUIRE_FALSE(result.is_ok());
  CHECK(result.error().code == WX_UNAVAILABLE);
  CHECK(seconds_since(start) < 4.0);
}

TEST_CASE("curl: connection refused is WX_UNAVAILABLE naming the URL", "[transport][curl]") {
  CurlOptions options = fast_options();
  options.max_attempts = 2;
  CurlTransport transport(options);
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/v1/sync";
  auto result = transport.send(make("GET", url));
  REQUIRE_FALSE(result.is_ok());
  CHECK(result.error().code == WX_UNAVAILABLE);
  CHECK_THAT(result.error().message, Catch::Contains(url));
  CHECK_THAT(result.error().message, Catch::Contains("attempt 2 of 2"));
}

TEST_CASE("curl: requests that cannot be sent are WX_INVALID_ARGUMENT, without network",
          "[transport][curl]") {
  FaultServer server({});
  CurlTransport transport(fast_options());
  const std::string ok_url = server.url("/v1/sync");
  const std::vector<HttpRequest> bad = {
      make("GET", "not a url"),
      make("GET", "http://[::1"),
      make("GET", "127.0.0.1/v1/sync"),
      make("GET", "ftp://127.0.0.1/file"),
      make("GET", ""),
      make("DELETE", ok_url),
      make("GET", ok_url, {}, "a body"),
      make("GET", ok_url, {{"X-Evil", "a\r\nInjected: yes"}}),
      make("GET", ok_url, {{"Bad Name", "x"}}),
  };
  for (const HttpRequest& request : bad) {
    auto result = transport.send(request);
    INFO(request.method << " " << request.url);
    REQUIRE_FALSE(result.is_ok());
    CHECK(result.error().code == WX_INVALID_ARGUMENT);
  }
  CHECK(server.accepts() == 0);
}

TEST_CASE("curl: transports on different threads work side by side", "[transport][curl]") {
  FaultServer first({echo(), echo()});
  FaultServer second({echo(), echo()});
  auto run = [](FaultServer& server, int& ok) {
    CurlTransport transport(fast_options());
    for (int i = 0; i < 2; ++i) ok += transport.send(make("GET", server.url("/"))).is_ok() ? 1 : 0;
  };
  int ok_first = 0, ok_second = 0;
  std::thread a(run, std::ref(first), std::ref(ok_first));
  std::thread b(run, std::ref(second), std::ref(ok_second));
  a.join();
  b.join();
  CHECK(ok_first == 2);
  CHECK(ok_second == 2);
}

}  // namespace werkex::test
