// Inputs found by fuzzing the decoders and apply (issue 10, item 14), each kept as a test:
// length headers beyond the body, NaN and infinity, floats where integers belong, stamps
// beyond 2^63 and at the clock's maximum. Binary inputs are byte literals.
#include <catch2/catch.hpp>

#include <climits>
#include <fstream>
#include <limits>

#include "blob_fake_server.hpp"
#include "test_support.hpp"
#include "werkex/blob_sync.hpp"
#include "werkex/protocol.hpp"
#include "werkex/signoff.hpp"
#include "werkex/signoff_flow.hpp"
#include "werkex/wire_format.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

std::string bytes(std::initializer_list<unsigned char> b) {
  return std::string(b.begin(), b.end());
}

void expect_refused(const Result<json>& r, const std::string& words) {
  INFO((r ? "accepted: " + r->dump() : r.error().message));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == WX_INVALID_ARGUMENT);
  CHECK_THAT(r.error().message, Catch::Contains(words));
}

const std::string kPupil = "0190a000-0000-7000-8000-000000000001";
const std::string kEntity = "0190a000-0000-7000-8000-0000000000e1";

Change change_of(const std::string& field, FieldState state, json element = nullptr) {
  return Change{kEntity, "future_thing",     "pupil:" + kPupil,
                field,   std::move(element), std::move(state)};
}

Bundle bundle_of(std::vector<Change> changes) {
  Bundle b;
  b.from_replica = 0x77;
  b.schema_version = 1;
  b.upto_seq = 1;
  b.changes = std::move(changes);
  return b;
}

Stamp stamp_at(uint64_t millis, uint64_t counter = 0) {
  return Stamp{Hlc::from_parts(millis, counter), 0x77};
}

}  // namespace

TEST_CASE("wire format: a length header beyond the body is refused, never thrown", "[wire][fuzz]") {
  // CBOR array and map of 2^63 elements: nlohmann's DOM builder throws for these even with
  // exceptions turned off; the server answered 500 and a scanned QR code crashed the app.
  const std::string cbor_array = bytes({0x9b, 0x80, 0, 0, 0, 0, 0, 0, 0});
  const std::string cbor_map = bytes({0xbb, 0x80, 0, 0, 0, 0, 0, 0, 0});
  const std::string cbor_nested =
      bytes({0xa1, 0x61, 0x76, 0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe});
  expect_refused(decode_body(cbor_array, WireFormat::cbor), "declaring 9223372036854775808");
  expect_refused(decode_body(cbor_map, WireFormat::cbor), "a map header declaring");
  expect_refused(decode_body(cbor_nested, WireFormat::cbor), "an array header declaring");
  // MessagePack lengths stop at 2^32-1, above max_size() on a 32-bit phone.
  expect_refused(decode_body(bytes({0xdd, 0xff, 0xff, 0xff, 0xff}), WireFormat::msgpack),
                 "an array header declaring 4294967295");
  expect_refused(decode_body(bytes({0xdf, 0xff, 0xff, 0xff, 0xff}), WireFormat::msgpack),
                 "a map header declaring");
  // An honest length is still fine, as is CBOR's indefinite length.
  CHECK(expect_ok(decode_body(bytes({0x83, 1, 2, 3}), WireFormat::cbor)) == json({1, 2, 3}));
  CHECK(expect_ok(decode_body(bytes({0x9f, 1, 0xff}), WireFormat::cbor)) == json({1}));
}

TEST_CASE("wire format: NaN and infinity are refused in binary bodies as JSON text has none",
          "[wire][fuzz]") {
  expect_refused(decode_body(bytes({0xf9, 0x7e, 0x00}), WireFormat::cbor), "not finite");
  expect_refused(decode_body(bytes({0xfa, 0x7f, 0x80, 0, 0}), WireFormat::cbor), "not finite");
  expect_refused(decode_body(bytes({0x81, 0xfb, 0xff, 0xf0, 0, 0, 0, 0, 0, 0}), WireFormat::cbor),
                 "not finite");
  expect_refused(decode_body(bytes({0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0}), WireFormat::msgpack),
                 "not finite");
  expect_refused(decode_body("[1e400]", WireFormat::json), "not valid JSON");
  CHECK(expect_ok(decode_body(bytes({0xf9, 0x3c, 0x00}), WireFormat::cbor)) == 1.0);
}

