#include "http_types.hpp"
#include "werkex/messages.hpp"

#include <stdexcept>

namespace werkex::http {

const std::string& RouteParams::at(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) throw std::out_of_range("route has no parameter '" + name + "'");
  return it->second;
}

Response json_response(const Request& req, unsigned status, const nlohmann::json& body) {
  Response res;
  res.result(status);
  res.version(req.version());
  res.keep_alive(req.keep_alive());
  res.set(bhttp::field::content_type, "application/json");
  // Handlers echo client input into messages; a stray byte must not turn an answer into a
  // throw (nlohmann's default) and so into a 500.
  res.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  res.prepare_payload();
  return res;
}

nlohmann::json error_body(const werkex::Error& e, werkex::Language lang) {
  nlohmann::json err = {{"code", error_code_name(e.code)},
                        {"key", werkex::error_key(e)},
                        {"message", werkex::localized_message(e, lang)}};
  if (!e.args.empty()) {
    nlohmann::json args = nlohmann::json::object();
    for (const auto& [name, value] : e.args) args[name] = value;
    err["args"] = std::move(args);
  }
  return {{"error", std::move(err)}};
}

werkex::Language message_language(const Request& req) {
  return werkex::language_from_tag(req[bhttp::field::accept_language], werkex::Language::en);
}

Response error_response(const Request& req, const werkex::Error& e) {
  return json_response(req, http_status_for(e.code), error_body(e, message_language(req)));
}

unsigned http_status_for(werkex::ErrorCode code) {
  switch (code) {
    case WX_OK:
      return 200;
    case WX_INVALID_ARGUMENT:
    case WX_CORRUPT:
      return 400;
    case WX_UNAUTHENTICATED:
      return 401;
    case WX_PERMISSION_DENIED:
      return 403;
    case WX_NOT_FOUND:
      return 404;
    case WX_CONFLICT:
    case WX_CLOCK_SKEW:
      return 409;
    case WX_TOO_LARGE:
      return 413;
    case WX_UNAVAILABLE:
      return 503;
    case WX_RATE_LIMITED:
      return 429;
    case WX_IO:
    case WX_INTERNAL:
    case WX_CLOSED:  // a device-side state; the server never answers with it
      return 500;
  }
  return 500;
}

}  // namespace werkex::http
