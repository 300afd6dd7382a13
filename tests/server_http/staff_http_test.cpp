// The staff site's HTTP details (server/staff/staff_http.hpp) in-process, from the attacker's
// side: look-alike cookies and origins, odd form encodings, bodies with extra keys.
#include <catch2/catch.hpp>

#include "staff_http.hpp"

using namespace werkex;
namespace sh = werkex::server::staff_http;
using werkex::http::Request;

namespace {

Request request(std::initializer_list<std::pair<const char*, const char*>> fields,
                std::string body = "") {
  Request r{werkex::http::bhttp::verb::post, "/v1/staff/logout", 11};
  for (auto& [k, v] : fields) r.insert(k, v);
  r.body() = std::move(body);
  return r;
}

}  // namespace

TEST_CASE("staff_http: the session cookie is found by its exact name only", "[staff]") {
  CHECK(sh::cookie(request({{"Cookie", "a=1; wx_staff=wxs_abc; b=2"}}), "wx_staff") == "wxs_abc");
  CHECK(sh::cookie(request({{"Cookie", "xwx_staff=evil; wx_staffx=evil"}}), "wx_staff").empty());
  CHECK(sh::cookie(request({{"Cookie", "a=1"}, {"Cookie", " wx_staff = t "}}), "wx_staff") == "t");
  CHECK(sh::cookie(request({}), "wx_staff").empty());
}

TEST_CASE("staff_http: same origin means this scheme, host and port exactly", "[staff]") {
  const char* host = "127.0.0.1:8080";
  CHECK(sh::same_origin(request({{"Host", host}, {"Origin", "http://127.0.0.1:8080"}}), false));
  CHECK(!sh::same_origin(request({{"Host", host}, {"Origin", "https://127.0.0.1:8080"}}), false));
  CHECK(!sh::same_origin(request({{"Host", host}, {"Origin", "http://127.0.0.1:8080"}}), true));
  CHECK(!sh::same_origin(request({{"Host", host}, {"Origin", "http://127.0.0.1:80800"}}), false));
  CHECK(!sh::same_origin(request({{"Host", host}, {"Origin", "null"}}), false));
  CHECK(!sh::same_origin(
      request({{"Host", host}, {"Referer", "http://127.0.0.1:8080.evil.example/x"}}), false));
  CHECK(sh::same_origin(request({{"Host", host}, {"Referer", "http://127.0.0.1:8080/groep"}}),
                        false));
  // Origin wins over a Referer that would pass.
  CHECK(!sh::same_origin(request({{"Host", host},
                                  {"Origin", "http://evil.example"},
                                  {"Referer", "http://127.0.0.1:8080/groep"}}),
                         false));
  CHECK(sh::same_origin(request({{"Host", host}}), false));  // the token must then decide
  CHECK(!sh::same_origin(request({{"Origin", "http://127.0.0.1:8080"}}), false));  // no Host
}

TEST_CASE("staff_http: form bodies decode percent and plus signs", "[staff]") {
  auto form = sh::parse_form("csrf=ab%2Bcd&naam=Sem+de+Vries&leeg=&kapot=%zz&zonder");
  CHECK(form["csrf"] == "ab+cd");
  CHECK(form["naam"] == "Sem de Vries");
  CHECK(form["leeg"].empty());
  CHECK(form["kapot"] == "%zz");
  CHECK(form.count("zonder") == 0);
  CHECK(sh::is_form(request({{"Content-Type", "application/x-www-form-urlencoded"}})));
  CHECK(!sh::is_form(request({{"Content-Type", "application/json"}})));
}

TEST_CASE("staff_http: small JSON bodies take only the keys asked for, as strings", "[staff]") {
  auto ok = sh::small_json_object(request({}, R"({"code":"ABC"})"), {"code"});
  REQUIRE(ok);
  CHECK((*ok)["code"] == "ABC");
  CHECK(
      sh::small_json_object(request({}, R"({"code":"A","role":"admin"})"), {"code"}).error().code ==
      WX_INVALID_ARGUMENT);
  CHECK(sh::small_json_object(request({}, R"({"code":["A"]})"), {"code"}).error().code ==
        WX_INVALID_ARGUMENT);
  CHECK(sh::small_json_object(request({}, "{\"code\":\"A\""), {"code"}).error().code ==
        WX_INVALID_ARGUMENT);
  CHECK(
      sh::small_json_object(request({{"Content-Type", "text/plain"}}, R"({"code":"A"})"), {"code"})
          .error()
          .code == WX_INVALID_ARGUMENT);
  std::string big = R"({"code":")" + std::string(5000, 'A') + "\"}";
  CHECK(sh::small_json_object(request({}, big), {"code"}).error().code == WX_TOO_LARGE);
}

TEST_CASE("staff_http: text is escaped for HTML content and attributes", "[staff]") {
  CHECK(sh::escape(R"(<script>"x" & 'y'</script>)") ==
        "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;");
}
