#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "http/router.hpp"

using namespace werkex::http;
using nlohmann::json;

namespace {

Request request(bhttp::verb method, std::string target) {
  Request req(method, target, 11);
  req.prepare_payload();
  return req;
}

// A handler answering {"route": <name>, "params": {...}}.
Handler echo(std::string name) {
  return [name](const Request& req, const RouteParams& p, RequestLog&) {
    return json_response(req, 200, {{"route", name}, {"params", p.values}});
  };
}

json body_of(const Response& res) {
  return json::parse(res.body());
}

struct Fixture {
  Router router;
  RequestLog log;
  Fixture() {
    router.add(bhttp::verb::get, "/", echo("root"));
    router.add(bhttp::verb::get, "/v1/blobs/{sha}", echo("blob"));
    router.add(bhttp::verb::put, "/v1/blobs/{sha}", echo("blob-put"));
    router.add(bhttp::verb::get, "/v1/blobs/stats", echo("stats"));
    router.add(bhttp::verb::get, "/v1/{bucket}/items/{id}", echo("item"));
    router.add(bhttp::verb::post, "/v1/sync", echo("sync"));
  }
  Response handle(bhttp::verb method, std::string target) {
    return router.handle(request(method, std::move(target)), log);
  }
};

}  // namespace

TEST_CASE_METHOD(Fixture, "router: parameters bind whole raw segments", "[http][router]") {
  json b = body_of(handle(bhttp::verb::get, "/v1/blobs/ab%2Fcd"));
  CHECK(b["route"] == "blob");
  CHECK(b["params"]["sha"] == "ab%2Fcd");  // no percent-decoding
  b = body_of(handle(bhttp::verb::get, "/v1/pupil:1/items/42"));
  CHECK(b["route"] == "item");
  CHECK(b["params"] == json{{"bucket", "pupil:1"}, {"id", "42"}});
  CHECK(body_of(handle(bhttp::verb::get, "/"))["route"] == "root");
}

TEST_CASE_METHOD(Fixture, "router: a parameter never matches an empty segment or a slash",
                 "[http][router]") {
  CHECK(handle(bhttp::verb::get, "/v1/blobs/").result_int() == 404);
  CHECK(handle(bhttp::verb::get, "/v1/blobs/a/b").result_int() == 404);
  CHECK(handle(bhttp::verb::get, "/v1//items/1").result_int() == 404);
  CHECK(handle(bhttp::verb::post, "/v1/sync/").result_int() == 404);  // exact, no slash folding
}

TEST_CASE_METHOD(Fixture, "router: a literal segment beats a parameter", "[http][router]") {
  CHECK(body_of(handle(bhttp::verb::get, "/v1/blobs/stats"))["route"] == "stats");
  CHECK(router.match_pattern(request(bhttp::verb::get, "/v1/blobs/stats")) == "/v1/blobs/stats");
  CHECK(router.match_pattern(request(bhttp::verb::get, "/v1/blobs/x")) == "/v1/blobs/{sha}");
}

TEST_CASE_METHOD(Fixture, "router: an unknown path is a 404 JSON error", "[http][router]") {
  Response res = handle(bhttp::verb::get, "/nope?x=1");
  CHECK(res.result_int() == 404);
  CHECK(res[bhttp::field::content_type] == "application/json");
  json b = body_of(res);
  CHECK(b["error"]["code"] == "not_found");
  CHECK(b["error"]["message"] == "no route for /nope");
  CHECK(router.match_pattern(request(bhttp::verb::get, "/nope")) == "unmatched");
  CHECK(handle(bhttp::verb::get, "nope").result_int() == 404);  // not origin-form
}

TEST_CASE_METHOD(Fixture, "router: a known path with another method is a 405 with Allow",
                 "[http][router]") {
  Response res = handle(bhttp::verb::delete_, "/v1/blobs/abc");
  CHECK(res.result_int() == 405);
  CHECK(res[bhttp::field::allow] == "GET, HEAD, PUT");
  CHECK(body_of(res)["error"]["code"] == "invalid_argument");
  CHECK(router.match_pattern(request(bhttp::verb::delete_, "/v1/blobs/abc")) == "/v1/blobs/{sha}");
  res = handle(bhttp::verb::get, "/v1/sync");
  CHECK(res.result_int() == 405);
  CHECK(res[bhttp::field::allow] == "POST");  // no GET route, so no HEAD either
}

TEST_CASE_METHOD(Fixture, "router: HEAD runs the GET route without the body, keeping its length",
                 "[http][router]") {
  Response get = handle(bhttp::verb::get, "/v1/blobs/abc");
  Response head = handle(bhttp::verb::head, "/v1/blobs/abc");
  CHECK(head.result_int() == 200);
  CHECK(head.body().empty());
  CHECK(head[bhttp::field::content_length] == std::to_string(get.body().size()));
  CHECK(router.match_pattern(request(bhttp::verb::head, "/v1/blobs/abc")) == "/v1/blobs/{sha}");
  // Error answers to HEAD carry no body either.
  Response missing = handle(bhttp::verb::head, "/missing");
  CHECK(missing.result_int() == 404);
  CHECK(missing.body().empty());
  CHECK(missing[bhttp::field::content_length] != "0");
}

