// PupilPhotos: the JPEG renditions of pupils' photos that the staff dashboard shows, made on
// the server with libvips (exporter::jpeg_thumbnail) and cached on disk under
// <data>/thumbs/<first 2 hex>/<sha>-<px>.jpg.
//
// Invariants:
// - a rendition never carries metadata (no EXIF GPS position, no device data), the full-size
//   one included: it is re-encoded too (at most kFullPx), which also turns an iPhone's HEIC
//   into something a browser shows;
// - a cache file appears atomically (temporary name + rename), so a reader never sees half a
//   JPEG; it is named by the content hash of the original, whose bytes never change, so a
//   cached file never goes stale;
// - who may see which photo is not decided here (MentorService checks that first); the hash
//   must be 64 lowercase hex digits, so no request can name another file.
// Thread-safe: two requests may make the same rendition at once; the last rename wins, both
// with the same bytes.
#pragma once

#include <string>

#include "werkex/error.hpp"

namespace werkex::server {

struct Photo {
  std::string jpeg;  // the rendition's bytes
  std::string etag;  // "\"<sha>-<px>\"": the same for the same original and size
};

class PupilPhotos {
 public:
  static constexpr int kThumbPx = 320;
  static constexpr int kFullPx = 1600;

  explicit PupilPhotos(std::string thumbs_dir) : dir_(std::move(thumbs_dir)) {}

  // The rendition of the blob file `file` (content hash `sha`) at most `px` wide and high.
  // WX_IO if libvips cannot read the file or the cache cannot be written.
  Result<Photo> rendition(const std::string& file, const std::string& sha, int px);

 private:
  std::string dir_;
};

}  // namespace werkex::server
