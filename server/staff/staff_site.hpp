// StaffSite: the staff dashboard's front door on the public listener: sign-in (enrolment code
// or password), sessions, the HTML shell and its static assets. Issue 12.
//
// Invariants:
// - A session is a random cookie token (`wx_staff`, HttpOnly, SameSite=Strict, Path=/, Secure
//   under TLS), kept hashed in server.db, ending after `idle_ms` without a request, after
//   `max_age_ms` in all, or at logout (deleted server-side).
// - Every authenticated request re-checks the session's person live with compute_access():
//   a person who left, or whose role is no longer a staff role, is refused at once.
// - Every state-changing request (authenticate_write) needs the session's CSRF token (header
//   X-CSRF-Token or form field `csrf`) and an Origin (or, without Origin, a Referer) that is
//   this server's own: a cross-site POST is refused with 403.
// - Sign-in attempts are rate limited per client address and, for passwords, per login.
// Thread-safe: handlers run concurrently on the server's workers.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app.hpp"
#include "http/router.hpp"
#include "mentor_service.hpp"
#include "staff_pages.hpp"
#include "staff_principal.hpp"

namespace werkex::server {

struct StaffConfig {
  uint64_t idle_ms = 30ull * 60 * 1000;         // config staff_session_idle_minutes
  uint64_t max_age_ms = kStaffSessionMaxAgeMs;  // absolute: a working day
  bool secure_cookie = false;                   // the public listener speaks TLS
  // Chart.js, read once at start (Debian's libjs-chart.js); missing: /static/chart.js is 404.
  std::string chart_js_path = "/usr/share/javascript/chart.js/chart.min.js";
  RateLimit signin_limit{10, 30};  // per client address (as enrolment codes)
  RateLimit login_limit{5, 5};     // per password login name
};

class StaffSite {
 public:
  StaffSite(App& app, StaffConfig config);

  // The /v1/staff/ JSON API, the pages and /static/ on the public router.
  void register_routes(http::Router& router);

  // The signed-in staff member of a read request; WX_UNAUTHENTICATED without a live session
  // (or when its person left), WX_PERMISSION_DENIED for a person without a staff role.
  Result<StaffPrincipal> authenticate(const http::Request& req, http::RequestLog& log);
  // As authenticate, plus the CSRF token and same-origin checks (WX_PERMISSION_DENIED).
  Result<StaffPrincipal> authenticate_write(const http::Request& req, http::RequestLog& log);

  // A page behind a session, for `roles` only (empty: every staff role). Without a session the
  // browser is sent to /inloggen; another role gets a 403 page; a view's error becomes a page
  // with its status. The view runs with a live principal; its page gets the layout.
  using PageView = std::function<Result<StaffPage>(const StaffPrincipal&, const http::Request&,
                                                   const http::RouteParams&, http::RequestLog&)>;
  void add_page(http::Router& router, const std::string& pattern, std::vector<std::string> roles,
                PageView view);
  // A JSON route behind a session: GET uses authenticate, any other method
  // authenticate_write (CSRF + same origin). 200 with the view's JSON, else the error shape.
  using JsonView = std::function<Result<nlohmann::json>(
      const StaffPrincipal&, const http::Request&, const http::RouteParams&, http::RequestLog&)>;
  void add_json(http::Router& router, http::bhttp::verb method, const std::string& pattern,
                std::vector<std::string> roles, JsonView view);

  App& app() { return app_; }
  const StaffConfig& config() const { return config_; }
  static constexpr const char* kCookie = "wx_staff";
  bool has_chart_js() const { return !chart_js_.empty(); }

 private:
  // The live StaffPrincipal of a session's person (takes the dossier lock).
  Result<StaffPrincipal> principal_of(const std::string& person, const std::string& csrf);
  // /v1/staff/ (staff_signin.cpp), the pages (staff_pages.cpp), /static/ (staff_assets.cpp).
  void register_api_routes(http::Router& router);
  void register_page_routes(http::Router& router);
  void register_asset_routes(http::Router& router);
  // The mentor side: Groep, Leerling and their /v1/staff/ routes (mentor_routes.cpp).
  void register_mentor_routes(http::Router& router);
  http::Response handle_photo(const http::Request& req, const http::RouteParams& params,
                              http::RequestLog& log);
  http::Response handle_sign_in(const http::Request& req, http::RequestLog& log);
  http::Response handle_me(const http::Request& req, http::RequestLog& log);
  http::Response handle_password(const http::Request& req, http::RequestLog& log);
  http::Response handle_logout(const http::Request& req, http::RequestLog& log);
  // Sign-in with a code / a password: the new session's cookie token and its principal.
  Result<std::pair<StaffSessionTokens, StaffPrincipal>> sign_in_with_code(const std::string& code);
  Result<std::pair<StaffSessionTokens, StaffPrincipal>> sign_in_with_password(
      const std::string& login, const std::string& password, http::RequestLog& log);
  // The roster person whose email (case-insensitive) or id is `login`, or "".
  std::string person_for_login(const std::string& login);
  // A JSON error answer (Retry-After on 429).
  http::Response refuse(const http::Request& req, const Error& e, uint32_t retry_s = 0);
  std::string session_cookie(const std::string& token, bool clear) const;
  http::Response error_page(const http::Request& req, const StaffPrincipal* who, const Error& e);

  App& app_;
  StaffConfig config_;
  RateLimiter signin_limiter_;  // per client address
  RateLimiter login_limiter_;   // per password login name
  std::string chart_js_;        // read at start; empty: not installed
  std::unique_ptr<MentorService> mentor_;
};

// Whether `role` may sign in to the dashboard.
bool is_staff_role(const std::string& role);
// The page a role starts on after signing in: teacher and counsellor /groep, manager
// /directie, supervisor /begeleider, admin /inzage.
std::string start_page(const std::string& role);

}  // namespace werkex::server
