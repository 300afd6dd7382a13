// The staff dashboard's HTML shell: one layout for every page (header, navigation per role,
// sign-out), the page type views fill in, and the registration of a page behind a session.
//
// Invariants: every page is rendered for a live StaffPrincipal (StaffSite::add_page checks the
// session and the role before the view runs; without a session the browser goes to
// /inloggen); all text from data goes through staff_http::escape; pages run no inline script
// (the CSP forbids it): behaviour lives in /static/*.js, found through data-* attributes.
#pragma once

#include <string>
#include <vector>

#include "staff_principal.hpp"

namespace werkex::server {

// What a view returns: the layout wraps `body_html` (already escaped HTML) in <main>.
struct StaffPage {
  std::string title;                 // Dutch, shown in <title> and as the page's <h1>
  std::string nav;                   // the navigation entry to mark current: "/groep", …
  std::string body_html;             // the page's content
  std::vector<std::string> scripts;  // extra /static/ scripts, e.g. "/static/chart.js"
};

// The navigation entries `role` sees, as (path, Dutch label).
std::vector<std::pair<std::string, std::string>> staff_nav(const std::string& role);

// The whole HTML document of `page` for `who` (the layout).
std::string render_layout(const StaffPrincipal& who, const StaffPage& page);

// The sign-in page (no session).
std::string render_sign_in();

}  // namespace werkex::server
