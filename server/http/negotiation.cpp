#include "negotiation.hpp"
#include "werkex/messages.hpp"

namespace werkex::http {

namespace {

WireFormat request_format(const Request& req) {
  return wire_format_from_content_type(req[bhttp::field::content_type]).value_or(WireFormat::json);
}

}  // namespace

DecodedBody decode_request(const Request& req) {
  DecodedBody out;
  auto format = wire_format_from_content_type(req[bhttp::field::content_type]);
  if (!format) {
    Error e = error_of(WX_INVALID_ARGUMENT, Msg::unsupported_content_type,
                       {{"type", std::string(req[bhttp::field::content_type])}});
    out.refusal = json_response(req, 415, error_body(e, message_language(req)));
    return out;
  }
  auto decoded = decode_body(req.body(), *format);
  if (!decoded)
    out.refusal = error_response(req, decoded.error());
  else
    out.value = std::move(decoded).value();
  return out;
}

Response negotiated_response(const Request& req, unsigned status, const nlohmann::json& body) {
  WireFormat format = negotiate_wire_format(req[bhttp::field::accept], request_format(req));
  if (format == WireFormat::json) return json_response(req, status, body);
  Response res;
  res.result(status);
  res.version(req.version());
  res.keep_alive(req.keep_alive());
  res.set(bhttp::field::content_type, media_type(format));
  res.body() = encode_body(body, format);
  res.prepare_payload();
  return res;
}

}  // namespace werkex::http
