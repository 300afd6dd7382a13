// Photo metadata removal (werkex/photo_metadata.hpp) on hand-built JPEG, PNG and HEIF files
// whose metadata blocks carry a marker string: whatever the layout, the marker never survives
// and every block the picture needs comes through byte for byte. Real camera files (libvips,
// with GPS tags) are tested through BlobStore in tests/export/photo_privacy_test.cpp.
#include <catch2/catch.hpp>

#include <random>

#include "test_jpeg.hpp"
#include "werkex/photo_metadata.hpp"

using namespace werkex;

namespace {

const std::string kSecret = "GPS 52.0905 5.1214 Utrecht";

using test::be16;
using test::be32;
using test::kScanData;
using test::kScanHeader;

std::string segment(unsigned char marker, const std::string& payload) {
  return test::jpeg_segment(marker, payload);
}
const std::string& kJfif = test::kJfifSegment;
const std::string& kQuant = test::kQuantSegment;
const std::string& kFrame = test::kFrameSegment;
std::string exif_block() {
  return test::exif_segment(kSecret);
}
std::string jpeg(const std::vector<std::string>& before_scan, const std::string& after = "") {
  return test::jpeg_file(before_scan, after);
}

std::string chunk(const std::string& type, const std::string& data) {
  return be32(data.size()) + type + data + "CRC!";
}

std::string png(const std::vector<std::string>& chunks) {
  std::string out = "\x89PNG\r\n\x1A\n";
  for (auto& c : chunks) out += c;
  return out;
}

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("photos: a JPEG loses its EXIF, comments and appended images, nothing else",
          "[unit][photo]") {
  const std::string icc = segment(0xE2, std::string("ICC_PROFILE\0\x01\x01", 14) + "colours");
  const std::string xmp = segment(0xE1, "http://ns.adobe.com/xap/1.0/\0" + kSecret);
  const std::string comment = segment(0xFE, kSecret);
  const std::string iptc = segment(0xED, "Photoshop 3.0\0" + kSecret);
  const std::string mpf = segment(0xE2, std::string("MPF\0", 4) + kSecret);
  const std::string second = jpeg({exif_block(), kQuant, kFrame});  // a phone's depth map
  auto out = strip_photo_metadata(
      jpeg({kJfif, exif_block(), icc, xmp, kQuant, comment, iptc, mpf, kFrame}, second),
      "IMG_0042.jpg");
  REQUIRE(out);
  CHECK(out->format == PhotoFormat::jpeg);
  CHECK(out->removed_blocks == 6);
  CHECK_FALSE(contains(out->bytes, kSecret));
  CHECK(out->bytes == jpeg({kJfif, icc, kQuant, kFrame}));
}

TEST_CASE("photos: a progressive JPEG keeps every scan and table between them", "[unit][photo]") {
  const std::string huffman = segment(0xC4, std::string(20, '\x01'));
  std::string file = "\xFF\xD8" + kJfif + kQuant + kFrame + kScanHeader + kScanData + huffman +
                     exif_block() + kScanHeader + kScanData + "\xFF\xD9";
  auto out = strip_photo_metadata(file, "p.jpg");
  REQUIRE(out);
  CHECK(out->bytes == "\xFF\xD8" + kJfif + kQuant + kFrame + kScanHeader + kScanData + huffman +
                          kScanHeader + kScanData + "\xFF\xD9");
}

TEST_CASE("photos: a damaged JPEG or PNG header is refused with the file's name",
          "[unit][photo][errors]") {
  std::string cut = jpeg({kJfif, exif_block()});
  cut.resize(2 + kJfif.size() + 10);  // inside the EXIF segment
  auto out = strip_photo_metadata(cut, "kapot.jpg");
  REQUIRE_FALSE(out);
  CHECK(out.error().code == WX_INVALID_ARGUMENT);
  CHECK(contains(out.error().message, "kapot.jpg is a damaged JPEG"));
  CHECK(contains(out.error().message, "cut off"));

  auto no_end = strip_photo_metadata(png({chunk("IHDR", std::string(13, '\1'))}), "half.png");
  REQUIRE_FALSE(no_end);
  CHECK(contains(no_end.error().message, "without its IEND"));
  auto bad_length = strip_photo_metadata(png({be32(1u << 30) + "IDAT" + "xx"}), "groot.png");
  REQUIRE_FALSE(bad_length);
  CHECK(contains(bad_length.error().message, "cut off"));
}

TEST_CASE("photos: a PNG loses its text, EXIF and time chunks", "[unit][photo]") {
  const std::string header = chunk("IHDR", std::string(13, '\1'));
  const std::string image = chunk("IDAT", "pixels"), end = chunk("IEND", "");
  auto out = strip_photo_metadata(
      png({header, chunk("eXIf", kSecret), chunk("tEXt", kSecret), image, chunk("iTXt", kSecret),
           chunk("tIME", "1234567"), end, chunk("zTXt", kSecret)}),
      "scherm.png");
  REQUIRE(out);
  CHECK(out->format == PhotoFormat::png);
  CHECK(out->bytes == png({header, image, end}));
  CHECK(out->removed_blocks == 5);
}

TEST_CASE("photos: files that are no photo pass unchanged", "[unit][photo]") {
  for (std::string file : {std::string("%PDF-1.7 ") + kSecret, std::string(), std::string("\xFF"),
                           std::string("\xFF\xD8")}) {
    auto out = strip_photo_metadata(file, "x");
    REQUIRE(out);
    CHECK(out->bytes == file);
  }
}

namespace {

std::string box(const std::string& type, const std::string& body) {
  return be32(body.size() + 8) + type + body;
}
std::string full_box(const std::string& type, int version, const std::string& body) {
  return box(type, std::string(1, char(version)) + std::string(3, '\0') + body);
}

// ftyp, meta (iinf with an hvc1 image item 1, an Exif item 2 and an XMP item 3; iloc), mdat.
std::string heic(const std::string& exif, const std::string& xmp, const std::string& image) {
  const std::string items = be16(3) +
                            full_box("infe", 2, be16(1) + be16(0) + "hvc1" + std::string(1, '\0')) +
                            full_box("infe", 2, be16(2) + be16(0) + "Exif" + std::string(1, '\0')) +
                            full_box("infe", 2,
                                     be16(3) + be16(0) + "mime" + std::string(1, '\0') +
                                         "application/rdf+xml" + std::string(1, '\0'));
  const std::string ftyp = box("ftyp", "heic" + be32(0) + "mif1heic");
  auto meta_with = [&](size_t mdat_body) {
    auto loc = [&](size_t id, size_t off, size_t len) {
      return be16(id) + be16(0) + be16(1) + be32(mdat_body + off) + be32(len);
    };
    const std::string iloc =  // version 0: offset 4, length 4, base 0 bytes
        full_box("iloc", 0,
                 "\x44" + std::string(1, '\0') + be16(3) + loc(1, 0, image.size()) +
                     loc(2, image.size(), exif.size()) +
                     loc(3, image.size() + exif.size(), xmp.size()));
    return full_box("meta", 0,
                    full_box("hdlr", 0, std::string(20, 'h')) + full_box("iinf", 0, items) + iloc);
  };
  const size_t meta_size = meta_with(0).size();
  return ftyp + meta_with(ftyp.size() + meta_size + 8) + box("mdat", image + exif + xmp);
}

}  // namespace

TEST_CASE("photos: a HEIC's Exif and XMP items are blanked in place", "[unit][photo]") {
  const std::string image = "hevc image bytes",
                    exif = std::string("\0\0\0\6Exif\0\0", 10) + kSecret,
                    xmp = "<x:xmpmeta>" + kSecret + "</x:xmpmeta>";
  const std::string file = heic(exif, xmp, image);
  auto out = strip_photo_metadata(file, "IMG_0001.HEIC");
  REQUIRE(out);
  CHECK(out->format == PhotoFormat::heif);
  CHECK(out->removed_blocks == 2);
  REQUIRE(out->bytes.size() == file.size());  // offsets stay valid
  CHECK_FALSE(contains(out->bytes, kSecret));
  CHECK(contains(out->bytes, image));
  CHECK(out->bytes == heic(std::string(exif.size(), '\0'), std::string(xmp.size(), '\0'), image));

  std::string cut = file.substr(0, file.size() - 5);  // the XMP item now lies outside the file
  auto refused = strip_photo_metadata(cut, "IMG_0002.HEIC");
  REQUIRE_FALSE(refused);
  CHECK(contains(refused.error().message, "IMG_0002.HEIC is a damaged HEIF image"));
}

// Property: random layouts of image and metadata segments, then random cuts: whatever comes
// out carries no metadata marker, and an intact file keeps exactly its image segments.
TEST_CASE("photos: no layout or damage lets metadata through", "[unit][photo][property]") {
  std::mt19937 rng(1312);
  const std::vector<std::string> meta = {exif_block(), segment(0xFE, kSecret),
                                         segment(0xEB, kSecret), segment(0xE1, kSecret)};
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::string> parts, kept;
    for (int n = rng() % 8; n-- > 0;) {
      const bool is_meta = rng() % 2;
      const std::string& s = is_meta ? meta[rng() % meta.size()] : (rng() % 2 ? kQuant : kFrame);
      parts.push_back(s);
      if (!is_meta) kept.push_back(s);
    }
    std::string file = jpeg(parts, rng() % 3 ? "" : jpeg({exif_block()}));
    auto clean = strip_photo_metadata(file, "f.jpg");
    REQUIRE(clean);
    CHECK(clean->bytes == jpeg(kept));
    // Cut anywhere: refused, or (cut inside the image data) nothing of the metadata left.
    std::string cut = file.substr(0, rng() % (file.size() + 1));
    if (sniff_photo_format(cut) == PhotoFormat::jpeg)
      if (auto out = strip_photo_metadata(cut, "f.jpg")) CHECK_FALSE(contains(out->bytes, kSecret));
    // A flipped byte can turn metadata into what looks like image data, which then stays:
    // only that the reader stays within the bytes is asserted (the sanitizer build checks).
    file[rng() % file.size()] = char(rng());
    (void)strip_photo_metadata(file, "f.jpg");
  }
}
