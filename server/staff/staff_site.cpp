#include "staff_site.hpp"

#include <sodium.h>

#include <fstream>
#include <sstream>

#include "staff_http.hpp"
#include "werkex/clock.hpp"

namespace werkex::server {

bool is_staff_role(const std::string& role) {
  return role == "teacher" || role == "counsellor" || role == "manager" || role == "supervisor" ||
         role == "admin";
}

StaffSite::StaffSite(App& app, StaffConfig config)
    : app_(app),
      config_(std::move(config)),
      signin_limiter_(config_.signin_limit),
      login_limiter_(config_.login_limit),
      mentor_(std::make_unique<MentorService>(app)) {
  std::ifstream in(config_.chart_js_path, std::ios::binary);
  if (in) {
    std::ostringstream bytes;
    bytes << in.rdbuf();
    chart_js_ = bytes.str();
  }
}

void StaffSite::register_routes(http::Router& router) {
  register_api_routes(router);
  register_page_routes(router);
  register_mentor_routes(router);
  register_asset_routes(router);
}

Result<StaffPrincipal> StaffSite::principal_of(const std::string& person, const std::string& csrf) {
  std::lock_guard lock(app_.dossier_mutex());
  auto shared = app_.access_of(person);
  if (!shared) return shared.error();
  const Access& access = **shared;
  if (!is_staff_role(access.role))
    return make_error(WX_PERMISSION_DENIED, "Leerlingen gebruiken de app");
  StaffPrincipal p;
  p.person = person;
  p.role = access.role;
  p.school_bucket = access.school_bucket;
  p.csrf = csrf;
  if (auto doc = app_.store().get(person)) p.name = doc->value("name", "");
  p.access = access;  // a copy: the principal outlives the lock
  return p;
}

Result<StaffPrincipal> StaffSite::authenticate(const http::Request& req, http::RequestLog& log) {
  std::string token = staff_http::cookie(req, kCookie);
  if (token.empty()) return make_error(WX_UNAUTHENTICATED, "niet ingelogd");
  WX_ASSIGN_OR_RETURN(
      StaffSession s,
      app_.auth().staff_session(token, app_.now_ms(), config_.idle_ms, config_.max_age_ms));
  log.user = s.person;
  log.device = "web";
  auto principal = principal_of(s.person, s.csrf);
  if (!principal && principal.error().code == WX_UNAUTHENTICATED) {
    // Left the school (or removed): the session ends with the membership.
    (void)app_.auth().end_staff_session(token);
  }
  return principal;
}

Result<StaffPrincipal> StaffSite::authenticate_write(const http::Request& req,
                                                     http::RequestLog& log) {
  WX_ASSIGN_OR_RETURN(StaffPrincipal p, authenticate(req, log));
  if (!staff_http::same_origin(req, config_.secure_cookie))
    return make_error(WX_PERMISSION_DENIED, "dit verzoek komt niet van deze site");
  std::string sent(req["X-CSRF-Token"]);
  if (sent.empty() && staff_http::is_form(req)) sent = staff_http::parse_form(req.body())["csrf"];
  if (sent.size() != p.csrf.size() || sodium_memcmp(sent.data(), p.csrf.data(), sent.size()) != 0)
    return make_error(WX_PERMISSION_DENIED, "het CSRF-token ontbreekt of klopt niet");
  return p;
}

}  // namespace werkex::server
