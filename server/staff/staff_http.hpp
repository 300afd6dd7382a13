// The HTTP details of the staff dashboard: cookies, form bodies, strict JSON bodies, HTML
// answers with their security headers, redirects and the same-origin check. Pure functions
// of a request, safe from any thread; no werkex business logic.
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

#include "http/http_types.hpp"
#include "werkex/json_object.hpp"

namespace werkex::server::staff_http {

// The value of cookie `name` in the request's Cookie header(s), or "".
std::string cookie(const http::Request& req, std::string_view name);

// application/x-www-form-urlencoded `body`, percent- and '+'-decoded; later keys win.
std::map<std::string, std::string> parse_form(std::string_view body);

// Whether the request body is an HTML form post (x-www-form-urlencoded).
bool is_form(const http::Request& req);

// The request body as a JSON object whose keys are all in `allowed` (json_object.hpp): in
// `lang`, WX_TOO_LARGE "the body is larger than N KiB" over `max_bytes`, WX_INVALID_ARGUMENT
// for another Content-Type than JSON, a body that is not a JSON object, an unknown key (or,
// with Values::strings, a value that is not a string).
Result<nlohmann::json> json_object_body(const http::Request& req, json_object::Keys allowed,
                                        size_t max_bytes, Language lang,
                                        json_object::Values values = json_object::Values::any);

// The request body as a JSON object whose keys are all in `allowed` with string values:
// WX_TOO_LARGE over `max_bytes` (4 KiB unless told), WX_INVALID_ARGUMENT for anything else
// (naming the problem).
Result<nlohmann::json> small_json_object(const http::Request& req,
                                         std::initializer_list<std::string_view> allowed,
                                         size_t max_bytes = 4096);

// text/html; charset=utf-8 with Content-Security-Policy (script-src 'self', nothing inline),
// X-Content-Type-Options nosniff, Referrer-Policy same-origin, X-Frame-Options DENY and
// Cache-Control no-store (pages show personal data).
http::Response html_response(const http::Request& req, unsigned status, std::string body);

// 303 See Other to `location` (a local path).
http::Response redirect(const http::Request& req, const std::string& location);

// Whether the request comes from this server's own pages: its Origin is scheme://Host, or,
// without Origin, its Referer starts with scheme://Host/; neither present: true (the caller
// still demands the CSRF token). Origin "null" or another site: false.
bool same_origin(const http::Request& req, bool tls);

// Text made safe for HTML element content and attribute values (exporter::html_escape, which
// also replaces invalid UTF-8).
std::string escape(std::string_view text);

}  // namespace werkex::server::staff_http
