// Thumbnails for the portfolio page, through libvips (C API): a photo file in, a small JPEG
// out, with every piece of metadata stripped.
//
// Invariants:
// - a thumbnail never carries EXIF, XMP, IPTC or an ICC profile: a phone photo's GPS
//   position and device data must not leave school inside a portfolio. The orientation
//   EXIF asked for is applied to the pixels first, so stripping it does not turn the photo;
// - an image with transparency is flattened onto white (JPEG has no alpha);
// - HEIC/HEIF (iPhone photos, which browsers do not show) is read when this libvips has the
//   heif loader (Debian 12's does, through libheif with libde265): such a photo gets a JPEG
//   rendition like any other. heic_supported() says whether it is there; without it the
//   portfolio shows a placeholder with the caption instead.
// libvips is started once per process, on first use, by a std::call_once, so the first
// calls may come from several threads at once. After that every function here is safe to
// call concurrently (libvips is thread-safe; each call owns its images, released by RAII).
// libvips' operation cache is switched off (every photo is read once, and a cache would only
// hold memory and open files) and each image is processed on one thread (the caller runs
// several at once): both are process-wide libvips settings, made by start_vips().
#pragma once

#include <string>

#include "werkex/error.hpp"

namespace werkex::exporter {

// Starts libvips if it has not been started in this process (thread-safe, idempotent).
// WX_INTERNAL if libvips cannot start (ABI mismatch, no memory).
Status start_vips();

// The image in `file` (JPEG, PNG, HEIC, WebP, … whatever this libvips reads) scaled down so
// that neither side exceeds `max_px` (never up), as a baseline JPEG of quality 80 without
// metadata. WX_INVALID_ARGUMENT when max_px is not in 1..10000; WX_IO when the file is
// missing or libvips cannot read it (the message carries libvips' reason).
Result<std::string> jpeg_thumbnail(const std::string& file, int max_px);

// Whether this libvips can read HEIC/HEIF files (has the heifload operation).
bool heic_supported();

}  // namespace werkex::exporter
