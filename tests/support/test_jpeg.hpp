// Hand-built JPEG files for tests that need a photo's structure without an encoder: a JFIF
// header, tables, a scan whose data has a stuffed 0xFF00 and a restart marker, and whatever
// segments a test puts before the scan (an EXIF block with a GPS text, say).
#pragma once

#include <string>
#include <vector>

namespace werkex::test {

inline std::string be16(size_t v) {
  return {char((v >> 8) & 0xFF), char(v & 0xFF)};
}
inline std::string be32(size_t v) {
  return be16(v >> 16) + be16(v & 0xFFFF);
}

// One marker segment: 0xFF, the marker, the length (payload + 2), the payload.
inline std::string jpeg_segment(unsigned char marker, const std::string& payload) {
  return std::string("\xFF") + char(marker) + be16(payload.size() + 2) + payload;
}

inline const std::string kJfifSegment =
    jpeg_segment(0xE0, std::string("JFIF\0\x01\x02\0\0\x01\0\x01\0\0", 14));
inline const std::string kQuantSegment = jpeg_segment(0xDB, std::string(65, '\x10'));
inline const std::string kFrameSegment =
    jpeg_segment(0xC0, std::string("\x08\0\x10\0\x10\x01\x01\x11\0", 9));
inline const std::string kScanHeader = jpeg_segment(0xDA, std::string("\x01\x01\0\0\x3F\0", 6));
inline const std::string kScanData = std::string("\x12\x34\xFF\x00\x56\xFF\xD0\x78\x9A", 9);

// An APP1 EXIF segment whose content is `text` (a GPS position, a camera's name).
inline std::string exif_segment(const std::string& text) {
  return jpeg_segment(0xE1, std::string("Exif\0\0", 6) + text);
}

// SOI, the segments, one scan, EOI, then `after` (what phones append after the image).
inline std::string jpeg_file(const std::vector<std::string>& before_scan,
                             const std::string& after = "") {
  std::string out = "\xFF\xD8";
  for (auto& s : before_scan) out += s;
  return out + kScanHeader + kScanData + "\xFF\xD9" + after;
}

}  // namespace werkex::test
