// Bad input: every refusal has its exact exit code, names the problem on stderr, prints
// nothing on stdout and leaves the replica as it was.
#include <catch2/catch.hpp>

#include <filesystem>

#include "process.hpp"
#include "test_support.hpp"

using nlohmann::json;
using werkex::test::Device;
using werkex::test::expect_failure;
using werkex::test::ProcessOptions;
using werkex::test::run_cli;
using werkex::test::with_input;

namespace {

constexpr int kUsage = 2, kInvalid = 11, kNotFound = 12, kConflict = 13, kDenied = 14,
              kCorrupt = 16;

struct PupilDevice {
  werkex::test::TempDir dir;
  Device device{dir.file("pupil.db")};
  std::string activity;

  PupilDevice() {
    device.ok({"init", "--user", "0190a000-0000-7000-8000-000000000001", "--role", "pupil"});
    activity = device.ok({"activity", "--kind", "meeloopdag", "--title", "Bakkerij"});
  }

  // Runs a command that must fail and checks that the replica did not change.
  werkex::test::ProcessResult refused(const std::vector<std::string>& args,
                                      const ProcessOptions& options = {}) {
    std::string before = device.dump();
    auto r = device.run(args, options);
    CHECK(device.dump() == before);
    return r;
  }
  werkex::test::ProcessResult put(const json& doc) {
    return refused({"put", "--json", doc.dump()});
  }
};

}  // namespace

TEST_CASE_METHOD(PupilDevice,
                 "errors: malformed JSON is invalid_argument with the parser's message",
                 "[cli][errors]") {
  expect_failure(refused({"put", "--json", R"({"type": "activity", "kind": )"}), kInvalid,
                 "invalid_argument",
                 {"--json: not valid JSON: ", "parse error", "unexpected end of input"});
  expect_failure(refused({"put", "--json", "-"}, with_input("{'type': 'activity'}")), kInvalid,
                 "invalid_argument", {"--json: not valid JSON: "});
  expect_failure(refused({"activity", "--kind", "meeloopdag", "--json", "{\"title\": }"}), kInvalid,
                 "invalid_argument", {"--json: not valid JSON: "});
  expect_failure(refused({"activity", "--kind", "meeloopdag", "--json", "[\"title\"]"}), kInvalid,
                 "invalid_argument", {"--json: expected a JSON object"});
  expect_failure(refused({"put", "--json", "42"}), kInvalid, "invalid_argument",
                 {"expected an entity as a JSON object"});
  // Found by fuzzing: a number beyond double's range threw past the parser's catch.
  expect_failure(refused({"put", "--json", "77e777"}), kInvalid, "invalid_argument",
                 {"--json: not valid JSON: ", "number overflow"});
  expect_failure(refused({"put", "--json", "@" + dir.file("missing.json")}), kNotFound, "not_found",
                 {"missing.json", "No such file"});
  // Nested far deeper than any entity: refused up front, not a stack overflow in the library.
  std::string deep = R"({"type": "activity", "kind": "meeloopdag", "title": )" +
                     std::string(200000, '[') + std::string(200000, ']') + "}";
  expect_failure(refused({"put", "--json", "-"}, with_input(deep)), kInvalid, "invalid_argument",
                 {"--json: JSON nested deeper than 64 levels"});
  expect_failure(refused({"activity", "--kind", "meeloopdag", "--title", "caf\xe9"}), kInvalid,
                 "invalid_argument", {"'--title' is not valid UTF-8"});
}

TEST_CASE_METHOD(PupilDevice, "errors: schema violations name the field and what was expected",
                 "[cli][errors]") {
  expect_failure(put({{"type", "activity"}, {"kind", "meeloopdag"}, {"colour", "rood"}}), kInvalid,
                 "invalid_argument", {"unknown field 'colour'", "known fields: ", "title"});
  expect_failure(put({{"type", "activity"}, {"kind", "meeloopdag"}, {"title", 5}}), kInvalid,
                 "invalid_argument", {"field 'title': expected a string; got 5"});
  expect_failure(
      put({{"id", activity}, {"kind", "ruimtevaart"}}), kInvalid, "invalid_argument",
      {"field 'kind'", "expected one of meeloopdag, ", "snuffelstage", "got \"ruimtevaart\""});
  expect_failure(refused({"experience", "--activity", activity, "--emotion", "hongerig"}), kInvalid,
                 "invalid_argument",
                 {"field 'emotion'", "one of trots, ", "nieuwsgierig", "\"hongerig\""});
  expect_failure(put({{"type", "spaceship"}}), kInvalid, "invalid_argument",
                 {"unknown type 'spaceship'"});
  expect_failure(refused({"list", "spaceship"}), kInvalid, "invalid_argument",
                 {"unknown type 'spaceship'", "known types: ", "activity"});
  expect_failure(refused({"list", "activity", "--where", "colour=rood"}), kInvalid,
                 "invalid_argument", {"activity has no field 'colour'"});
  expect_failure(put({{"type", "activity"}, {"title", "zonder soort"}}), kInvalid,
                 "invalid_argument", {"field 'kind' is required"});
}

