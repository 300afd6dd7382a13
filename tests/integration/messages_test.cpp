// The server's refusals in the language the client asked for (Accept-Language), with the
// message key and its arguments so a device renders them in its own language: checked
// through the real server over HTTP, and through a device's sync.
#include "werkex/messages.hpp"
#include "blob_client.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

struct Answer {
  int status;
  json error;
};

Answer ask(const ServerProcess& server, const std::string& method, const std::string& path,
           std::vector<std::pair<std::string, std::string>> headers, std::string body = "") {
  CurlTransport t(quick_curl());
  HttpResponse r =
      expect_ok(t.send({method, server.url() + path, std::move(headers), std::move(body)}));
  json doc = json::parse(r.body, nullptr, false);
  REQUIRE(doc.is_object());
  return {r.status, doc["error"]};
}

}  // namespace

TEST_CASE("messages: the server answers in Dutch when asked, with key and arguments",
          "[integration][messages][pg]") {
  TempDir dir;
  ServerProcess server{dir.file("server")};

  Answer a = ask(server, "GET", "/v1/nope", {{"Accept-Language", "nl-NL,nl;q=0.9,en;q=0.5"}});
  CHECK(a.status == 404);
  CHECK(a.error["code"] == "not_found");
  CHECK(a.error["key"] == "no_route");
  CHECK(a.error["message"] == "geen pagina of dienst op /v1/nope");
  CHECK(a.error["args"] == json({{"path", "/v1/nope"}}));
  a = ask(server, "GET", "/v1/nope", {});  // no preference: English
  CHECK(a.error["message"] == "no route for /v1/nope");

  Device sem{dir.file("sem.db"), server.url(), server.code("Sem")};
  a = ask(server, "POST", "/v1/sync",
          {{"Accept-Language", "nl"},
           {"Content-Type", "text/plain"},
           {"Authorization", "Bearer " + token_of(sem)}},
          "hallo");
  CHECK(a.status == 415);
  CHECK(a.error["key"] == "unsupported_content_type");
  CHECK_THAT(a.error["message"].get<std::string>(),
             Catch::StartsWith("Content-Type 'text/plain' wordt niet ondersteund"));

  // A refusal outside the catalogue (a bad token) still has a key and a Dutch sentence.
  a = ask(server, "POST", "/v1/sync",
          {{"Accept-Language", "nl"},
           {"Content-Type", "application/json"},
           {"Authorization", "Bearer not-a-token"}},
          "{}");
  CHECK(a.status == 401);
  CHECK(a.error["key"] == "unauthenticated");
  CHECK_THAT(a.error["message"].get<std::string>(),
             Catch::StartsWith("Je bent niet (meer) aangemeld"));
}

TEST_CASE("messages: a device gets the server's key and renders it in its own language",
          "[integration][messages][pg]") {
  TempDir dir;
  ServerProcess server{dir.file("server")};
  // A device whose token does not exist: the server refuses, the device keeps the key.
  Device sem{dir.file("sem.db"), server.url(), server.code("Sem")};
  expect_ok(sem.replica->set_setting("token", "forged-token"));
  auto refused = sem.try_sync();
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == WX_UNAUTHENTICATED);
  CHECK(error_key(refused.error()) == "unauthenticated");
  CHECK_THAT(localized_message(refused.error(), Language::nl),
             Catch::StartsWith("Je bent niet (meer) aangemeld"));
}
