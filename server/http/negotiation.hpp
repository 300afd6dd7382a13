// Content negotiation for werkex bodies: JSON, CBOR or MessagePack (werkex/wire_format.hpp).
//
// A request body is read in the format its Content-Type names (none: JSON); the answer is
// written in the format its Accept header prefers (none: the request's). Errors stay JSON
// (error_response), so a client that cannot decode the format it asked for still reads why.
// Pure functions, safe from any thread.
#pragma once

#include "http_types.hpp"
#include "werkex/wire_format.hpp"

namespace werkex::http {

// A decoded request body, or the answer to send instead: 415 for a Content-Type this server
// does not speak, 400 for a body that does not decode strictly.
struct DecodedBody {
  nlohmann::json value;
  std::optional<Response> refusal;
};
DecodedBody decode_request(const Request& req);

// `body` encoded as the request's Accept (or Content-Type) asks, with that Content-Type.
Response negotiated_response(const Request& req, unsigned status, const nlohmann::json& body);

}  // namespace werkex::http
