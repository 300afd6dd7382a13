// Photos through the CLI, offline: attach, what status shows, the upload policy, and each way
// of getting the command line wrong.
#include <catch2/catch.hpp>

#include <filesystem>

#include "process.hpp"
#include "test_support.hpp"

using nlohmann::json;
using werkex::test::Device;
using werkex::test::expect_failure;

namespace {

constexpr int kUsage = 2, kInvalid = 11, kNotFound = 12, kTooLarge = 20;
// SHA-256("abc").
const std::string kAbcSha = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

struct Phone {
  werkex::test::TempDir dir;
  Device device{dir.file("phone.db")};
  std::string activity, experience;

  Phone() {
    device.ok({"init", "--user", "0190a000-0000-7000-8000-000000000001", "--role", "pupil"});
    activity = device.ok({"activity", "--kind", "snuffelstage", "--title", "Bistro"});
    experience = device.ok({"experience", "--activity", activity, "--note", "saus"});
  }
  std::string file(const std::string& name, const std::string& bytes) {
    werkex::test::write_file(dir.file(name), bytes);
    return dir.file(name);
  }
};

}  // namespace

TEST_CASE_METHOD(Phone, "blobs: attach offline prints id and hash and status shows it queued",
                 "[cli][blob]") {
  json s = device.ok_json({"status"});
  CHECK(s["blobs"]["pending_upload"] == json::array());
  CHECK(s["blobs"]["failed"] == json::array());
  CHECK(s["blobs"]["remote_only"] == 0);
  CHECK(s["blobs"]["policy"] == "always");

  std::string out =
      device.ok({"attach", experience, file("saus.jpg", "abc"), "--caption", "mijn saus"});
  size_t space = out.find(' ');
  REQUIRE(space != std::string::npos);
  std::string id = out.substr(0, space);
  CHECK(out.substr(space + 1) == kAbcSha);

  json blob = device.ok_json({"get", id});
  CHECK(blob["type"] == "blob");
  CHECK(blob["sha256"] == kAbcSha);
  CHECK(blob["size"] == 3);
  CHECK(blob["mime"] == "image/jpeg");
  CHECK(blob["caption"] == "mijn saus");
  CHECK(blob["attached_to"] == experience);
  CHECK(device.ok_json({"get", experience})["photos"] == json::array({kAbcSha}));
  CHECK(werkex::test::read_file(dir.file("phone.db.blobs/" + kAbcSha)) == "abc");

  std::string doc =
      device.ok({"attach", activity, file("plan", "%PDF"), "--mime", "application/pdf"});
  CHECK(device.ok_json({"get", doc.substr(0, doc.find(' '))})["mime"] == "application/pdf");

  s = device.ok_json({"status"});
  CHECK(s["entities"]["blob"] == 2);
  CHECK(s["blobs"]["pending_upload"].size() == 2);
  CHECK(s["blobs"]["failed"] == json::array());

  // The policy is kept with the replica.
  CHECK(device.ok({"blob-policy", "wifi-only"}) == "wifi-only");
  CHECK(device.ok({"blob-policy"}) == "wifi-only");
  CHECK(device.ok_json({"status"})["blobs"]["policy"] == "wifi-only");
  CHECK(device.ok({"blob-policy", "always"}) == "always");
}

TEST_CASE_METHOD(Phone, "blobs: usage errors and refused attaches leave the replica as it was",
                 "[cli][blob]") {
  std::string before = device.dump();
  std::string photo = file("p.jpg", "abc");
  expect_failure(device.run({"attach", experience}), kUsage, "usage", {"attach", "ID FILE"});
  expect_failure(device.run({"attach"}), kUsage, "usage", {"got 0 operands"});
  expect_failure(device.run({"attach", experience, photo, "--colour", "red"}), kUsage, "usage",
                 {"colour"});
  expect_failure(device.run({"blob-policy", "sometimes"}), kUsage, "usage",
                 {"always", "wifi-only", "sometimes"});
  expect_failure(device.run({"sync", "--network", "5g"}), kUsage, "usage",
                 {"--network", "wifi, cellular or none", "5g"});
  expect_failure(device.run({"fetch"}), kUsage, "usage", {"fetch"});

  expect_failure(device.run({"attach", experience, dir.file("missing.jpg")}), kNotFound,
                 "not_found", {"missing.jpg"});
  expect_failure(device.run({"attach", "0190a000-0000-7000-8000-00000000beef", photo}), kNotFound,
                 "not_found", {"0190a000-0000-7000-8000-00000000beef"});
  expect_failure(device.run({"attach", experience, dir.path().string()}), kInvalid,
                 "invalid_argument", {"not a regular file"});
  expect_failure(device.run({"attach", experience, photo, "--caption", std::string(300, 'c')}),
                 kTooLarge, "too_large", {"caption"});
  expect_failure(device.run({"fetch", "../../etc/passwd"}), kInvalid, "invalid_argument",
                 {"not a blob hash"});
  CHECK(device.dump() == before);
  json s = device.ok_json({"status"});
  CHECK(s["blobs"]["pending_upload"] == json::array());
  CHECK(s["entities"]["blob"] == 0);
  CHECK_FALSE(std::filesystem::exists(dir.file("phone.db.blobs/" + kAbcSha)));

  // Without a server, fetching a blob that is not here says what is missing.
  expect_failure(device.run({"fetch", kAbcSha}), kInvalid, "invalid_argument",
                 {"no server configured"});
}
