// Enrolment codes cannot be guessed at speed, and restarting with --demo does not pile up
// valid codes (issue 10 item 13), through the real werkex-server.
#include "devices.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

HttpResponse enroll(const std::string& url, const std::string& code) {
  CurlTransport t(quick_curl());
  json body = {{"code", code}, {"replica", "00000000000000a1"}};
  return expect_ok(
      t.send({"POST", url + "/v1/enroll", {{"Content-Type", "application/json"}}, body.dump()}));
}

std::string error_code_of(const HttpResponse& r) {
  json j = json::parse(r.body, nullptr, false);
  INFO(r.status << " " << r.body);
  REQUIRE(j.is_object());
  return j["error"]["code"].get<std::string>();
}

}  // namespace

TEST_CASE("enrolment: guesses from one address are rate limited with Retry-After",
          "[integration][enroll][access][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"), "127.0.0.1:0",
                       json{{"enroll_rate_limit_per_minute", 1}, {"enroll_rate_limit_burst", 3}});
  for (int i = 0; i < 3; ++i) {
    HttpResponse r = enroll(server.url(), "GUESS-" + std::to_string(10000 + i));
    CHECK(r.status == 401);
    CHECK(error_code_of(r) == "unauthenticated");
  }
  // The fourth attempt is refused before the code is even looked at, a right one too.
  HttpResponse r = enroll(server.url(), server.code("Sem"));
  CHECK(r.status == 429);
  CHECK(error_code_of(r) == "rate_limited");
  CHECK(std::stoul(r.header("Retry-After")) >= 1);
  CHECK_THAT(r.body, Catch::Contains("too many enrolment attempts"));
  CurlTransport t(quick_curl());
  HttpResponse m = expect_ok(t.send({"GET", server.url() + "/metrics", {}, ""}));
  CHECK_THAT(m.body, Catch::Contains("werkex_enroll_rate_limited_total 1\n"));
  // Devices already enrolled are not affected (their limit is per device).
  CHECK(expect_ok(t.send({"GET", server.url() + "/healthz", {}, ""})).status == 200);
}

TEST_CASE("enrolment: each --demo start revokes the previous start's unused demo codes",
          "[integration][enroll][access][pg]") {
  TempDir dir;
  const std::string data = dir.file("server");
  ServerProcess server(data);
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));  // used: stays enrolled
  const std::string first_aisha = server.code("Aisha");
  const std::string first_noah = server.code("Noah");
  server.stop(SIGTERM);
  server.start(data, "127.0.0.1:0");
  CHECK(server.code("Aisha") != first_aisha);
  // The first start's codes no longer work; this start's do.
  HttpResponse r = enroll(server.url(), first_aisha);
  CHECK(r.status == 401);
  CHECK(enroll(server.url(), first_noah).status == 401);
  expect_ok(sem.replica->set_setting("server", server.url()));
  CHECK(sem.try_sync());
  Device aisha(dir.file("aisha.db"), server.url(), server.code("Aisha"));
  CHECK(aisha.sync().rejected.empty());
  // A code minted by werkex-admin is not a demo code: a restart leaves it alone.
  const std::string invited = admin(data, "invite " + aisha.user());
  server.stop(SIGTERM);
  server.start(data, "127.0.0.1:0");
  Device aisha_laptop(dir.file("aisha-laptop.db"), server.url(), invited);
  CHECK(aisha_laptop.user() == aisha.user());
}
