// Photo renditions for the staff dashboard, cached on disk (pupil_photos.hpp).
#include "pupil_photos.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "export/atomic_file.hpp"
#include "export/thumbnails.hpp"

namespace werkex::server {

Result<Photo> PupilPhotos::rendition(const std::string& file, const std::string& sha, int px) {
  if (sha.size() != 64 || sha.find_first_not_of("0123456789abcdef") != std::string::npos)
    return make_error(WX_INVALID_ARGUMENT, "not a photo hash: " + sha);
  const std::string name = sha + "-" + std::to_string(px);
  const std::string folder = dir_ + "/" + sha.substr(0, 2);
  const std::string path = folder + "/" + name + ".jpg";
  Photo out;
  out.etag = "\"" + name + "\"";
  if (std::ifstream in{path, std::ios::binary}) {
    std::ostringstream bytes;
    bytes << in.rdbuf();
    out.jpeg = bytes.str();
    if (!out.jpeg.empty()) return out;
  }
  WX_ASSIGN_OR_RETURN(out.jpeg, exporter::jpeg_thumbnail(file, px));
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) return make_error(WX_IO, "cannot create " + folder + ": " + ec.message());
  // Not fsync'ed: a rendition lost in a power cut is made again on the next request.
  WX_RETURN_IF_ERROR(exporter::write_file_atomically(path, out.jpeg, false));
  return out;
}

}  // namespace werkex::server
