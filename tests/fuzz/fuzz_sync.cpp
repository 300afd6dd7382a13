// The sync messages as the server and the device decode them, in one wire format per target
// (WERKEX_FUZZ_WIRE): decode_body, then the request, response and enrolment decoders. What
// decodes must encode and decode again to the same value.
#include "fuzz_support.hpp"
#include "werkex/protocol.hpp"
#include "werkex/wire_format.hpp"

using namespace werkex;

namespace {

constexpr WireFormat kFormat = WireFormat::WERKEX_FUZZ_WIRE;

template <typename Message, typename Decode>
void round_trip(const json& value, Decode decode, const char* what) {
  auto message = decode(value);
  if (!message) return;
  json encoded = protocol::to_json(*message);
  auto again = decode(encoded);
  if (!again) fuzz::finding(std::string(what) + ": own encoding refused: " + again.error().message);
  if (protocol::to_json(*again) != encoded)
    fuzz::finding(std::string(what) + ": encoding is not stable");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto value = decode_body(fuzz::text_of(data, size), kFormat);
  if (!value) return 0;
  for (WireFormat f : {WireFormat::json, WireFormat::cbor, WireFormat::msgpack}) {
    auto back = decode_body(encode_body(*value, f), f);
    if (!back)
      fuzz::finding(std::string("re-encoded as ") + wire_format_name(f) +
                    " and refused: " + back.error().message);
    if (*back != *value) fuzz::finding(std::string("changed by ") + wire_format_name(f));
  }
  round_trip<protocol::SyncRequest>(*value, protocol::sync_request_from_json, "request");
  round_trip<protocol::SyncResponse>(*value, protocol::sync_response_from_json, "response");
  round_trip<protocol::EnrollResponse>(*value, protocol::enroll_response_from_json, "enrol");
  return 0;
}
