// Bodies built to break the decoders, sent to the real server over HTTP: each is a 400 with a
// JSON error, never a 500, and the server keeps serving (issue 10, items 13 and 14).
#include "devices.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

std::string bytes(std::initializer_list<unsigned char> b) {
  return std::string(b.begin(), b.end());
}

HttpResponse post(const std::string& url, const std::string& path, const std::string& type,
                  const std::string& body, const std::string& token = "") {
  CurlTransport t(quick_curl());
  HttpRequest req{"POST", url + path, {{"Content-Type", type}}, body};
  if (!token.empty()) req.headers.emplace_back("Authorization", "Bearer " + token);
  return expect_ok(t.send(req));
}

void expect_400(const HttpResponse& r, const std::string& words) {
  INFO(r.status << " " << r.body);
  CHECK(r.status == 400);
  CHECK(r.header("Content-Type") == "application/json");
  json answer = json::parse(r.body, nullptr, false);
  REQUIRE(answer.is_object());
  CHECK(answer["error"]["code"] == "invalid_argument");
  CHECK_THAT(r.body, Catch::Contains(words));
}

}  // namespace

TEST_CASE(
    "decoders: a CBOR or MessagePack header declaring 2^63 elements is a 400 on "
    "/v1/enroll and /v1/sync, and the server keeps serving",
    "[integration][wire][fuzz][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  const std::string url = server.url();
  const std::string cbor_array = bytes({0x9b, 0x80, 0, 0, 0, 0, 0, 0, 0});
  const std::string cbor_map = bytes({0xbb, 0x80, 0, 0, 0, 0, 0, 0, 0});
  // {"code": [2^63 elements …]}: the header inside a map.
  const std::string cbor_inner =
      bytes({0xa1, 0x64, 'c', 'o', 'd', 'e', 0x9b, 0x80, 0, 0, 0, 0, 0, 0, 0});
  const std::string msgpack_array = bytes({0xdd, 0xff, 0xff, 0xff, 0xff});
  const std::string cbor_nan = bytes({0xa1, 0x64, 'c', 'o', 'd', 'e', 0xf9, 0x7e, 0x00});

  // Unauthenticated: anyone on the network can send these.
  expect_400(post(url, "/v1/enroll", "application/cbor", cbor_array), "declaring");
  expect_400(post(url, "/v1/enroll", "application/cbor", cbor_map), "declaring");
  expect_400(post(url, "/v1/enroll", "application/cbor", cbor_inner), "declaring");
  expect_400(post(url, "/v1/enroll", "application/msgpack", msgpack_array), "declaring");
  expect_400(post(url, "/v1/enroll", "application/cbor", cbor_nan), "not finite");

  // Still serving: a device enrols and syncs, and its own token gets the same 400s.
  Device phone(dir.file("phone.db"), url, server.code("Sem"));
  std::string token = expect_ok(phone.replica->setting("token")).value();
  expect_400(post(url, "/v1/sync", "application/cbor", cbor_array, token), "declaring");
  expect_400(post(url, "/v1/sync", "application/msgpack", msgpack_array, token), "declaring");
  CHECK(phone.sync().rejected.empty());
}