TEST_CASE("sign-off QR: a crafted payload declaring 2^63 elements is refused, not a crash",
          "[signoff][fuzz]") {
  // base64url of the CBOR array / map headers above.
  auto request = decode_sign_request("werkex-sign:v1:m4AAAAAAAAAA");
  REQUIRE_FALSE(request);
  CHECK(request.error().code == WX_INVALID_ARGUMENT);
  CHECK_THAT(request.error().message, Catch::Contains("not valid CBOR"));
  auto signature = decode_signature_payload("werkex-sig:v1:u4AAAAAAAAAA");
  REQUIRE_FALSE(signature);
  CHECK(signature.error().code == WX_INVALID_ARGUMENT);
  // {"c": [2^32-1 elements …]} cut off: refused as well.
  CHECK_FALSE(decode_sign_request("werkex-sign:v1:oWFjmv____8"));
}

TEST_CASE(
    "apply: NaN or infinity in a field the schema does not know is refused and nothing "
    "is poisoned",
    "[store][fuzz]") {
  TempDir dir;
  ManualClockSource clock(kStartMillis);
  auto r = open_replica(dir.file("a.db"), clock, pupil_identity(kPupil));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  FieldState title = lww_write("nieuw", stamp_at(kStartMillis, 1));
  FieldState added = set_add(empty_state(MergeRule::set), stamp_at(kStartMillis, 2));
  FieldState odd = lww_write(-inf, stamp_at(kStartMillis, 3));
  ApplyReport report =
      expect_ok(r->apply(bundle_of({change_of("title", title), change_of("tags", added, nan),
                                    change_of("tags", added, json::array({inf})),
                                    change_of("tags", added, "gewoon"), change_of("ratio", odd)})));
  CHECK(report.applied == 2);
  REQUIRE(report.rejected.size() == 3);
  for (const RejectedChange& x : report.rejected) {
    CHECK(x.error.code == WX_INVALID_ARGUMENT);
    CHECK_THAT(x.error.message, Catch::Contains("not finite"));
  }
  // Every read of the entity still works, also after reopening.
  json doc = expect_ok(r->get(kEntity));
  CHECK(doc["tags"] == json::array({"gewoon"}));
  expect_ok(r->field_states(kEntity));
  expect_ok(r->changes_since(0));
  expect_ok(canonical_content(*r, kEntity));
  r.reset();
  r = open_replica(dir.file("a.db"), clock, pupil_identity(kPupil));
  CHECK(expect_ok(r->get(kEntity))["title"] == "nieuw");
  ApplyReport again = expect_ok(r->apply(bundle_of({change_of("tags", added, "gewoon")})));
  CHECK(again.unchanged == 1);
}

TEST_CASE("clock: parts beyond their maximum saturate instead of wrapping", "[clock][fuzz]") {
  CHECK(Hlc::kMaxValue == uint64_t(INT64_MAX));
  CHECK(Hlc::from_parts(Hlc::kMaxMillis + 1, 0) == Hlc::from_parts(Hlc::kMaxMillis, 0));
  CHECK(Hlc::from_parts(Hlc::kMaxMillis + 1, 0).value != 0);
  CHECK(Hlc::from_parts(UINT64_MAX, UINT64_MAX).value == Hlc::kMaxValue);
  CHECK(Hlc::from_parts(5, Hlc::kMaxCounter + 1) == Hlc::from_parts(5, Hlc::kMaxCounter));
  CHECK(Hlc::is_valid_value(Hlc::kMaxValue));
  CHECK_FALSE(Hlc::is_valid_value(Hlc::kMaxValue + 1));

  // A clock whose source reads the end of time stays there rather than wrapping to 0.
  ManualClockSource far(UINT64_MAX / 2);
  HybridClock end(far);
  Hlc a = end.now();
  for (int i = 0; i < 70000; ++i) end.now();
  CHECK(end.now() >= a);
  CHECK(end.last().value <= Hlc::kMaxValue);

  ManualClockSource src(kStartMillis);
  HybridClock clock(src);
  Hlc before = clock.now();
  Status s = clock.observe(Hlc{uint64_t{1} << 63});
  REQUIRE_FALSE(s);
  CHECK(s.code() == WX_INVALID_ARGUMENT);
  CHECK(clock.last() == before);
}

