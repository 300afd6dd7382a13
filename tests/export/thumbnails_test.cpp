// Thumbnails: JPEG out, never larger than asked, never with EXIF; HEIC where libheif is.
#include <fstream>

#include "test_images.hpp"
#include "test_support.hpp"
#include "thumbnails.hpp"

using namespace werkex;
using exporter::jpeg_thumbnail;
using test::expect_ok;

namespace {

std::string write(const test::TempDir& dir, const std::string& name, const std::string& bytes) {
  std::string path = dir.file(name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

bool is_jpeg(const std::string& bytes) {
  return bytes.size() > 3 && bytes.compare(0, 3, "\xFF\xD8\xFF") == 0;
}

}  // namespace

TEST_CASE("thumbnail: is a JPEG within the size, without EXIF or GPS", "[export][thumbnail]") {
  test::TempDir dir;
  std::string photo = test::make_jpeg(800, 600, 1, true);
  test::ImageInfo original = test::inspect_image(photo);
  REQUIRE(original.has_exif);  // the test photo really carries EXIF
  REQUIRE(photo.find("WerkexPhone") != std::string::npos);

  std::string thumb = expect_ok(jpeg_thumbnail(write(dir, "a.jpg", photo), 160));
  CHECK(is_jpeg(thumb));
  test::ImageInfo info = test::inspect_image(thumb);
  CHECK(info.width == 160);
  CHECK(info.height == 120);
  CHECK_FALSE(info.has_exif);
  CHECK(thumb.find("Exif") == std::string::npos);
  CHECK(thumb.find("WerkexPhone") == std::string::npos);
  CHECK(thumb.size() < photo.size());
}

TEST_CASE("thumbnail: a small PNG with transparency becomes a JPEG of its own size",
          "[export][thumbnail]") {
  test::TempDir dir;
  std::string thumb =
      expect_ok(jpeg_thumbnail(write(dir, "a.png", test::make_png(40, 30, 2)), 480));
  CHECK(is_jpeg(thumb));
  test::ImageInfo info = test::inspect_image(thumb);
  CHECK(info.width == 40);  // never scaled up
  CHECK(info.height == 30);
}

TEST_CASE("thumbnail: HEIC photos get a JPEG rendition (Debian's libvips reads HEIC)",
          "[export][thumbnail][heic]") {
  test::TempDir dir;
  std::string heic = test::make_heic(320, 240, 3);
  if (!exporter::heic_supported() || heic.empty()) {
    WARN("this libvips cannot read or write HEIC: the portfolio shows a placeholder instead");
    return;
  }
  std::string path = write(dir, "a.heic", heic);
  const char* loader = vips_foreign_find_load(path.c_str());
  REQUIRE(loader != nullptr);
  CHECK(std::string(loader).find("Heif") != std::string::npos);
  std::string thumb = expect_ok(jpeg_thumbnail(path, 100));
  CHECK(is_jpeg(thumb));
  CHECK(test::inspect_image(thumb).width == 100);
}

TEST_CASE("thumbnail: missing or broken files and bad sizes are errors", "[export][thumbnail]") {
  test::TempDir dir;
  CHECK(jpeg_thumbnail(dir.file("nothing.jpg"), 100).error().code == WX_IO);
  CHECK(jpeg_thumbnail(write(dir, "b.jpg", "not an image at all"), 100).error().code == WX_IO);
  std::string ok = write(dir, "c.jpg", test::make_jpeg(50, 50, 4));
  CHECK(jpeg_thumbnail(ok, 0).error().code == WX_INVALID_ARGUMENT);
  CHECK(jpeg_thumbnail(ok, 10001).error().code == WX_INVALID_ARGUMENT);
  CHECK(jpeg_thumbnail(ok, 10000));
}
