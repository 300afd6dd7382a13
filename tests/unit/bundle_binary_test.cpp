// The binary bundle: the same content as the JSON form (every kind of state survives the
// round trip), and every damaged input — truncated, flipped before or after deflate — is
// WX_CORRUPT or a valid bundle, never a crash (ASan watches the reads).
#include <zlib.h>

#include <random>

#include "test_support.hpp"
#include "werkex/bundle.hpp"

using namespace werkex;
using test::expect_ok;

namespace {

// A bundle with registers, a conflict, sets with removes, a deleted entity, a number, an
// object value and the sender's knowledge.
Bundle varied_bundle(test::TempDir& dir) {
  ManualClockSource clock{test::kStartMillis};
  auto a = test::open_replica(dir.file("a.db"), clock, test::pupil_identity(), false);
  auto b = test::open_replica(dir.file("b.db"), clock, test::pupil_identity(), false);
  std::string act =
      expect_ok(a->put({{"type", "activity"}, {"kind", "meeloopdag"}, {"title", "Bakkerij"}}));
  std::string exp = expect_ok(a->put({{"type", "experience"},
                                      {"activity", act},
                                      {"occurred_at", "2026-11-28T09:00:00Z"},
                                      {"note", "deeg \"kneden\" ✓\n"},
                                      {"competencies", {"werkexploratie", "motievenreflectie"}}}));
  expect_ok(b->apply(expect_ok(a->changes_since(0))));
  clock.advance(4);
  expect_ok(a->put({{"id", exp}, {"note", "brood"}}));
  expect_ok(b->put({{"id", exp}, {"note", "taart"}, {"competencies", {"werkexploratie"}}}));
  expect_ok(a->apply(expect_ok(b->changes_since(0))));
  std::string gone =
      expect_ok(a->put({{"type", "activity"}, {"kind", "interview"}, {"title", "Garage"}}));
  expect_ok(a->remove(gone));
  Bundle out = expect_ok(a->changes_since(0));
  // Values the schema's fields do not produce, but a bundle may carry (unknown fields pass on).
  Change extra = out.changes.front();
  extra.field = "future_field";
  extra.state.value = json{{"n", -5}, {"x", 2.5}, {"list", {1, true, nullptr}}};
  extra.state.lost.clear();
  extra.state.context = {extra.state.stamp};
  out.changes.insert(out.changes.begin() + 1, extra);
  return out;
}

std::string deflate_raw(const std::string& body) {
  uLongf n = compressBound(static_cast<uLong>(body.size()));
  std::string out(n, '\0');
  REQUIRE(compress2(reinterpret_cast<Bytef*>(out.data()), &n,
                    reinterpret_cast<const Bytef*>(body.data()), body.size(), 1) == Z_OK);
  out.resize(n);
  return out;
}

std::string with_varint(uint64_t v) {
  std::string s;
  while (v >= 0x80) {
    s += static_cast<char>(v | 0x80);
    v >>= 7;
  }
  return s + static_cast<char>(v);
}

// The deflated body of a binary bundle, unpacked.
std::string body_of(const std::string& bytes) {
  size_t pos = 4;
  uint64_t raw = 0;
  for (int shift = 0;; shift += 7) {
    auto b = static_cast<unsigned char>(bytes[pos++]);
    raw |= uint64_t(b & 0x7f) << shift;
    if (!(b & 0x80)) break;
  }
  std::string body(raw, '\0');
  uLongf got = raw;
  REQUIRE(uncompress(reinterpret_cast<Bytef*>(body.data()), &got,
                     reinterpret_cast<const Bytef*>(bytes.data() + pos),
                     bytes.size() - pos) == Z_OK);
  return body;
}

void corrupt_or_valid(std::string_view bytes) {
  auto r = bundle_from_binary(bytes);
  if (!r) CHECK(r.error().code == WX_CORRUPT);
}

}  // namespace

TEST_CASE("binary bundle: the same content as the JSON form, in far fewer bytes",
          "[bundle][binary]") {
  test::TempDir dir;
  Bundle b = varied_bundle(dir);
  std::string bytes = expect_ok(bundle_to_binary(b));
  REQUIRE(bytes.starts_with("WXB1"));
  Bundle back = expect_ok(bundle_from_binary(bytes));
  CHECK(bundle_to_json(back) == bundle_to_json(b));
  CHECK(back.knowledge == b.knowledge);
  CHECK(bundle_to_json(expect_ok(bundle_from_bytes(bytes))) == bundle_to_json(b));
  std::string text = bundle_to_json(b).dump();
  CHECK(bundle_to_json(expect_ok(bundle_from_bytes(text))) == bundle_to_json(b));
  CHECK(bytes.size() * 2 < text.size());
  // And it applies: a new replica ends equal to the sender.
  ManualClockSource clock{test::kStartMillis + 60000};
  auto c = test::open_replica(dir.file("c.db"), clock, test::pupil_identity(), false);
  auto a = test::open_replica(dir.file("a.db"), clock, test::pupil_identity(), false);
  expect_ok(c->apply(
      expect_ok(bundle_from_binary(expect_ok(bundle_to_binary(expect_ok(a->changes_since(0))))))));
  CHECK(expect_ok(c->dump()) == expect_ok(a->dump()));
}

TEST_CASE("binary bundle: damaged bytes are refused as corrupt, never read past",
          "[bundle][binary][validation]") {
  test::TempDir dir;
  std::string bytes = expect_ok(bundle_to_binary(varied_bundle(dir)));
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto r = bundle_from_binary(bytes.substr(0, n));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == WX_CORRUPT);
  }
  CHECK_FALSE(bundle_from_binary(bytes + "x"));
  // A forged unpacked size cannot make the reader allocate without bound.
  auto huge = bundle_from_binary("WXB1" + with_varint(uint64_t{1} << 40) + bytes.substr(6));
  REQUIRE_FALSE(huge);
  CHECK(huge.error().code == WX_CORRUPT);
  // Inside the deflate: flip, cut and extend the body itself.
  std::string body = body_of(bytes);
  auto repack = [](const std::string& b) {
    return "WXB1" + with_varint(b.size()) + deflate_raw(b);
  };
  REQUIRE(expect_ok(bundle_from_binary(repack(body))).changes.size() > 5);
  std::mt19937 rng(11);
  for (int i = 0; i < 400; ++i) {
    std::string damaged = body;
    damaged[rng() % damaged.size()] ^= static_cast<char>(1 + rng() % 255);
    corrupt_or_valid(repack(damaged));
  }
  for (size_t n = 0; n < body.size(); n += 1 + n / 16) {
    auto r = bundle_from_binary(repack(body.substr(0, n)));
    INFO("cut at " << n << " of " << body.size());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == WX_CORRUPT);
  }
}
