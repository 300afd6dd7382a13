// Fixed test vectors: bytes that other replicas, the server and older app versions recompute
// or parse, so they may never change as a side effect. If one of these fails, the change
// broke compatibility: either undo it or version the format (and then update the vector on
// purpose, saying so in the commit). The lww fields here are plain {"f","v","s"} writes.
#include <catch2/catch.hpp>

#include "test_support.hpp"
#include "werkex/protocol.hpp"
#include "werkex/signoff.hpp"
#include "werkex/wire_format.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

constexpr uint64_t kReplica = 0x1122334455667788;
const std::string kPupil = "0190a000-0000-7000-8000-000000000001";
const std::string kActivity = "0190a000-0000-7000-8000-0000000000a1";

Change field(const std::string& name, FieldState state, json element = nullptr) {
  return Change{kActivity, "activity",         "pupil:" + kPupil,
                name,      std::move(element), std::move(state)};
}

Stamp at(uint64_t counter) {
  return Stamp{Hlc::from_parts(kStartMillis, counter), kReplica};
}

// An activity with two plain lww fields and one set element, as a bundle.
Bundle vector_bundle() {
  Bundle b;
  b.from_replica = kReplica;
  b.schema_version = 1;
  b.since_seq = 3;
  b.upto_seq = 7;
  b.changes = {field("kind", lww_write("snuffelstage", at(1))),
               field("title", lww_write("Bistro Noord", at(2))),
               field("competencies", set_add(empty_state(MergeRule::set), at(3)), "netwerken")};
  return b;
}

protocol::SyncRequest vector_request() {
  protocol::SyncRequest r;
  r.replica = kReplica;
  r.device_clock_ms = kStartMillis + 5;
  r.schema_version = 1;
  r.cursors = {{"pupil:" + kPupil, 12}, {"school:demo", 0}};
  r.views = {{"school:demo", "v1-abc"}};
  r.limit = 500;
  r.push = vector_bundle();
  return r;
}

protocol::SyncResponse vector_response() {
  protocol::SyncResponse r;
  r.server_clock_ms = kStartMillis + 9;
  r.clock_offset_ms = -4;
  r.push_upto = 7;
  r.applied = 3;
  r.rejected = {{kActivity, "title",
                 make_error(WX_PERMISSION_DENIED, "role 'pupil' may not write field 'title'")}};
  r.revoked = {"pupil:0190a000-0000-7000-8000-000000000002"};
  protocol::BucketPull& pull = r.buckets["pupil:" + kPupil];
  pull.cursor = 40;
  pull.changes = vector_bundle();
  pull.changes.since_seq = 12;
  pull.changes.upto_seq = 40;
  return r;
}

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string unhex(const std::string& h) {
  std::string out;
  for (size_t i = 0; i + 1 < h.size(); i += 2)
    out += static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16));
  return out;
}

// Each format's bytes of a message, and that they decode back to the same message.
template <typename Message, typename Decode>
void check_vector(const Message& message, Decode decode, WireFormat format,
                  const std::string& expected) {
  INFO(wire_format_name(format));
  std::string body = encode_body(protocol::to_json(message), format);
  CHECK((format == WireFormat::json ? body : hex(body)) == expected);
  std::string wire = format == WireFormat::json ? expected : unhex(expected);
  json decoded = expect_ok(decode_body(wire, format));
  CHECK(protocol::to_json(expect_ok(decode(decoded))) == protocol::to_json(message));
}

}  // namespace

TEST_CASE("vectors: a bundle's JSON form", "[vectors][bundle]") {
  const std::string expected =
      "{\"entities\":[{\"bucket\":\"pupil:0190a000-0000-7000-8000-000000000001\",\"fields\":[{"
      "\"f\":\"kind\","
      "\"s\":[117702656000000001,1234605616436508552],\"v\":\"snuffelstage\"},{\"f\":\"title\","
      "\"s\":[1177026"
      "56000000002,1234605616436508552],\"v\":\"Bistro "
      "Noord\"},{\"a\":[[117702656000000003,12346056164"
      "36508552]],\"f\":\"competencies\",\"k\":\"set\",\"x\":\"netwerken\"}],\"id\":\"0190a000-"
      "0000-7000-8000-00"
      "00000000a1\",\"type\":\"activity\"}],\"from\":\"1122334455667788\",\"schema\":1,\"since\":3,"
      "\"upto\":7,\"v"
      "\":1,\"werkex\":\"bundle\"}";
  CHECK(bundle_to_json(vector_bundle()).dump() == expected);
  CHECK(bundle_to_json(expect_ok(bundle_from_text(expected))).dump() == expected);
}

