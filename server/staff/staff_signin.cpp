// StaffSite's JSON API under /v1/staff/: sign in (code or password), who am I, set a
// password, sign out. Decode, call the AuthStore and the roster, encode; every refusal is the
// one JSON error shape, and nothing is written for a refused request.
#include <algorithm>

#include "staff_http.hpp"
#include "staff_site.hpp"

namespace werkex::server {

namespace {

using nlohmann::json;
using SignedIn = std::pair<StaffSessionTokens, StaffPrincipal>;

json who(const StaffPrincipal& p) {
  return {{"person", p.person},
          {"role", p.role},
          {"name", p.name},
          {"csrf", p.csrf},
          {"start", start_page(p.role)}};
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

Error rate_limited(const char* what, uint32_t wait_s) {
  return make_error(WX_RATE_LIMITED, std::string(what) + "; probeer het over " +
                                         std::to_string(wait_s) + " s opnieuw");
}

}  // namespace

std::string start_page(const std::string& role) {
  if (role == "manager") return "/directie";
  if (role == "supervisor") return "/begeleider";
  if (role == "admin") return "/inzage";
  return "/groep";
}

void StaffSite::register_api_routes(http::Router& router) {
  auto route = [this](auto method) {
    return [this, method](const http::Request& r, const http::RouteParams&, http::RequestLog& l) {
      return (this->*method)(r, l);
    };
  };
  router.add(http::bhttp::verb::post, "/v1/staff/session", route(&StaffSite::handle_sign_in));
  router.add(http::bhttp::verb::get, "/v1/staff/me", route(&StaffSite::handle_me));
  router.add(http::bhttp::verb::post, "/v1/staff/password", route(&StaffSite::handle_password));
  router.add(http::bhttp::verb::post, "/v1/staff/logout", route(&StaffSite::handle_logout));
}

http::Response StaffSite::refuse(const http::Request& req, const Error& e, uint32_t retry_s) {
  http::Response res = http::error_response(req, e);
  if (e.code == WX_RATE_LIMITED)
    res.set(http::bhttp::field::retry_after, std::to_string(std::max<uint32_t>(retry_s, 1)));
  return res;
}

std::string StaffSite::session_cookie(const std::string& token, bool clear) const {
  std::string c = std::string(kCookie) + "=" + token + "; HttpOnly; SameSite=Strict; Path=/";
  if (clear) c += "; Max-Age=0";
  if (config_.secure_cookie) c += "; Secure";
  return c;
}

std::string StaffSite::person_for_login(const std::string& login) {
  std::lock_guard lock(app_.dossier_mutex());
  for (const std::string& email : {login, lower(login)}) {
    auto found = app_.store().list(Query::where("person", "", "email", email));
    if (found && found->size() == 1) return (*found)[0]["id"].get<std::string>();
  }
  auto doc = app_.store().get(login);
  if (doc && doc->value("type", "") == "person") return login;
  return "";
}

Result<SignedIn> StaffSite::sign_in_with_code(const std::string& code) {
  const uint64_t now = app_.now_ms();
  WX_ASSIGN_OR_RETURN(std::string person, app_.auth().invite_person(code, now));
  // Checked before the code is burned: a pupil's code stays good for the pupil's phone.
  WX_ASSIGN_OR_RETURN(StaffPrincipal p, principal_of(person, ""));
  WX_ASSIGN_OR_RETURN(StaffSessionTokens t, app_.auth().redeem_staff_invite(code, now));
  p.csrf = t.csrf;
  return SignedIn{t, p};
}

Result<SignedIn> StaffSite::sign_in_with_password(const std::string& login,
                                                  const std::string& password,
                                                  http::RequestLog& log) {
  const std::string person = person_for_login(login);
  WX_ASSIGN_OR_RETURN(bool ok, app_.auth().check_staff_password(person, password));
  if (!ok) {
    log.note = "staff sign-in: wrong login or password";
    if (!person.empty())
      (void)app_.auth().audit(app_.now_ms(), person, "staff_sign_in_failed", person, "password");
    return make_error(WX_UNAUTHENTICATED, "onbekende inlognaam of verkeerd wachtwoord");
  }
  WX_ASSIGN_OR_RETURN(StaffPrincipal p, principal_of(person, ""));
  WX_ASSIGN_OR_RETURN(StaffSessionTokens t,
                      app_.auth().create_staff_session(person, app_.now_ms()));
  p.csrf = t.csrf;
  return SignedIn{t, p};
}

http::Response StaffSite::handle_sign_in(const http::Request& req, http::RequestLog& log) {
  if (uint32_t wait_s = signin_limiter_.acquire(log.client_address, app_.now_ms()))
    return refuse(req, rate_limited("te veel inlogpogingen vanaf dit adres", wait_s), wait_s);
  auto body = staff_http::small_json_object(req, {"code", "login", "password"});
  if (!body) return refuse(req, body.error());
  const bool by_code = body->contains("code") && body->size() == 1;
  const bool by_password =
      body->contains("login") && body->contains("password") && body->size() == 2;
  if (!by_code && !by_password)
    return refuse(
        req, make_error(WX_INVALID_ARGUMENT, "verwacht {\"code\"} of {\"login\", \"password\"}"));
  Result<SignedIn> in = make_error(WX_INTERNAL, "not signed in");
  if (by_code) {
    in = sign_in_with_code((*body)["code"].get<std::string>());
  } else {
    const std::string login = (*body)["login"].get<std::string>();
    if (uint32_t wait_s = login_limiter_.acquire("login:" + lower(login), app_.now_ms()))
      return refuse(req, rate_limited("te veel pogingen voor deze inlognaam", wait_s), wait_s);
    in = sign_in_with_password(login, (*body)["password"].get<std::string>(), log);
  }
  if (!in) return refuse(req, in.error());
  auto& [tokens, principal] = *in;
  log.user = principal.person;
  log.device = "web";
  (void)app_.auth().audit(app_.now_ms(), principal.person, "staff_sign_in", principal.person,
                          by_code ? "code" : "password");
  http::Response res = http::json_response(req, 200, who(principal));
  res.set(http::bhttp::field::set_cookie, session_cookie(tokens.token, false));
  res.set(http::bhttp::field::cache_control, "no-store");
  return res;
}

http::Response StaffSite::handle_me(const http::Request& req, http::RequestLog& log) {
  auto p = authenticate(req, log);
  if (!p) return refuse(req, p.error());
  http::Response res = http::json_response(req, 200, who(*p));
  res.set(http::bhttp::field::cache_control, "no-store");
  return res;
}

http::Response StaffSite::handle_password(const http::Request& req, http::RequestLog& log) {
  auto p = authenticate_write(req, log);
  if (!p) return refuse(req, p.error());
  auto body = staff_http::small_json_object(req, {"password"});
  if (!body) return refuse(req, body.error());
  if (!body->contains("password"))
    return refuse(req, make_error(WX_INVALID_ARGUMENT, "verwacht {\"password\"}"));
  Status s = app_.auth().set_staff_password(p->person, (*body)["password"], app_.now_ms());
  if (!s) return refuse(req, s.error());
  (void)app_.auth().audit(app_.now_ms(), p->person, "staff_password_set", p->person);
  return http::json_response(req, 200, {{"password_set", true}});
}

http::Response StaffSite::handle_logout(const http::Request& req, http::RequestLog& log) {
  auto p = authenticate_write(req, log);
  if (!p) return refuse(req, p.error());
  Status s = app_.auth().end_staff_session(staff_http::cookie(req, kCookie));
  if (!s) return refuse(req, s.error());
  (void)app_.auth().audit(app_.now_ms(), p->person, "staff_sign_out", p->person);
  http::Response res = staff_http::is_form(req)
                           ? staff_http::redirect(req, "/inloggen")
                           : http::json_response(req, 200, {{"signed_out", true}});
  res.set(http::bhttp::field::set_cookie, session_cookie("", true));
  return res;
}

}  // namespace werkex::server
