#include "staff_http.hpp"

#include "export/encoding.hpp"

namespace werkex::server::staff_http {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
               hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::string cookie(const http::Request& req, std::string_view name) {
  for (const auto& field : req) {
    if (field.name() != http::bhttp::field::cookie) continue;
    std::string_view rest(field.value().data(), field.value().size());
    while (!rest.empty()) {
      size_t end = rest.find(';');
      std::string_view pair = trim(rest.substr(0, end));
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      size_t eq = pair.find('=');
      if (eq != std::string_view::npos && trim(pair.substr(0, eq)) == name)
        return std::string(trim(pair.substr(eq + 1)));
    }
  }
  return "";
}

std::map<std::string, std::string> parse_form(std::string_view body) {
  std::map<std::string, std::string> out;
  while (!body.empty()) {
    size_t end = body.find('&');
    std::string_view pair = body.substr(0, end);
    body = end == std::string_view::npos ? std::string_view() : body.substr(end + 1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    out[url_decode(pair.substr(0, eq))] = url_decode(pair.substr(eq + 1));
  }
  return out;
}

bool is_form(const http::Request& req) {
  auto type = req[http::bhttp::field::content_type];
  return type.starts_with("application/x-www-form-urlencoded");
}

Result<nlohmann::json> json_object_body(const http::Request& req, json_object::Keys allowed,
                                        size_t max_bytes, Language lang,
                                        json_object::Values values) {
  const bool nl = lang == Language::nl;
  if (req.body().size() > max_bytes)
    return make_error(WX_TOO_LARGE,
                      (nl ? "het verzoek is groter dan " : "the body is larger than ") +
                          std::to_string(max_bytes / 1024) + " KiB");
  auto type = req[http::bhttp::field::content_type];
  if (!type.empty() && !type.starts_with("application/json"))
    return make_error(WX_INVALID_ARGUMENT,
                      std::string(nl ? "verwacht" : "expected") + " Content-Type application/json");
  return json_object::parse_object(req.body(), allowed, "", lang, values);
}

Result<nlohmann::json> small_json_object(const http::Request& req,
                                         std::initializer_list<std::string_view> allowed,
                                         size_t max_bytes) {
  return json_object_body(req, allowed, max_bytes, Language::en, json_object::Values::strings);
}

http::Response html_response(const http::Request& req, unsigned status, std::string body) {
  http::Response res{static_cast<http::bhttp::status>(status), req.version()};
  res.set(http::bhttp::field::content_type, "text/html; charset=utf-8");
  res.set("Content-Security-Policy",
          "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "same-origin");
  res.set("X-Frame-Options", "DENY");
  res.set(http::bhttp::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

http::Response redirect(const http::Request& req, const std::string& location) {
  http::Response res{http::bhttp::status::see_other, req.version()};
  res.set(http::bhttp::field::location, location);
  res.set(http::bhttp::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  return res;
}

bool same_origin(const http::Request& req, bool tls) {
  auto host = req[http::bhttp::field::host];
  if (host.empty()) return false;
  const std::string own = std::string(tls ? "https://" : "http://") + std::string(host);
  auto origin = req[http::bhttp::field::origin];
  if (!origin.empty()) return origin == own;
  auto referer = req[http::bhttp::field::referer];
  if (!referer.empty()) return referer == own || referer.starts_with(own + "/");
  return true;
}

std::string escape(std::string_view text) {
  return exporter::html_escape(text);
}

}  // namespace werkex::server::staff_http
