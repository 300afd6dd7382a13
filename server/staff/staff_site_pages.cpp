// StaffSite's pages: the front door (/, /inloggen), the password page, the views' own pages
// (counsellor_pages.hpp, supervisor_page.hpp), and add_page / add_json, which put any view behind a
// session.
#include <algorithm>

#include "counsellor_pages.hpp"
#include "staff_http.hpp"
#include "staff_site.hpp"
#include "supervisor_page.hpp"

namespace werkex::server {

namespace {

bool allowed(const std::vector<std::string>& roles, const std::string& role) {
  return roles.empty() || std::find(roles.begin(), roles.end(), role) != roles.end();
}

const char* kPasswordForm = R"(<p>Met een wachtwoord log je voortaan in zonder nieuwe code: je
e-mailadres uit de schooladministratie (of je werkex-id) en dit wachtwoord.</p>
<form id="wx-password-form" class="wx-form wx-card" novalidate>
<label for="wx-new-password">Nieuw wachtwoord (minstens 10 tekens)</label>
<input id="wx-new-password" name="password" type="password" autocomplete="new-password" minlength="10" required>
<button type="submit" class="wx-button">Wachtwoord instellen</button>
</form>
<p id="wx-password-result" class="wx-status" role="status" hidden></p>
)";

}  // namespace

http::Response StaffSite::error_page(const http::Request& req, const StaffPrincipal* who,
                                     const Error& e) {
  const unsigned status = http::http_status_for(e.code);
  if (e.code == WX_UNAUTHENTICATED) return staff_http::redirect(req, "/inloggen");
  std::string text = status == 403   ? "Je hebt geen toegang tot deze pagina."
                     : status == 404 ? "Deze pagina bestaat niet."
                                     : "Er ging iets mis. Probeer het later opnieuw.";
  std::string body = "<p class=\"wx-error\">" + staff_http::escape(text) + "</p>";
  if (e.code == WX_PERMISSION_DENIED && !e.message.empty())
    body += "<p class=\"wx-detail\">" + staff_http::escape(e.message) + "</p>";
  if (!who)
    return staff_http::html_response(req, status,
                                     render_sign_in());  // e.g. a pupil: the form again
  return staff_http::html_response(req, status,
                                   render_layout(*who, {"Geen toegang", "", body, {}}));
}

void StaffSite::add_page(http::Router& router, const std::string& pattern,
                         std::vector<std::string> roles, PageView view) {
  router.add(http::bhttp::verb::get, pattern,
             [this, roles = std::move(roles), view = std::move(view)](
                 const http::Request& r, const http::RouteParams& p, http::RequestLog& l) {
               auto who = authenticate(r, l);
               if (!who) return error_page(r, nullptr, who.error());
               if (!allowed(roles, who->role))
                 return error_page(r, &*who, make_error(WX_PERMISSION_DENIED, ""));
               auto page = view(*who, r, p, l);
               if (!page) return error_page(r, &*who, page.error());
               return staff_http::html_response(r, 200, render_layout(*who, *page));
             });
}

void StaffSite::add_json(http::Router& router, http::bhttp::verb method, const std::string& pattern,
                         std::vector<std::string> roles, JsonView view) {
  router.add(method, pattern,
             [this, method, roles = std::move(roles), view = std::move(view)](
                 const http::Request& r, const http::RouteParams& p, http::RequestLog& l) {
               auto who =
                   method == http::bhttp::verb::get ? authenticate(r, l) : authenticate_write(r, l);
               if (!who) return refuse(r, who.error());
               if (!allowed(roles, who->role))
                 return refuse(r, make_error(WX_PERMISSION_DENIED, "niet voor deze rol"));
               auto out = view(*who, r, p, l);
               if (!out) return refuse(r, out.error());
               http::Response res = http::json_response(r, 200, *out);
               res.set(http::bhttp::field::cache_control, "no-store");
               return res;
             });
}

void StaffSite::register_page_routes(http::Router& router) {
  auto front = [this](const http::Request& r, const http::RouteParams&, http::RequestLog& l) {
    auto who = authenticate(r, l);
    if (who) return staff_http::redirect(r, start_page(who->role));
    return staff_http::html_response(r, 200, render_sign_in());
  };
  router.add(http::bhttp::verb::get, "/", front);
  router.add(http::bhttp::verb::get, "/inloggen", front);
  add_page(
      router, "/wachtwoord", {},
      [](const StaffPrincipal&, const http::Request&, const http::RouteParams&, http::RequestLog&) {
        return Result<StaffPage>(StaffPage{"Wachtwoord instellen", "", kPasswordForm, {}});
      });
  register_counsellor_pages(*this, router);
  register_supervisor_pages(*this, router);
}

}  // namespace werkex::server