TEST_CASE("errors: the command line itself is checked before anything runs", "[cli][errors]") {
  werkex::test::TempDir dir;
  Device d(dir.file("x.db"));
  d.ok({"init", "--user", "u1", "--role", "pupil"});
  expect_failure(d.run({"frobnicate"}), kUsage, "usage",
                 {"unknown command 'frobnicate'", "werkex help"});
  expect_failure(run_cli({"--verbose", "status"}), kUsage, "usage", {"unknown option '--verbose'"});
  expect_failure(d.run({"list", "activity", "--colour", "rood"}), kUsage, "usage",
                 {"list: unknown option '--colour'"});
  expect_failure(d.run({"activity", "--title", "x"}), kUsage, "usage",
                 {"activity: option '--kind' is required"});
  expect_failure(d.run({"activity", "--kind"}), kUsage, "usage", {"option '--kind' needs a value"});
  expect_failure(d.run({"activity", "--kind", "meeloopdag", "--kind", "interview"}), kUsage,
                 "usage", {"'--kind' given more than once"});
  expect_failure(d.run({"get"}), kUsage, "usage", {"get: got 0 operands", "get ID"});
  // `restore ID` brings an entry back from the trash (issue 13); ID FIELD restores a lost value.
  expect_failure(d.run({"restore"}), kUsage, "usage", {"restore: got 0 operands;"});
  expect_failure(d.run({"restore", "x", "title", "z"}), kUsage, "usage",
                 {"restore: got 3 operands;"});
  expect_failure(d.run({"restore", "x", "--from", "00000000000000aa"}), kUsage, "usage",
                 {"--from goes with a FIELD"});
  expect_failure(d.run({"restore", "x"}), kNotFound, "not_found",
                 {"there is no entry with id 'x'"});
  expect_failure(d.run({"list", "activity", "--limit", "veel"}), kUsage, "usage",
                 {"--limit: expected a non-negative integer, got 'veel'"});
  expect_failure(d.run({"list", "activity", "--where", "kind"}), kUsage, "usage",
                 {"--where expects FIELD=VALUE"});
  auto bare = run_cli({});
  CHECK(bare.exit_code == kUsage);
  CHECK_THAT(bare.err, Catch::StartsWith("usage: werkex --db PATH"));
}

