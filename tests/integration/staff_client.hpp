// A staff member's browser as far as the server can tell, for integration tests of the
// staff dashboard: one cookie jar, the session's CSRF token, and the Origin its pages send.
#pragma once

#include "devices.hpp"

namespace werkex::test {

struct StaffClient {
  std::string url;
  std::string cookie;  // "wx_staff=..." or ""
  std::string csrf;
  CurlTransport transport;

  // `ca_file`: the certificate to trust for an https:// server.
  explicit StaffClient(std::string u, const std::string& ca_file = "")
      : url(std::move(u)), transport([&] {
          CurlOptions o = quick_curl();
          // A retried POST would be a second write, a retried sign-in a second try against
          // the rate limits.
          o.max_attempts = 1;
          o.ca_file = ca_file;
          return o;
        }()) {}

  HttpResponse send(const std::string& method, const std::string& path, const std::string& body,
                    HttpHeaders headers = {}) {
    if (!cookie.empty()) headers.emplace_back("Cookie", cookie);
    HttpResponse r = expect_ok(transport.send({method, url + path, headers, body}));
    std::string set = r.header("Set-Cookie");
    if (!set.empty()) cookie = set.substr(0, set.find(';'));
    if (cookie == "wx_staff=") cookie.clear();
    return r;
  }
  HttpResponse get(const std::string& path) { return send("GET", path, ""); }
  // A JSON POST as the site's script sends it: own Origin, and the token unless told.
  HttpResponse post_raw(const std::string& path, const std::string& body, bool with_csrf = true,
                        const std::string& origin = "") {
    HttpHeaders h = {{"Content-Type", "application/json"},
                     {"Origin", origin.empty() ? url : origin}};
    if (with_csrf && !csrf.empty()) h.emplace_back("X-CSRF-Token", csrf);
    return send("POST", path, body, h);
  }
  HttpResponse post(const std::string& path, const json& body, bool with_csrf = true,
                    const std::string& origin = "") {
    return post_raw(path, body.dump(), with_csrf, origin);
  }
  // Signs in with `body` ({code} or {login, password}); keeps the CSRF token when it worked.
  HttpResponse try_sign_in(const json& body) {
    HttpResponse r = post("/v1/staff/session", body, false);
    if (r.status == 200) csrf = json::parse(r.body)["csrf"];
    return r;
  }
  // Signs in with an enrolment code; REQUIREs success.
  void sign_in(const std::string& code) {
    HttpResponse r = post("/v1/staff/session", {{"code", code}}, false);
    REQUIRE(r.status == 200);
    csrf = json::parse(r.body)["csrf"];
  }
  // Signs in with the demo code of `name`; REQUIREs success.
  void sign_in(const ServerProcess& server, const std::string& name) { sign_in(server.code(name)); }
  json get_json(const std::string& path, int want = 200) {
    HttpResponse r = get(path);
    INFO(path << " -> " << r.status << " " << r.body);
    REQUIRE(r.status == want);
    return json::parse(r.body);
  }
};

inline json body_json(const HttpResponse& r) {
  return json::parse(r.body, nullptr, false);
}

}  // namespace werkex::test
