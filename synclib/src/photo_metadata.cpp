// strip_photo_metadata: JPEG segments, PNG chunks and HEIF items, each walked by its length
// fields with every length checked against the bytes that are there (photo_metadata.hpp).
#include "werkex/photo_metadata.hpp"

#include <array>
#include <cstdint>
#include <set>

#include "heif_items.hpp"

namespace werkex {

namespace {

Error damaged(std::string_view what, std::string_view format, const std::string& why) {
  return make_error(WX_INVALID_ARGUMENT, std::string(what) + " is a damaged " +
                                             std::string(format) + " (" + why +
                                             "): it is not stored, so that nothing it carries "
                                             "about where it was taken leaks");
}

uint32_t be(std::string_view s, size_t at, size_t n) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

bool starts(std::string_view payload, std::string_view prefix) {
  return payload.substr(0, prefix.size()) == prefix;
}

// APPn segments that only describe the picture's appearance stay; the rest is metadata.
bool keep_jpeg_segment(unsigned char marker, std::string_view payload) {
  using namespace std::string_view_literals;
  if (marker == 0xFE) return false;                 // COM
  if (marker < 0xE0 || marker > 0xEF) return true;  // not APPn: part of the image
  if (marker == 0xE0) return starts(payload, "JFIF\0"sv) || starts(payload, "JFXX\0"sv);
  if (marker == 0xE2) return starts(payload, "ICC_PROFILE\0"sv);
  if (marker == 0xEE) return starts(payload, "Adobe"sv);
  return false;
}

// Where the entropy-coded data that starts at `pos` ends: at the next marker that is not a
// stuffed 0xFF00 or a restart marker, or at the end of the bytes.
size_t end_of_scan(std::string_view in, size_t pos) {
  for (size_t i = pos; i + 1 < in.size(); ++i) {
    if (static_cast<unsigned char>(in[i]) != 0xFF) continue;
    const auto next = static_cast<unsigned char>(in[i + 1]);
    if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
      ++i;
      continue;
    }
    return i;
  }
  return in.size();
}

Result<StrippedPhoto> strip_jpeg(std::string_view in, std::string_view what) {
  StrippedPhoto out{std::string(in.substr(0, 2)), PhotoFormat::jpeg, 0};
  size_t pos = 2;
  while (pos < in.size()) {
    if (static_cast<unsigned char>(in[pos]) != 0xFF)
      return damaged(what, "JPEG", "no marker at byte " + std::to_string(pos));
    while (pos < in.size() && static_cast<unsigned char>(in[pos]) == 0xFF) ++pos;
    if (pos == in.size()) break;
    const auto marker = static_cast<unsigned char>(in[pos++]);
    if (marker == 0xD9) {  // end of image: what phones append after it goes
      out.bytes += "\xFF\xD9";
      if (pos < in.size()) ++out.removed_blocks;
      return out;
    }
    if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
      out.bytes += '\xFF';
      out.bytes += static_cast<char>(marker);
      continue;
    }
    if (pos + 2 > in.size() || be(in, pos, 2) < 2 || pos + be(in, pos, 2) > in.size())
      return damaged(what, "JPEG", "a segment at byte " + std::to_string(pos - 2) + " is cut off");
    const size_t length = be(in, pos, 2);
    if (keep_jpeg_segment(marker, in.substr(pos + 2, length - 2)))
      out.bytes.append(in.substr(pos - 2, length + 2));
    else
      ++out.removed_blocks;
    pos += length;
    if (marker == 0xDA) {  // start of scan: the coded image follows, up to the next marker
      const size_t end = end_of_scan(in, pos);
      out.bytes.append(in.substr(pos, end - pos));
      pos = end;
    }
  }
  return out;  // cut off inside the image data: nothing after it to remove
}

Result<StrippedPhoto> strip_png(std::string_view in, std::string_view what) {
  static const std::set<std::string_view> kMetadata = {"tEXt", "zTXt", "iTXt", "eXIf", "tIME"};
  StrippedPhoto out{std::string(in.substr(0, 8)), PhotoFormat::png, 0};
  size_t pos = 8;
  while (pos < in.size()) {
    if (pos + 12 > in.size() || be(in, pos, 4) > in.size() - pos - 12)
      return damaged(what, "PNG", "a chunk at byte " + std::to_string(pos) + " is cut off");
    const size_t total = 12 + be(in, pos, 4);
    const std::string_view type = in.substr(pos + 4, 4);
    if (kMetadata.count(type))
      ++out.removed_blocks;
    else
      out.bytes.append(in.substr(pos, total));
    pos += total;
    if (type == "IEND") {
      if (pos < in.size()) ++out.removed_blocks;
      return out;
    }
  }
  return damaged(what, "PNG", "it ends without its IEND chunk");
}

Result<StrippedPhoto> strip_heif(std::string bytes, std::string_view what) {
  auto ranges = heif_metadata_ranges(bytes);
  if (!ranges) return damaged(what, "HEIF image", ranges.error().message);
  StrippedPhoto out{std::move(bytes), PhotoFormat::heif, 0};
  for (const ByteRange& r : *ranges) {
    std::fill(out.bytes.begin() + static_cast<std::ptrdiff_t>(r.offset),
              out.bytes.begin() + static_cast<std::ptrdiff_t>(r.offset + r.length), '\0');
    ++out.removed_blocks;
  }
  return out;
}

}  // namespace

PhotoFormat sniff_photo_format(std::string_view head) {
  using namespace std::string_view_literals;
  if (starts(head, "\xFF\xD8\xFF"sv)) return PhotoFormat::jpeg;
  if (starts(head, "\x89PNG\r\n\x1A\n"sv)) return PhotoFormat::png;
  if (head.size() >= 12 && head.substr(4, 4) == "ftyp") {
    static const std::set<std::string_view> kBrands = {"heic", "heix", "heim", "heis", "hevc",
                                                       "mif1", "msf1", "avif", "avis"};
    if (kBrands.count(head.substr(8, 4))) return PhotoFormat::heif;
  }
  return PhotoFormat::other;
}

Result<StrippedPhoto> strip_photo_metadata(std::string bytes, std::string_view what) {
  switch (sniff_photo_format(bytes)) {
    case PhotoFormat::jpeg:
      return strip_jpeg(bytes, what);
    case PhotoFormat::png:
      return strip_png(bytes, what);
    case PhotoFormat::heif:
      return strip_heif(std::move(bytes), what);
    case PhotoFormat::other:
      break;
  }
  return StrippedPhoto{std::move(bytes), PhotoFormat::other, 0};
}

}  // namespace werkex
