// Real, small image files for the export tests, made with libvips: JPEG (optionally with
// EXIF camera and GPS tags, as a phone writes them), PNG with transparency, HEIC.
#pragma once

#include <vips/vips.h>

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "thumbnails.hpp"

namespace werkex::test {

struct VipsUnref {
  void operator()(VipsImage* image) const { g_object_unref(image); }
};
using VipsImagePtr = std::unique_ptr<VipsImage, VipsUnref>;

// A w×h image with `bands` bands (3: RGB, 4: RGBA half transparent), a gradient that
// differs with `seed` so that every photo has its own bytes and hash.
inline VipsImagePtr test_image(int w, int h, int bands, int seed) {
  REQUIRE(exporter::start_vips());
  std::vector<unsigned char> px(size_t(w) * h * bands);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int b = 0; b < bands; ++b)
        px[(size_t(y) * w + x) * bands + b] =
            b == 3 ? 128 : static_cast<unsigned char>((x * (b + 1) + y * 3 + seed * 37) & 0xFF);
  VipsImage* img =
      vips_image_new_from_memory_copy(px.data(), px.size(), w, h, bands, VIPS_FORMAT_UCHAR);
  REQUIRE(img != nullptr);
  return VipsImagePtr(img);
}

inline std::string take_buffer(void* buffer, size_t length) {
  std::string out(static_cast<const char*>(buffer), length);
  g_free(buffer);
  return out;
}

// Make/Model and a GPS position, as a phone's camera writes them into EXIF.
inline void set_camera_exif(VipsImage* img) {
  vips_image_set_string(img, "exif-ifd0-Make", "WerkexPhone");
  vips_image_set_string(img, "exif-ifd0-Model", "Testmodel 3");
  vips_image_set_string(img, "exif-ifd3-GPSLatitudeRef", "N");
  vips_image_set_string(img, "exif-ifd3-GPSLatitude", "52/1 5/1 0/1");
}

// A JPEG; with `exif`, it carries Make/Model and a GPS position in its EXIF block.
inline std::string make_jpeg(int w, int h, int seed, bool exif = false) {
  VipsImagePtr img = test_image(w, h, 3, seed);
  if (exif) set_camera_exif(img.get());
  void* buffer = nullptr;
  size_t length = 0;
  REQUIRE(vips_jpegsave_buffer(img.get(), &buffer, &length, "Q", 85, nullptr) == 0);
  return take_buffer(buffer, length);
}

// A PNG with an alpha channel (half transparent).
inline std::string make_png(int w, int h, int seed) {
  VipsImagePtr img = test_image(w, h, 4, seed);
  void* buffer = nullptr;
  size_t length = 0;
  REQUIRE(vips_pngsave_buffer(img.get(), &buffer, &length, nullptr) == 0);
  return take_buffer(buffer, length);
}

// A HEIC (HEVC) image, or "" when this libvips/libheif cannot encode one; with `exif`, it
// carries an Exif item with Make/Model and a GPS position.
inline std::string make_heic(int w, int h, int seed, bool exif = false) {
  VipsImagePtr img = test_image(w, h, 3, seed);
  if (exif) set_camera_exif(img.get());
  void* buffer = nullptr;
  size_t length = 0;
  if (vips_heifsave_buffer(img.get(), &buffer, &length, "compression",
                           VIPS_FOREIGN_HEIF_COMPRESSION_HEVC, nullptr) != 0) {
    vips_error_clear();
    return "";
  }
  return take_buffer(buffer, length);
}

struct ImageInfo {
  int width = 0, height = 0;
  bool has_exif = false;
  std::string loader;
};

// What libvips sees in an image held in memory.
inline ImageInfo inspect_image(const std::string& bytes) {
  VipsImage* raw = vips_image_new_from_buffer(bytes.data(), bytes.size(), "", nullptr);
  REQUIRE(raw != nullptr);
  VipsImagePtr img(raw);
  ImageInfo info;
  info.width = vips_image_get_width(raw);
  info.height = vips_image_get_height(raw);
  info.has_exif = vips_image_get_typeof(raw, "exif-data") != 0;
  const char* loader = vips_foreign_find_load_buffer(bytes.data(), bytes.size());
  info.loader = loader ? loader : "";
  return info;
}

}  // namespace werkex::test
