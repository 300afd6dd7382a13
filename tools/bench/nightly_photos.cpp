// werkex-bench's generated photos and how they reach the server's blob folder
// (nightly_photos.hpp).
#include "nightly_photos.hpp"

#include <vips/vips.h>

#include <vector>

#include "bench.hpp"
#include "export/thumbnails.hpp"
#include "werkex/blob_store.hpp"

namespace bench {

namespace {

struct Rgb {
  int r, g, b;
};

// A colour from `seed`'s bits, around `base`.
Rgb tint(uint64_t seed, Rgb base, int spread) {
  auto part = [&](int shift, int v) {
    int c = v + static_cast<int>((seed >> shift) % uint64_t(2 * spread + 1)) - spread;
    return c < 0 ? 0 : c > 255 ? 255 : c;
  };
  return {part(0, base.r), part(8, base.g), part(16, base.b)};
}

// The scene's pixels, RGB, row by row.
std::vector<unsigned char> scene(uint64_t seed, int w, int h) {
  const uint64_t s = seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
  const Rgb sky = tint(s, {110, 160, 220}, 40), ground = tint(s >> 24, {90, 130, 70}, 40);
  const Rgb sun = tint(s >> 12, {250, 220, 120}, 5), wall = tint(s >> 36, {150, 90, 70}, 60);
  const int horizon = h / 2 + static_cast<int>(s % uint64_t(h / 4)) - h / 8;
  const int sun_x = static_cast<int>((s >> 20) % uint64_t(w)), sun_y = horizon / 3;
  const int sun_r = 8 + static_cast<int>((s >> 28) % 16);
  const int house_x = static_cast<int>((s >> 40) % uint64_t(w / 2)), house_w = w / 4;
  const int house_top = horizon - h / 5;
  std::vector<unsigned char> px(size_t(w) * h * 3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      Rgb c = y < horizon ? Rgb{sky.r - y / 4, sky.g - y / 6, sky.b} : ground;
      if (y >= horizon) c.g += (x * 7 + y * 3) % 23 - 11;  // grass
      const int dx = x - sun_x, dy = y - sun_y;
      if (dx * dx + dy * dy < sun_r * sun_r) c = sun;
      if (x >= house_x && x < house_x + house_w && y >= house_top && y < horizon + h / 10)
        c = (x / 12 + y / 12) % 3 == 0 ? Rgb{230, 230, 200} : wall;  // windows
      unsigned char* p = &px[(size_t(y) * w + x) * 3];
      p[0] = static_cast<unsigned char>(c.r < 0 ? 0 : c.r > 255 ? 255 : c.r);
      p[1] = static_cast<unsigned char>(c.g < 0 ? 0 : c.g > 255 ? 255 : c.g);
      p[2] = static_cast<unsigned char>(c.b < 0 ? 0 : c.b > 255 ? 255 : c.b);
    }
  }
  return px;
}

}  // namespace

std::string make_photo_jpeg(uint64_t seed, int width, int height) {
  check(werkex::exporter::start_vips(), "start libvips");
  std::vector<unsigned char> px = scene(seed, width, height);
  VipsImage* image =
      vips_image_new_from_memory_copy(px.data(), px.size(), width, height, 3, VIPS_FORMAT_UCHAR);
  if (!image) throw Failure(std::string("libvips: ") + vips_error_buffer());
  void* buffer = nullptr;
  size_t length = 0;
  int failed = vips_jpegsave_buffer(image, &buffer, &length, "Q", 80, "strip", TRUE, nullptr);
  g_object_unref(image);
  if (failed) throw Failure(std::string("libvips jpegsave: ") + vips_error_buffer());
  std::string out(static_cast<const char*>(buffer), length);
  g_free(buffer);
  return out;
}

ServerBlobs::ServerBlobs(const std::string& data_dir) {
  files_ = check(werkex::server::BlobStore::open(data_dir + "/blobs"), "open the blob folder");
  holdings_ = check(werkex::server::BlobHoldings::open(data_dir + "/server.db"), "open holdings");
}

std::string ServerBlobs::store(const std::string& bucket, const std::string& bytes,
                               uint64_t now_ms) {
  const std::string sha = werkex::sha256_hex(bytes);
  check(holdings_->touch(bucket, sha, bytes.size(), now_ms), "blob holding");
  auto outcome = check(files_->append(bucket, sha, 0, bytes, bytes.size()), "store a photo");
  if (!outcome.complete) throw Failure("photo " + sha + " did not complete");
  check(holdings_->complete(bucket, sha, now_ms), "complete the blob holding");
  return sha;
}

}  // namespace bench
