// The device CLI's own guarantees, offline: delete says what it did (and a blob's delete
// takes its photo out of the entry), quarantine and blob-retry refuse unknown ids, --now is
// checked, and two processes writing one database at once both succeed.
#include <catch2/catch.hpp>

#include <thread>

#include "process.hpp"
#include "test_support.hpp"

using nlohmann::json;
using werkex::test::Device;
using werkex::test::expect_failure;
using werkex::test::ProcessResult;

namespace {

constexpr int kUsage = 2, kInvalid = 11, kNotFound = 12;
const std::string kPupil = "0190a000-0000-7000-8000-000000000001";
const std::string kAbcSha = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

struct Phone {
  werkex::test::TempDir dir;
  Device device{dir.file("phone.db")};
  std::string activity, experience;

  Phone() {
    device.ok({"init", "--user", kPupil, "--role", "pupil"});
    activity = device.ok({"activity", "--kind", "snuffelstage", "--title", "Bistro"});
    experience = device.ok({"experience", "--activity", activity, "--note", "saus"});
  }
};

}  // namespace

TEST_CASE_METHOD(Phone, "device cli: delete prints what it deleted and the references it removed",
                 "[cli][device]") {
  werkex::test::write_file(dir.file("saus.jpg"), "abc");
  std::string out = device.ok({"attach", experience, dir.file("saus.jpg")});
  std::string blob = out.substr(0, out.find(' '));
  json r = device.ok_json({"delete", blob});
  CHECK(r["deleted"] == blob);
  CHECK(r["type"] == "blob");
  CHECK(r["references_removed"] == json::array({{{"entity", experience},
                                                 {"type", "experience"},
                                                 {"field", "photos"},
                                                 {"value", kAbcSha}}}));
  CHECK_FALSE(device.ok_json({"get", experience}).contains("photos"));
  // Another device importing the bundle sees the same: no photo left without its blob.
  device.ok({"export", "--since", "0", "--out", dir.file("a.bundle")});
  Device tablet(dir.file("tablet.db"));
  tablet.ok({"init", "--user", kPupil, "--role", "pupil"});
  tablet.ok({"import", dir.file("a.bundle")});
  CHECK(tablet.dump() == device.dump());
  CHECK_FALSE(tablet.ok_json({"get", experience}).contains("photos"));

  r = device.ok_json({"delete", experience});
  CHECK(r == json{{"deleted", experience},
                  {"type", "experience"},
                  {"references_removed", json::array()}});
}

TEST_CASE_METHOD(Phone, "device cli: quarantine drop/retry and blob-retry refuse what is not there",
                 "[cli][device][errors]") {
  CHECK(device.ok_json({"quarantine"}) == json::array());
  const std::string id = activity + "/title";
  expect_failure(device.run({"quarantine", "drop", id}), kNotFound, "not_found",
                 {"no quarantined change " + id});
  expect_failure(device.run({"quarantine", "retry", id}), kNotFound, "not_found", {id});
  expect_failure(device.run({"quarantine", "drop", "no-slash"}), kInvalid, "invalid_argument",
                 {"'no-slash' is not an entry id"});
  expect_failure(device.run({"quarantine", "forget", id}), kUsage, "usage",
                 {"expected 'drop ID' or 'retry ID'"});
  expect_failure(device.run({"quarantine", "drop"}), kUsage, "usage", {"ENTITY/FIELD"});
  expect_failure(device.run({"quarantine", "drop", id, "--clear"}), kUsage, "usage", {"alone"});

  CHECK(device.ok_json({"blob-retry"}) == json{{"queued_again", json::array()}});
  expect_failure(device.run({"blob-retry", kAbcSha}), kNotFound, "not_found", {"no failed upload"});
  expect_failure(device.run({"blob-retry", "abc"}), kInvalid, "invalid_argument",
                 {"not a blob hash"});
}

TEST_CASE_METHOD(Phone, "device cli: --now sets the device clock and is checked", "[cli][device]") {
  // 2030-01-01T00:00:00Z: the experience recorded "now" happened then.
  json e = device.ok_json({"get", device.ok({"--now", "1893456000000", "experience", "--activity",
                                             activity, "--note", "later"})});
  CHECK(e["occurred_at"].get<std::string>().starts_with("2030-01-01T00:0"));
  expect_failure(device.run({"--now", "soon", "status"}), kUsage, "usage",
                 {"--now: expected Unix epoch milliseconds"});
  expect_failure(device.run({"--now", "99999999999999999", "status"}), kUsage, "usage", {"--now"});
  // Only before the command: after it, it is not one of the command's options.
  expect_failure(device.run({"status", "--now", "1"}), kUsage, "usage", {"now"});
}

TEST_CASE_METHOD(Phone, "device cli: two processes writing one database at once both succeed",
                 "[cli][device][writers]") {
  // An app and its widget: two writers on one file, each many commands in a row.
  constexpr int kEach = 12;
  std::vector<ProcessResult> results[2];
  std::thread writers[2];
  for (int w = 0; w < 2; ++w)
    writers[w] = std::thread([&, w] {
      for (int i = 0; i < kEach; ++i)
        results[w].push_back(device.run({"experience", "--activity", activity, "--note",
                                         "w" + std::to_string(w) + "-" + std::to_string(i)}));
    });
  for (auto& t : writers) t.join();
  for (auto& rs : results)
    for (const ProcessResult& r : rs) {
      INFO(r.err);
      CHECK(r.exit_code == 0);
    }
  json exps = device.ok_json({"list", "experience"});
  CHECK(exps.size() == 1 + 2 * kEach);
  // Exports converge: another device importing everything prints the same dump.
  device.ok({"export", "--since", "0", "--out", dir.file("all.bundle")});
  Device tablet(dir.file("tablet.db"));
  tablet.ok({"init", "--user", kPupil, "--role", "pupil"});
  tablet.ok({"import", dir.file("all.bundle")});
  CHECK(tablet.dump() == device.dump());
}