TEST_CASE("router: a registered HEAD route wins over the GET fallback and keeps its own length",
          "[http][router]") {
  Router router;
  router.add(bhttp::verb::get, "/b/{sha}", echo("get"));
  router.add(bhttp::verb::head, "/b/{sha}",
             [](const Request& req, const RouteParams&, RequestLog&) {
               Response res(bhttp::status::ok, req.version());
               res.content_length(5 * 1024 * 1024);  // the size of what the server holds
               return res;
             });
  RequestLog log;
  Response res = router.handle(request(bhttp::verb::head, "/b/x"), log);
  CHECK(res.result_int() == 200);
  CHECK(res[bhttp::field::content_length] == "5242880");
  CHECK(res.body().empty());
}

TEST_CASE_METHOD(Fixture, "router: the query string is ignored for matching", "[http][router]") {
  json b = body_of(handle(bhttp::verb::get, "/v1/blobs/abc?range=0-10&x=/y"));
  CHECK(b["route"] == "blob");
  CHECK(b["params"]["sha"] == "abc");
  CHECK(body_of(handle(bhttp::verb::post, "/v1/sync?"))["route"] == "sync");
  CHECK(body_of(handle(bhttp::verb::post, "http://example.org:8080/v1/sync?a=b"))["route"] ==
        "sync");
  CHECK(Router::path_of("/a/b?c#d") == "/a/b");
  CHECK(Router::path_of("https://h") == "/");
}

TEST_CASE("router: an exception in a handler becomes a 500 JSON error and a log note",
          "[http][router]") {
  Router router;
  router.add(bhttp::verb::get, "/boom",
             [](const Request&, const RouteParams&, RequestLog&) -> Response {
               throw std::runtime_error("disk on fire");
             });
  router.add(bhttp::verb::get, "/weird",
             [](const Request&, const RouteParams&, RequestLog&) -> Response { throw 42; });
  router.add(bhttp::verb::get, "/param", [](const Request& req, const RouteParams& p, RequestLog&) {
    return json_response(req, 200, p.at("missing"));
  });
  for (const char* target : {"/boom", "/weird", "/param"}) {
    RequestLog log;
    Response res = router.handle(request(bhttp::verb::get, target), log);
    CHECK(res.result_int() == 500);
    json b = body_of(res);
    CHECK(b["error"]["code"] == "internal");
    CHECK(b["error"]["message"] == "internal error");  // no details leak to the client
    CHECK_THAT(log.note, Catch::StartsWith("handler threw"));
  }
  RequestLog log;
  router.handle(request(bhttp::verb::get, "/boom"), log);
  CHECK(log.note == "handler threw: disk on fire");
}

TEST_CASE("router: malformed or duplicate patterns are refused at registration", "[http][router]") {
  Router router;
  Handler h = echo("x");
  CHECK_THROWS_AS(router.add(bhttp::verb::get, "no-slash", h), std::invalid_argument);
  CHECK_THROWS_AS(router.add(bhttp::verb::get, "/a/{}", h), std::invalid_argument);
  CHECK_THROWS_AS(router.add(bhttp::verb::get, "/a/x{y}", h), std::invalid_argument);
  CHECK_THROWS_AS(router.add(bhttp::verb::get, "/a/b", Handler()), std::invalid_argument);
  router.add(bhttp::verb::get, "/a/{x}", h);
  CHECK_THROWS_AS(router.add(bhttp::verb::get, "/a/{y}", h), std::invalid_argument);
  CHECK_NOTHROW(router.add(bhttp::verb::post, "/a/{y}", h));
}

TEST_CASE("http types: error codes map to statuses and one JSON error shape", "[http][types]") {
  CHECK(http_status_for(WX_INVALID_ARGUMENT) == 400);
  CHECK(http_status_for(WX_CORRUPT) == 400);
  CHECK(http_status_for(WX_UNAUTHENTICATED) == 401);
  CHECK(http_status_for(WX_PERMISSION_DENIED) == 403);
  CHECK(http_status_for(WX_NOT_FOUND) == 404);
  CHECK(http_status_for(WX_CONFLICT) == 409);
  CHECK(http_status_for(WX_CLOCK_SKEW) == 409);
  CHECK(http_status_for(WX_TOO_LARGE) == 413);
  CHECK(http_status_for(WX_UNAVAILABLE) == 503);
  CHECK(http_status_for(WX_IO) == 500);
  CHECK(http_status_for(WX_INTERNAL) == 500);

  Request req(bhttp::verb::get, "/", 10);  // HTTP/1.0 without keep-alive
  Response res = error_response(req, werkex::make_error(WX_CLOCK_SKEW, "clock \xff ahead"));
  CHECK(res.result_int() == 409);
  CHECK(res.version() == 10);
  CHECK_FALSE(res.keep_alive());
  CHECK(res[bhttp::field::content_type] == "application/json");
  CHECK(res[bhttp::field::content_length] == std::to_string(res.body().size()));
  json b = body_of(res);  // the invalid byte was replaced, not thrown on
  CHECK(b["error"]["code"] == "clock_skew");
  CHECK_THAT(b["error"]["message"].get<std::string>(), Catch::StartsWith("clock "));

  Request keep(bhttp::verb::get, "/", 11);
  CHECK(json_response(keep, 201, {{"a", 1}}).keep_alive());
  CHECK(json_response(keep, 201, {{"a", 1}}).body() == R"({"a":1})");
}