TEST_CASE("errors: without a database there is nothing to do, and nothing is created",
          "[cli][errors]") {
  werkex::test::TempDir dir;
  expect_failure(run_cli({"status"}), kUsage, "usage",
                 {"no database: give --db PATH or set WERKEX_DB"});
  const std::string path = dir.file("nowhere.db");
  for (auto cmd : {std::vector<std::string>{"status"},
                   {"dump"},
                   {"activity", "--kind", "meeloopdag"},
                   {"import", dir.file("b.json")}}) {
    expect_failure(Device(path).run(cmd), kNotFound, "not_found",
                   {"no replica at '" + path + "'", "init --user ID --role ROLE"});
    CHECK_FALSE(std::filesystem::exists(path));
  }
  expect_failure(Device(path).run({"init", "--user", "u1", "--role", "rector"}), kInvalid,
                 "invalid_argument", {"unknown role 'rector'", "pupil"});
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE_METHOD(PupilDevice, "errors: unknown ids are not_found", "[cli][errors]") {
  const std::string unknown = "0190a000-0000-7000-8000-00000000dead";
  expect_failure(refused({"get", unknown}), kNotFound, "not_found",
                 {"there is no entry with id '" + unknown + "'"});
  expect_failure(refused({"delete", unknown}), kNotFound, "not_found", {unknown});
  expect_failure(put({{"id", unknown}, {"title", "x"}}), kNotFound, "not_found", {unknown});
  expect_failure(refused({"restore", activity, "title"}), kNotFound, "not_found",
                 {"no lost value to restore"});
  expect_failure(refused({"restore", activity, "title", "--from", "zz"}), kInvalid,
                 "invalid_argument", {"--from: expected a replica id of 16 hex digits"});
  expect_failure(refused({"cycle", unknown}), kNotFound, "not_found", {unknown});
}

TEST_CASE_METHOD(PupilDevice,
                 "errors: a file that is not a whole bundle is corrupt and changes nothing",
                 "[cli][errors][sync]") {
  // A real bundle from another device, so the damaged copies differ from it only in damage.
  Device other(dir.file("other.db"));
  other.ok({"init", "--user", "0190a000-0000-7000-8000-000000000001", "--role", "pupil"});
  other.ok({"activity", "--kind", "interview", "--title", "Interview met een kok"});
  std::string bundle = other.ok({"export"});

  const std::string truncated = dir.file("truncated.json");
  werkex::test::write_file(truncated, bundle.substr(0, bundle.size() / 2));
  expect_failure(refused({"import", truncated}), kCorrupt, "corrupt",
                 {"truncated.json", "not valid JSON"});

  const std::string not_bundle = dir.file("activity.json");
  werkex::test::write_file(not_bundle, R"({"type": "activity", "kind": "meeloopdag"})");
  expect_failure(refused({"import", not_bundle}), kCorrupt, "corrupt", {"not a werkex bundle"});

  const std::string odd_shape = dir.file("odd.json");
  werkex::test::write_file(odd_shape, R"({"werkex": 1, "from": 7})");
  expect_failure(refused({"import", odd_shape}), kCorrupt, "corrupt", {"odd.json"});

  json damaged = json::parse(bundle);
  damaged["entities"][0]["fields"][0]["s"] = "yesterday";
  expect_failure(refused({"import", "-"}, with_input(damaged.dump())), kCorrupt, "corrupt",
                 {"stdin", "entities[0].fields[0].s"});

  const std::string deep = dir.file("deep.json");
  werkex::test::write_file(deep, std::string(200000, '[') + std::string(200000, ']'));
  expect_failure(refused({"import", deep}), kCorrupt, "corrupt",
                 {"deep.json: JSON nested deeper than 64 levels"});

  expect_failure(refused({"import", dir.file("absent.json")}), kNotFound, "not_found",
                 {"absent.json"});
  // The undamaged bundle still goes in.
  CHECK(json::parse(device.ok({"import", "-"}, with_input(bundle)))["applied"].get<int>() > 0);
}

TEST_CASE_METHOD(PupilDevice, "errors: a pupil may not sign off or comment in another dossier",
                 "[cli][errors][roles]") {
  expect_failure(put({{"type", "comment"},
                      {"on", activity},
                      {"body", "goed gedaan!"},
                      {"bucket", "pupil:0190a000-0000-7000-8000-0000000000e9"}}),
                 kDenied, "permission_denied", {"own dossier"});
  expect_failure(put({{"type", "signoff"},
                      {"placement", "0190a000-0000-7000-8000-0000000000a1"},
                      {"covers", {activity}},
                      {"content_hash", "00ff"},
                      {"statement_date", "2026-11-30"},
                      {"signer", "0190a000-0000-7000-8000-0000000000b1"},
                      {"method", "key"},
                      {"hours", 6}}),
                 kDenied, "permission_denied", {"a pupil may not write a sign-off"});
}

TEST_CASE_METHOD(PupilDevice, "errors: a deleted entity cannot be updated or deleted again",
                 "[cli][errors]") {
  device.ok({"delete", activity});
  CHECK(device.ok_json({"get", activity}) ==
        json({{"id", activity}, {"type", "activity"}, {"deleted", true}}));
  expect_failure(put({{"id", activity}, {"title", "Toch weer"}}), kConflict, "conflict",
                 {activity, "was deleted"});
  expect_failure(refused({"delete", activity}), kConflict, "conflict", {"already deleted"});
  expect_failure(refused({"prepare", "--activity", activity}), kConflict, "conflict",
                 {"was deleted"});
}

// Issue 13: a contact's phone number and e-mail are kept only with the contact's consent,
// on creation and on every later edit, and withdrawing consent needs them cleared first.
TEST_CASE_METHOD(PupilDevice, "errors: a contact's phone is stored only with consent",
                 "[cli][errors][privacy]") {
  expect_failure(
      refused({"contact", "--name", "Kok Ahmed", "--json", R"({"phone": "0612345678"})"}), kInvalid,
      "invalid_argument", {"new contact", "'phone' is stored only while 'consent' is true"});
  expect_failure(refused({"contact", "--name", "Kok Ahmed", "--json",
                          R"({"email": "ahmed@example.nl", "consent": false})"}),
                 kInvalid, "invalid_argument", {"'email'"});
  const std::string id = device.ok(
      {"contact", "--name", "Kok Ahmed", "--json", R"({"phone": "0612345678", "consent": true})"});
  expect_failure(put({{"id", id}, {"consent", false}}), kInvalid, "invalid_argument",
                 {"'phone'", "clear"});
  device.ok({"put", "--json", json{{"id", id}, {"phone", nullptr}, {"consent", false}}.dump()});
  json doc = device.ok_json({"get", id});
  CHECK(doc["consent"] == false);
  CHECK(doc.value("phone", json()).is_null());
  const std::string plain =
      device.ok({"contact", "--name", "Sanne"});  // no number: no consent needed
  expect_failure(put({{"id", plain}, {"email", "sanne@example.nl"}}), kInvalid, "invalid_argument",
                 {"'email'"});
}
