// A phone's photo with its GPS position, made by a real encoder (libvips, as a camera writes
// EXIF), attached on a pupil's phone: what the phone stores, hashes and will upload carries
// no EXIF any more and still decodes to the same picture (issue 13, privacy of minors).
#include <fstream>

#include "test_images.hpp"
#include "test_support.hpp"
#include "werkex/blob_store.hpp"

using namespace werkex;
using test::expect_ok;

namespace {

struct PupilPhone {
  test::TempDir dir;
  ManualClockSource clock{test::kStartMillis};
  std::unique_ptr<Replica> replica =
      test::open_replica(dir.file("phone.db"), clock, test::pupil_identity());
  std::string experience = expect_ok(replica->put({{"type", "experience"},
                                                   {"occurred_at", "2026-11-28T09:00:00Z"},
                                                   {"note", "taart versierd"}}));

  // Attaches `bytes` as a file called `name`; returns the bytes the store holds.
  std::pair<AttachedBlob, std::string> attach(const std::string& name, const std::string& bytes) {
    const std::string path = dir.file(name);
    std::ofstream(path, std::ios::binary) << bytes;
    BlobStore store = expect_ok(BlobStore::open(*replica));
    AttachedBlob a = expect_ok(store.attach(experience, path));
    std::ifstream in(store.path(a.sha256), std::ios::binary);
    return {a, std::string(std::istreambuf_iterator<char>(in), {})};
  }
};

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("photos: a phone's JPEG with its GPS position is stored and uploaded without it",
          "[export][photo][privacy]") {
  const std::string original = test::make_jpeg(320, 240, 7, true);
  REQUIRE(test::inspect_image(original).has_exif);  // the test photo really carries it
  REQUIRE(contains(original, "WerkexPhone"));
  PupilPhone phone;
  auto [attached, stored] = phone.attach("IMG_2041.jpg", original);
  const test::ImageInfo info = test::inspect_image(stored);
  CHECK_FALSE(info.has_exif);
  CHECK_FALSE(contains(stored, "WerkexPhone"));
  CHECK_FALSE(contains(stored, std::string("Exif\0\0", 6)));
  CHECK(info.width == 320);
  CHECK(info.height == 240);
  // The hash that names the photo, and that the upload is checked against, is of these bytes.
  CHECK(attached.sha256 == sha256_hex(stored));
  CHECK(attached.size == stored.size());
  CHECK(stored.size() < original.size());
}

TEST_CASE("photos: a HEIC photo keeps its picture and loses its EXIF", "[export][photo][privacy]") {
  const std::string original = test::make_heic(128, 96, 3, true);
  if (original.empty()) {
    WARN("this libvips cannot write HEIC: skipped");
    return;
  }
  REQUIRE(contains(original, "WerkexPhone"));
  PupilPhone phone;
  auto [attached, stored] = phone.attach("IMG_2042.HEIC", original);
  CHECK_FALSE(contains(stored, "WerkexPhone"));
  CHECK(stored.size() == original.size());
  const test::ImageInfo info = test::inspect_image(stored);
  CHECK(info.width == 128);
  CHECK(info.height == 96);
  CHECK(attached.sha256 == sha256_hex(stored));
}
