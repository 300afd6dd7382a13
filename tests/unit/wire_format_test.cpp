#include <catch2/catch.hpp>

#include "test_support.hpp"
#include "werkex/wire_format.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

json sample() {
  return {{"v", 1},
          {"replica", "00ff00ff00ff00ff"},
          {"clock", 1790000000000ull},
          {"neg", -5},
          {"ratio", 0.25},
          {"cursors", {{"pupil:x", 12}, {"school:y", 0}}},
          {"notes", {"é ü 🙂", "", nullptr, true}}};
}

}  // namespace

TEST_CASE("wire format: every format round-trips the same document", "[wire]") {
  for (WireFormat f : {WireFormat::json, WireFormat::cbor, WireFormat::msgpack}) {
    INFO(wire_format_name(f));
    std::string body = encode_body(sample(), f);
    json back = expect_ok(decode_body(body, f));
    CHECK(back == sample());
    CHECK(wire_format_from_content_type(media_type(f)) == f);
    CHECK(wire_format_from_name(wire_format_name(f)) == f);
  }
  CHECK(encode_body(sample(), WireFormat::cbor).size() <
        encode_body(sample(), WireFormat::json).size());
}

TEST_CASE("wire format: Content-Type parameters and case are ignored, unknown types are not",
          "[wire]") {
  CHECK(wire_format_from_content_type("") == WireFormat::json);
  CHECK(wire_format_from_content_type("Application/JSON; charset=utf-8") == WireFormat::json);
  CHECK(wire_format_from_content_type(" application/cbor ") == WireFormat::cbor);
  CHECK(wire_format_from_content_type("application/x-msgpack") == WireFormat::msgpack);
  CHECK_FALSE(wire_format_from_content_type("text/plain"));
  CHECK_FALSE(wire_format_from_content_type("application/jsonx"));
}

TEST_CASE("wire format: Accept picks the highest q the build speaks, else the fallback", "[wire]") {
  CHECK(negotiate_wire_format("", WireFormat::cbor) == WireFormat::cbor);
  CHECK(negotiate_wire_format("*/*", WireFormat::msgpack) == WireFormat::msgpack);
  CHECK(negotiate_wire_format("application/cbor", WireFormat::json) == WireFormat::cbor);
  CHECK(negotiate_wire_format("application/json;q=0.5, application/msgpack", WireFormat::json) ==
        WireFormat::msgpack);
  CHECK(negotiate_wire_format("application/cbor;q=0.2, application/json;q=0.8", WireFormat::cbor) ==
        WireFormat::json);
  CHECK(negotiate_wire_format("image/png, text/html", WireFormat::json) == WireFormat::json);
}

TEST_CASE("wire format: truncated, trailing, binary, non-UTF-8 and too deep bodies are refused",
          "[wire]") {
  auto refused = [](std::string_view body, WireFormat f, const std::string& words) {
    auto r = decode_body(body, f);
    INFO(wire_format_name(f) << ": " << (r ? std::string("accepted") : r.error().message));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == WX_INVALID_ARGUMENT);
    CHECK_THAT(r.error().message, Catch::Contains(words));
  };
  std::string cbor = encode_body(sample(), WireFormat::cbor);
  refused(std::string_view(cbor).substr(0, cbor.size() - 3), WireFormat::cbor, "not valid CBOR");
  refused(cbor + "x", WireFormat::cbor, "not valid CBOR");
  std::string msgpack = encode_body(sample(), WireFormat::msgpack);
  refused(std::string_view(msgpack).substr(0, 10), WireFormat::msgpack, "not valid MessagePack");
  refused("{\"a\":", WireFormat::json, "not valid JSON");
  refused("{\"a\":1} 2", WireFormat::json, "not valid JSON");
  std::vector<uint8_t> bin = json::to_msgpack(json{{"photo", json::binary({0xff, 0xd8})}});
  refused(std::string(bin.begin(), bin.end()), WireFormat::msgpack, "byte string");
  refused(std::string("\xa1\x62\xff\xfe\x01", 5), WireFormat::cbor, "object key that is not valid");
  refused(std::string(65, '[') + std::string(65, ']'), WireFormat::json, "nesting deeper than 64");
  refused(std::string(200000, '\x91') + '\x01', WireFormat::msgpack, "nesting deeper than 64");
  CHECK(decode_body(std::string(64, '[') + std::string(64, ']'), WireFormat::json));
}