TEST_CASE("vectors: a sync request in JSON, CBOR and MessagePack", "[vectors][protocol][wire]") {
  const protocol::SyncRequest request = vector_request();
  check_vector(request, protocol::sync_request_from_json, WireFormat::json,
               "{\"clock\":1796000000005,\"cursors\":{\"pupil:0190a000-0000-7000-8000-"
               "000000000001\":12,\"school:"
               "demo\":0},\"limit\":500,\"push\":{\"entities\":[{\"bucket\":\"pupil:0190a000-0000-"
               "7000-8000-00000000"
               "0001\",\"fields\":[{\"f\":\"kind\",\"s\":[117702656000000001,1234605616436508552],"
               "\"v\":\"snuffelstage"
               "\"},{\"f\":\"title\",\"s\":[117702656000000002,1234605616436508552],\"v\":\"Bistro "
               "Noord\"},{\"a\":[[11"
               "7702656000000003,1234605616436508552]],\"f\":\"competencies\",\"k\":\"set\",\"x\":"
               "\"netwerken\"}],\"id\""
               ":\"0190a000-0000-7000-8000-0000000000a1\",\"type\":\"activity\"}],\"from\":"
               "\"1122334455667788\",\"sch"
               "ema\":1,\"since\":3,\"upto\":7,\"v\":1,\"werkex\":\"bundle\"},\"replica\":"
               "\"1122334455667788\",\"schema\":1"
               ",\"v\":1,\"views\":{\"school:demo\":\"v1-abc\"}}");
  check_vector(request, protocol::sync_request_from_json, WireFormat::cbor,
               "a865636c6f636b1b000001a229f1280567637572736f7273a2782a707570696c3a30313930613030302"
               "d303030302d37"
               "3030302d383030302d3030303030303030303030310c6b7363686f6f6c3a64656d6f00656c696d69741"
               "901f464707573"
               "68a768656e74697469657381a4666275636b6574782a707570696c3a30313930613030302d303030302"
               "d373030302d38"
               "3030302d303030303030303030303031666669656c647383a36166646b696e646173821b01a229f1280"
               "000011b112233"
               "445566778861766c736e756666656c7374616765a36166657469746c656173821b01a229f1280000021"
               "b112233445566"
               "778861766c42697374726f204e6f6f7264a4616181821b01a229f1280000031b1122334455667788616"
               "66c636f6d7065"
               "74656e63696573616b637365746178696e65747765726b656e626964782430313930613030302d30303"
               "0302d37303030"
               "2d383030302d30303030303030303030613164747970656861637469766974796466726f6d703131323"
               "2333334343535"
               "36363737383866736368656d61016573696e636503647570746f07617601667765726b65786662756e6"
               "46c6567726570"
               "6c696361703131323233333434353536363737383866736368656d6101617601657669657773a16b736"
               "3686f6f6c3a64"
               "656d6f6676312d616263");
  check_vector(request, protocol::sync_request_from_json, WireFormat::msgpack,
               "88a5636c6f636bcf000001a229f12805a7637572736f727382d92a707570696c3a30313930613030302"
               "d303030302d37"
               "3030302d383030302d3030303030303030303030310cab7363686f6f6c3a64656d6f00a56c696d6974c"
               "d01f4a4707573"
               "6887a8656e7469746965739184a66275636b6574d92a707570696c3a30313930613030302d303030302"
               "d373030302d38"
               "3030302d303030303030303030303031a66669656c64739383a166a46b696e64a17392cf01a229f1280"
               "00001cf112233"
               "4455667788a176ac736e756666656c737461676583a166a57469746c65a17392cf01a229f128000002c"
               "f112233445566"
               "7788a176ac42697374726f204e6f6f726484a1619192cf01a229f128000003cf1122334455667788a16"
               "6ac636f6d7065"
               "74656e63696573a16ba3736574a178a96e65747765726b656ea26964d92430313930613030302d30303"
               "0302d37303030"
               "2d383030302d303030303030303030306131a474797065a86163746976697479a466726f6db03131323"
               "2333334343535"
               "363637373838a6736368656d6101a573696e636503a47570746f07a17601a67765726b6578a662756e6"
               "46c65a7726570"
               "6c696361b031313232333334343535363637373838a6736368656d6101a17601a5766965777381ab736"
               "3686f6f6c3a64"
               "656d6fa676312d616263");
}

