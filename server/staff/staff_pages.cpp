#include "staff_pages.hpp"

#include "staff_http.hpp"

namespace werkex::server {

namespace {

using staff_http::escape;

std::string head(const std::string& title, const std::string& csrf,
                 const std::vector<std::string>& scripts) {
  std::string h =
      "<!doctype html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>" +
      escape(title) +
      " · werkex</title>"
      "<link rel=\"icon\" href=\"data:,\">"
      "<link rel=\"stylesheet\" href=\"/static/staff.css\">";
  if (!csrf.empty()) h += "<meta name=\"csrf\" content=\"" + escape(csrf) + "\">";
  for (const std::string& s : scripts) h += "<script src=\"" + escape(s) + "\" defer></script>";
  h += "<script src=\"/static/staff.js\" defer></script></head>\n";
  return h;
}

const char* role_label(const std::string& role) {
  if (role == "teacher") return "mentor";
  if (role == "counsellor") return "decaan";
  if (role == "manager") return "directie";
  if (role == "supervisor") return "praktijkbegeleider";
  if (role == "admin") return "beheer";
  return "";
}

}  // namespace

std::vector<std::pair<std::string, std::string>> staff_nav(const std::string& role) {
  if (role == "teacher") return {{"/groep", "Groep"}};
  if (role == "counsellor")
    return {{"/groep", "Groepen"},
            {"/netwerk", "Netwerk"},
            {"/inzage", "Inzage"},
            {"/directie", "Cijfers"}};
  if (role == "manager") return {{"/directie", "Directie"}};
  if (role == "supervisor") return {{"/begeleider", "Mijn stagiairs"}};
  if (role == "admin") return {{"/inzage", "Inzage"}};
  return {};
}

std::string render_layout(const StaffPrincipal& who, const StaffPage& page) {
  std::string html = head(page.title, who.csrf, page.scripts);
  html += "<body class=\"wx-page wx-role-" + escape(who.role) + "\">\n";
  html += "<header class=\"wx-header\"><a class=\"wx-brand\" href=\"/\">werkex</a>";
  html += "<nav class=\"wx-nav\" aria-label=\"Hoofdmenu\">";
  for (const auto& [path, label] : staff_nav(who.role)) {
    bool current = path == page.nav;
    html += "<a class=\"wx-nav-link" + std::string(current ? " wx-nav-current" : "") +
            "\" href=\"" + path + "\"" + (current ? " aria-current=\"page\"" : "") + ">" +
            escape(label) + "</a>";
  }
  html += "</nav><div class=\"wx-user\"><span class=\"wx-user-name\">" + escape(who.name) +
          "</span> <span class=\"wx-user-role\">" + role_label(who.role) + "</span>";
  html += " <a class=\"wx-user-link\" href=\"/wachtwoord\">Wachtwoord</a>";
  html +=
      "<form class=\"wx-signout\" method=\"post\" action=\"/v1/staff/logout\">"
      "<input type=\"hidden\" name=\"csrf\" value=\"" +
      escape(who.csrf) +
      "\">"
      "<button type=\"submit\" class=\"wx-button wx-button-quiet\" id=\"wx-signout\">"
      "Uitloggen</button></form></div></header>\n";
  html += "<main class=\"wx-main\" id=\"main\"><h1 class=\"wx-title\">" + escape(page.title) +
          "</h1>\n" + page.body_html + "</main>\n</body></html>\n";
  return html;
}

std::string render_sign_in() {
  std::string html = head("Inloggen", "", {});
  html += R"(<body class="wx-page wx-signin-page">
<main class="wx-main wx-signin" id="main">
<h1 class="wx-title">werkex · inloggen</h1>
<p class="wx-lead">Voor mentoren, decanen, directie en praktijkbegeleiders. Leerlingen gebruiken de app.</p>
<noscript><p class="wx-error">Zet JavaScript aan om in te loggen.</p></noscript>
<p id="wx-signin-error" class="wx-error" role="alert" hidden></p>
<form id="wx-signin-code" class="wx-form wx-card" novalidate>
<h2>Met je inlogcode</h2>
<label for="wx-code">Inlogcode (uit je brief; één keer te gebruiken)</label>
<input id="wx-code" name="code" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" required>
<button type="submit" class="wx-button">Inloggen met code</button>
</form>
<form id="wx-signin-password" class="wx-form wx-card" novalidate>
<h2>Met je wachtwoord</h2>
<label for="wx-login">E-mailadres (of je werkex-id)</label>
<input id="wx-login" name="login" autocomplete="username" spellcheck="false" required>
<label for="wx-password">Wachtwoord</label>
<input id="wx-password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" class="wx-button">Inloggen met wachtwoord</button>
</form>
</main>
</body></html>
)";
  return html;
}

}  // namespace werkex::server
