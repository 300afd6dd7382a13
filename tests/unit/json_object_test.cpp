// json_object.hpp: strict JSON objects, errors naming the member.
#include "werkex/json_object.hpp"
#include "test_support.hpp"

using namespace werkex;

namespace {

std::string message_of(const Status& s) {
  return s ? "" : s.error().message;
}

template <typename T>
std::string message_of(const Result<T>& r) {
  return r ? "" : r.error().message;
}

}  // namespace

TEST_CASE("json object: a body is parsed without exceptions and refused naming the problem",
          "[json]") {
  using json_object::parse_object;
  CHECK(message_of(parse_object("{\"a\": 1", {"a"}, "")) == "the body is not a JSON object");
  CHECK(message_of(parse_object("[1]", {"a"}, "")) == "the body is not a JSON object");
  CHECK(message_of(parse_object("1e400", {"a"}, "")) == "the body is not a JSON object");
  CHECK(message_of(parse_object("{\"b\": 1}", {"a"}, "ctx")) == "ctx: unknown key 'b'");
  CHECK(message_of(parse_object("{\"b\": 1}", {"a"}, "", Language::nl)) == "onbekend veld 'b'");
  CHECK(message_of(parse_object("[]", {"a"}, "", Language::nl)) ==
        "het verzoek is geen JSON-object");
  auto ok = parse_object("{\"a\": 1}", {"a"}, "");
  REQUIRE(ok);
  CHECK((*ok)["a"] == 1);
  // Strings only: the first member in key order that is wrong is named.
  auto typed = parse_object("{\"a\": 1, \"z\": \"x\"}", {"a", "z"}, "", Language::en,
                            json_object::Values::strings);
  CHECK(typed.error().code == WX_INVALID_ARGUMENT);
  CHECK(typed.error().message == "'a' is not a string");
}

TEST_CASE("json object: decoded objects, key lists and typed members", "[json]") {
  const std::vector<std::string> keys = {"code", "replica"};
  CHECK(json_object::require_object(json{{"code", "x"}}, keys, "expected {…}"));
  CHECK(message_of(json_object::require_object(json::array(), keys, "expected {…}")) ==
        "expected {…}: the body is not an object");
  CHECK(message_of(json_object::require_object(json{{"other", 1}}, keys, "")) ==
        "unknown key 'other'");
  const json body = {{"code", "abc"}, {"replica", 7}};
  CHECK(*json_object::text(body, "code", "") == "abc");
  CHECK(message_of(json_object::text(body, "replica", "p")) == "p: 'replica' is not a string");
  CHECK(message_of(json_object::text(body, "missing", "p")) == "p: 'missing' is missing");
}
