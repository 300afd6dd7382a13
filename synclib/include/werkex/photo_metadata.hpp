// Photo metadata removal: a pupil's photo leaves the phone without where, when and with what
// it was taken. Cameras write the GPS position, the time, the phone's make and serial
// number, and often a preview image into EXIF, XMP and IPTC blocks; BlobStore::attach runs
// every file through strip_photo_metadata before it hashes and stores it, so the stored
// bytes, the uploaded bytes and the hash that names them are all of the stripped photo.
//
// What is kept is what the picture needs to look the same: the coded image, JPEG's JFIF
// (APP0), ICC colour profile (APP2 "ICC_PROFILE") and Adobe (APP14) segments, and every PNG
// chunk that is not text, EXIF or a timestamp. What goes:
//   JPEG  every other APPn segment (APP1 EXIF and XMP, APP2 MPF, APP13 IPTC, maker
//         segments), comments (COM), and anything after the end-of-image marker (phones
//         append second images there — depth maps, MPF pictures — each with its own EXIF);
//   PNG   tEXt, zTXt, iTXt, eXIf and tIME chunks, and anything after IEND;
//   HEIF  (HEIC/AVIF) the bytes of every Exif item and XMP item (mime application/rdf+xml)
//         are overwritten with zeros in place, so offsets stay valid and the image decodes.
// Other files (PDF, text) pass unchanged. The format is sniffed from the bytes, not from
// the name. A file that looks like one of these images but whose structure cannot be
// followed is refused (WX_INVALID_ARGUMENT): better no photo than a position leaked.
#pragma once

#include <string>
#include <string_view>

#include "werkex/error.hpp"

namespace werkex {

enum class PhotoFormat { jpeg, png, heif, other };

// The format the first bytes of a file announce.
PhotoFormat sniff_photo_format(std::string_view head);

struct StrippedPhoto {
  std::string bytes;
  PhotoFormat format = PhotoFormat::other;
  size_t removed_blocks = 0;  // segments, chunks or items removed or blanked
};

// The photo without its metadata; `what` names the file in errors.
Result<StrippedPhoto> strip_photo_metadata(std::string bytes, std::string_view what);

}  // namespace werkex
