// Where a HEIF file (HEIC, AVIF: ISO base media file format) keeps its metadata items: the
// byte ranges of every Exif item and XMP item, found through the top-level `meta` box's item
// information (`iinf`) and item locations (`iloc`). Internal to photo_metadata.cpp.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "werkex/error.hpp"

namespace werkex {

struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;
};

// WX_INVALID_ARGUMENT (with the reason) when a box or an item location does not fit the
// file, or an item is stored in a way this reader does not follow.
Result<std::vector<ByteRange>> heif_metadata_ranges(std::string_view file);

}  // namespace werkex