TEST_CASE(
    "replica: a device bounds the stamps it takes from others, so one stamp at the "
    "maximum can neither wrap nor drag its clock",
    "[store][clock][fuzz]") {
  TempDir dir;
  ManualClockSource clock(kStartMillis);
  auto r = open_replica(dir.file("a.db"), clock, pupil_identity(kPupil));  // device defaults
  Hlc top = Hlc::from_parts(Hlc::kMaxMillis, Hlc::kMaxCounter);
  FieldState forged = lww_write("voor altijd", Stamp{top, 0x77});
  ApplyReport report = expect_ok(r->apply(bundle_of({change_of("title", forged)})));
  REQUIRE(report.rejected.size() == 1);
  CHECK(report.rejected[0].error.code == WX_CLOCK_SKEW);
  CHECK(r->clock().last().millis() < kStartMillis + kDeviceMaxClockSkewMs);
  // An hour ahead (another device's clock) is taken over as before.
  FieldState ahead = lww_write("later", stamp_at(kStartMillis + 3600 * 1000));
  CHECK(expect_ok(r->apply(bundle_of({change_of("title", ahead)}))).applied == 1);
  CHECK(r->clock().last().millis() == kStartMillis + 3600 * 1000);
  std::string id = expect_ok(r->put({{"type", "activity"}, {"kind", "interview"}}));
  auto states = expect_ok(r->field_states(id));
  CHECK(states.front().state.stamp.hlc > Hlc::from_parts(kStartMillis + 3600 * 1000, 0));
}

TEST_CASE(
    "replica: stamps at or above 2^63 are refused, so every stored stamp reads back from "
    "SQLite and the clock restarts above it",
    "[store][clock][fuzz]") {
  TempDir dir;
  ManualClockSource clock(kStartMillis);
  ReplicaOptions unbounded;
  unbounded.clock = &clock;
  unbounded.max_clock_skew_ms = 0;  // even without a skew bound
  {
    auto r = expect_ok(Replica::open(dir.file("a.db"), unbounded));
    FieldState huge = lww_write("negatief", Stamp{Hlc{(uint64_t{1} << 63) + 5}, 0x77});
    FieldState big = lww_write("ver weg", Stamp{Hlc::from_parts(Hlc::kMaxMillis - 1, 0), 0x78});
    ApplyReport report =
        expect_ok(r->apply(bundle_of({change_of("title", huge), change_of("note", big)})));
    REQUIRE(report.rejected.size() == 1);
    CHECK(report.rejected[0].field == "title");
  }
  auto r = expect_ok(Replica::open(dir.file("a.db"), unbounded));
  CHECK(r->clock().last() >= Hlc::from_parts(Hlc::kMaxMillis - 1, 0));
  // The bundle form refuses such a stamp when it is parsed.
  json doc = bundle_to_json(bundle_of({change_of("title", lww_write("x", stamp_at(1)))}));
  doc["entities"][0]["fields"][0]["s"][0] = uint64_t{1} << 63;
  auto parsed = bundle_from_json(doc);
  REQUIRE_FALSE(parsed);
  CHECK_THAT(parsed.error().message, Catch::Contains("below 2^63"));
}

