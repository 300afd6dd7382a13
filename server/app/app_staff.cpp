// What the staff dashboard needs of App beyond reads under the dossier lock and write_as
// (staff_write.cpp): the file of a blob a dossier holds (app.hpp).
#include <filesystem>

#include "app.hpp"

namespace werkex::server {

Result<std::string> App::held_blob_file(const std::string& bucket, const std::string& sha) {
  if (!is_valid_sha256(sha)) return make_error(WX_NOT_FOUND, "no photo " + sha);
  WX_ASSIGN_OR_RETURN(auto held, holdings_->get(bucket, sha));
  if (!held || !held->complete)
    return make_error(WX_NOT_FOUND, "this photo has not reached the server yet");
  std::string file = config_.blobs() + "/" + sha.substr(0, 2) + "/" + sha;
  if (!std::filesystem::exists(file)) return make_error(WX_NOT_FOUND, "no photo " + sha);
  return file;
}

}  // namespace werkex::server