TEST_CASE("vectors: a sync response in JSON, CBOR and MessagePack", "[vectors][protocol][wire]") {
  const protocol::SyncResponse response = vector_response();
  check_vector(response, protocol::sync_response_from_json, WireFormat::json,
               "{\"buckets\":{\"pupil:0190a000-0000-7000-8000-000000000001\":{\"bundle\":{"
               "\"entities\":[{\"bucket\":"
               "\"pupil:0190a000-0000-7000-8000-000000000001\",\"fields\":[{\"f\":\"kind\",\"s\":["
               "117702656000000001"
               ",1234605616436508552],\"v\":\"snuffelstage\"},{\"f\":\"title\",\"s\":["
               "117702656000000002,12346056164"
               "36508552],\"v\":\"Bistro "
               "Noord\"},{\"a\":[[117702656000000003,1234605616436508552]],\"f\":\"compete"
               "ncies\",\"k\":\"set\",\"x\":\"netwerken\"}],\"id\":\"0190a000-0000-7000-8000-"
               "0000000000a1\",\"type\":\"act"
               "ivity\"}],\"from\":\"1122334455667788\",\"schema\":1,\"since\":12,\"upto\":40,"
               "\"v\":1,\"werkex\":\"bundle\""
               "},\"cursor\":40,\"more\":false}},\"clock_offset_ms\":-4,\"more\":false,\"push\":{"
               "\"applied\":3,\"reject"
               "ed\":[{\"code\":\"permission_denied\",\"entity\":\"0190a000-0000-7000-8000-"
               "0000000000a1\",\"field\":\""
               "title\",\"message\":\"role 'pupil' may not write field "
               "'title'\"}],\"unchanged\":0,\"upto\":7},\"rev"
               "oked\":[\"pupil:0190a000-0000-7000-8000-000000000002\"],\"server_clock\":"
               "1796000000009,\"v\":1}");
  check_vector(response, protocol::sync_response_from_json, WireFormat::cbor,
               "a7676275636b657473a1782a707570696c3a30313930613030302d303030302d373030302d383030302"
               "d303030303030"
               "303030303031a36662756e646c65a768656e74697469657381a4666275636b6574782a707570696c3a3"
               "0313930613030"
               "302d303030302d373030302d383030302d303030303030303030303031666669656c647383a36166646"
               "b696e64617382"
               "1b01a229f1280000011b112233445566778861766c736e756666656c7374616765a36166657469746c6"
               "56173821b01a2"
               "29f1280000021b112233445566778861766c42697374726f204e6f6f7264a4616181821b01a229f1280"
               "000031b112233"
               "445566778861666c636f6d706574656e63696573616b637365746178696e65747765726b656e6269647"
               "8243031393061"
               "3030302d303030302d373030302d383030302d303030303030303030306131647479706568616374697"
               "6697479646672"
               "6f6d703131323233333434353536363737383866736368656d61016573696e63650c647570746f18286"
               "1760166776572"
               "6b65786662756e646c6566637572736f721828646d6f7265f46f636c6f636b5f6f66667365745f6d732"
               "3646d6f7265f4"
               "6470757368a4676170706c696564036872656a656374656481a464636f6465717065726d697373696f6"
               "e5f64656e6965"
               "6466656e74697479782430313930613030302d303030302d373030302d383030302d303030303030303"
               "0303061316566"
               "69656c64657469746c65676d6573736167657828726f6c652027707570696c27206d6179206e6f74207"
               "7726974652066"
               "69656c6420277469746c652769756e6368616e67656400647570746f07677265766f6b656481782a707"
               "570696c3a3031"
               "3930613030302d303030302d373030302d383030302d3030303030303030303030326c7365727665725"
               "f636c6f636b1b"
               "000001a229f12809617601");
  check_vector(response, protocol::sync_response_from_json, WireFormat::msgpack,
               "87a76275636b65747381d92a707570696c3a30313930613030302d303030302d373030302d383030302"
               "d303030303030"
               "30303030303183a662756e646c6587a8656e7469746965739184a66275636b6574d92a707570696c3a3"
               "0313930613030"
               "302d303030302d373030302d383030302d303030303030303030303031a66669656c64739383a166a46"
               "b696e64a17392"
               "cf01a229f128000001cf1122334455667788a176ac736e756666656c737461676583a166a57469746c6"
               "5a17392cf01a2"
               "29f128000002cf1122334455667788a176ac42697374726f204e6f6f726484a1619192cf01a229f1280"
               "00003cf112233"
               "4455667788a166ac636f6d706574656e63696573a16ba3736574a178a96e65747765726b656ea26964d"
               "9243031393061"
               "3030302d303030302d373030302d383030302d303030303030303030306131a474797065a8616374697"
               "6697479a46672"
               "6f6db031313232333334343535363637373838a6736368656d6101a573696e63650ca47570746f28a17"
               "601a67765726b"
               "6578a662756e646c65a6637572736f7228a46d6f7265c2af636c6f636b5f6f66667365745f6d73fca46"
               "d6f7265c2a470"
               "75736884a76170706c69656403a872656a65637465649184a4636f6465b17065726d697373696f6e5f6"
               "4656e696564a6"
               "656e74697479d92430313930613030302d303030302d373030302d383030302d3030303030303030303"
               "06131a5666965"
               "6c64a57469746c65a76d657373616765d928726f6c652027707570696c27206d6179206e6f742077726"
               "9746520666965"
               "6c6420277469746c6527a9756e6368616e67656400a47570746f07a77265766f6b656491d92a7075706"
               "96c3a30313930"
               "613030302d303030302d373030302d383030302d303030303030303030303032ac7365727665725f636"
               "c6f636bcf0000"
               "01a229f12809a17601");
}