TEST_CASE(
    "protocol: integer fields must be integers - a float such as 1e300 is refused, never "
    "converted",
    "[protocol][fuzz]") {
  protocol::SyncResponse resp;
  resp.buckets["pupil:x"].changes.from_replica = 1;
  const json good = protocol::to_json(resp);
  REQUIRE(protocol::sync_response_from_json(good));
  auto refused = [&](const json::json_pointer& at, json value, const std::string& words) {
    json bad = good;
    bad[at] = std::move(value);
    auto r = protocol::sync_response_from_json(bad);
    INFO(at.to_string() << " = " << bad[at].dump());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == WX_CORRUPT);
    CHECK_THAT(r.error().message, Catch::Contains(words));
  };
  refused(json::json_pointer("/server_clock"), 1e300, "server_clock: expected an unsigned");
  refused(json::json_pointer("/clock_offset_ms"), 1.5, "clock_offset_ms: expected an integer");
  refused(json::json_pointer("/clock_offset_ms"), uint64_t{1} << 63, "out of range");
  refused(json::json_pointer("/push/applied"), -1, "applied: expected an unsigned");
  refused(json::json_pointer("/push/upto"), "12", "upto: expected an unsigned");
  refused(json::json_pointer("/buckets/pupil:x/cursor"), 1e300, "cursor: expected an unsigned");
  refused(json::json_pointer("/more"), 1, "more: expected true or false");
  refused(json::json_pointer("/revoked"), json::array({1}), "revoked");
  refused(json::json_pointer("/push/rejected"), json::array({{{"entity", 1}}}), "entity");

  // Requests and bundles: a schema version an int cannot hold is not silently wrapped.
  protocol::SyncRequest req;
  req.replica = 1;
  req.push.from_replica = 1;
  json request = protocol::to_json(req);
  request["schema"] = (uint64_t{1} << 32) + 1;
  CHECK_FALSE(protocol::sync_request_from_json(request));
  request["schema"] = 1.0;
  CHECK_FALSE(protocol::sync_request_from_json(request));
  json bundle = bundle_to_json(req.push);
  bundle["schema"] = (uint64_t{1} << 32) + 1;
  CHECK_FALSE(bundle_from_json(bundle));

  auto enrol = protocol::enroll_response_from_json({{"token", 5}});
  REQUIRE_FALSE(enrol);
  CHECK(enrol.error().code == WX_CORRUPT);
}

TEST_CASE(
    "blob sync: a server answer with a 'complete' that is not a boolean stops the upload "
    "instead of throwing",
    "[blob][sync][fuzz]") {
  TempDir dir;
  ManualClockSource clock(kStartMillis);
  auto r = open_replica(dir.file("phone.db"), clock, pupil_identity());
  expect_ok(r->set_setting("server", "https://werkex.test/"));
  expect_ok(r->set_setting("token", "tok"));
  std::string exp = expect_ok(r->put(
      {{"type", "experience"}, {"occurred_at", "2026-11-28T09:00:00Z"}, {"note", "keuken"}}));
  BlobStore store = expect_ok(BlobStore::open(*r));
  std::string photo = dir.file("photo.jpg");
  std::ofstream(photo, std::ios::binary) << "jpeg bytes";
  AttachedBlob a = expect_ok(store.attach(exp, photo));
  FakeBlobServer server;
  server.know(a.sha256, a.size);
  CallbackTransport odd{[&](const HttpRequest& req) -> Result<HttpResponse> {
    WX_ASSIGN_OR_RETURN(HttpResponse resp, server.handle(req));
    if (req.method == "PUT" && resp.status == 200)
      resp.body = json{{"received", a.size}, {"complete", "yes"}}.dump();
    return resp;
  }};
  BlobSync sync{store, odd, BlobSyncOptions{1000}};
  BlobUploadReport report = expect_ok(sync.upload_pending(NetworkKind::wifi));
  REQUIRE(report.stopped);
  CHECK(report.stopped->code == WX_CORRUPT);
  CHECK_THAT(report.stopped->message, Catch::Contains("'complete'"));
  CHECK(report.pending == 1);
}
