// Wire formats of the sync protocol: the same JSON document model sent as JSON, CBOR or
// MessagePack (design.md: "Bodies are JSON; CBOR or MessagePack by content negotiation").
//
// Device and server agree per request: the request's Content-Type says how its body is
// encoded, and the Accept header which encoding the answer should use (absent or "*/*": the
// request's own). Error answers are always JSON, so any client can read them. Decoding is
// strict whatever the format: a body that does not decode completely, a CBOR byte string
// or tag (no place for them in the protocol), a NaN or infinity (JSON text has none) or text
// that is not UTF-8 is refused, so a binary body can never smuggle in what a JSON body could
// not. Nothing here throws: a length header declaring more elements than the body has bytes
// (CBOR allows 2^64-1) is refused like any other damage, whether the body came over HTTP or
// from a scanned QR code.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "werkex/error.hpp"
#include "werkex/schema.hpp"

namespace werkex {

enum class WireFormat { json, cbor, msgpack };

// "application/json", "application/cbor", "application/msgpack".
const char* media_type(WireFormat format);
// "json", "cbor", "msgpack".
const char* wire_format_name(WireFormat format);
std::optional<WireFormat> wire_format_from_name(std::string_view name);

// The format a Content-Type header names, parameters ("; charset=utf-8") and case ignored;
// "application/x-msgpack" is accepted too. Empty: JSON. Anything else: nullopt.
std::optional<WireFormat> wire_format_from_content_type(std::string_view content_type);

// The answer's format for an Accept header: the supported type with the highest q-value,
// earlier first on ties; `fallback` when the header is empty, only "*/*" or names nothing
// this build speaks.
WireFormat negotiate_wire_format(std::string_view accept, WireFormat fallback);

std::string encode_body(const json& value, WireFormat format);
// WX_INVALID_ARGUMENT naming the format and what was wrong; never throws.
Result<json> decode_body(std::string_view body, WireFormat format);

}  // namespace werkex