TEST_CASE("vectors: the canonical content and content hash of a covered entry",
          "[vectors][signoff]") {
  TempDir dir;
  ManualClockSource clock(kStartMillis);
  auto r = open_replica(dir.file("a.db"), clock, pupil_identity(kPupil));
  REQUIRE(expect_ok(r->apply(vector_bundle())).applied == 3);
  CHECK(expect_ok(canonical_content(*r, kActivity)).dump() ==
        "{\"fields\":{\"competencies\":{\"t\":\"2026-11-30T00:53:20.000Z+3\",\"v\":[\"netwerken\"]}"
        ",\"kind\":{\"t\""
        ":\"2026-11-30T00:53:20.000Z+1\",\"v\":\"snuffelstage\"},\"title\":{\"t\":\"2026-11-30T00:"
        "53:20.000Z+2"
        "\",\"v\":\"Bistro "
        "Noord\"}},\"id\":\"0190a000-0000-7000-8000-0000000000a1\",\"type\":\"activity\"}");
  CHECK(expect_ok(content_hash(*r, {kActivity})) ==
        "e9ac5534c7cbd6621168bf06a58ab0f821a1f6785a4aa1708044eaa47187835d");
}

TEST_CASE("vectors: the signed message of a sign-off and its Ed25519 signature",
          "[vectors][signoff]") {
  // A test key from the seed 01 02 … 20 (crypto_sign_seed_keypair); never a real one.
  const std::string secret_key =
      "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"
      "79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664";
  const std::string public_key = "79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664";
  REQUIRE(signing_key_id(public_key) == "65b60673d6ed884b");
  const json signoff = {
      {"id", "0190a000-0000-7000-8000-0000000000b1"},
      {"type", "signoff"},
      {"bucket", "pupil:" + kPupil},
      {"placement", "0190a000-0000-7000-8000-0000000000c1"},
      {"covers", {kActivity}},
      {"content_hash", "e9ac5534c7cbd6621168bf06a58ab0f821a1f6785a4aa1708044eaa47187835d"},
      {"statement_date", "2026-11-28"},
      {"signer", "0190a000-0000-7000-8000-0000000000aa"},
      {"method", "key"},
      {"key_id", "65b60673d6ed884b"},
      {"signed_at", "2026-11-28T14:13:20Z"},
      {"hours", 8},
      {"attendance", "aanwezig"},
      {"assessment", "Goed gedaan"},
      {"signature", "outside the message"}};
  const std::string message = signoff_message(signoff);
  CHECK(message ==
        "werkex-signoff:v1\n{\"assessment\":\"Goed "
        "gedaan\",\"attendance\":\"aanwezig\",\"content_hash\":\"e9ac"
        "5534c7cbd6621168bf06a58ab0f821a1f6785a4aa1708044eaa47187835d\",\"covers\":[\"0190a000-"
        "0000-700"
        "0-8000-0000000000a1\"],\"hours\":8,\"id\":\"0190a000-0000-7000-8000-0000000000b1\",\"key_"
        "id\":\"65b6"
        "0673d6ed884b\",\"method\":\"key\",\"placement\":\"0190a000-0000-7000-8000-0000000000c1\","
        "\"signed_at"
        "\":\"2026-11-28T14:13:20Z\",\"signer\":\"0190a000-0000-7000-8000-0000000000aa\","
        "\"statement_date\":"
        "\"2026-11-28\"}");
  const std::string signature = expect_ok(sign_message(secret_key, message));
  CHECK(signature ==
        "a9d55fd7ec57f48cd6debfd948ee1d20a6c19459d09e24749426ac227d8eebb7"
        "077d857e87edc0f4a8fe4f5efd8a83c0029cb1a96699e4d1a2a613604a2a8c0f");
  CHECK(verify_message(public_key, message, signature));
}
