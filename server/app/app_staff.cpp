// What the staff dashboard needs of App beyond reads under the dossier lock: a write that is
// durable before it is answered, and the file of a blob a dossier holds (app.hpp).
#include <filesystem>

#include "app.hpp"

namespace werkex::server {

Result<json> App::write_dossiers(const std::function<Result<json>(Replica&)>& body) {
  Result<json> out = make_error(WX_INTERNAL, "not run");
  int64_t after = 0;
  {
    std::lock_guard lock(mu_);
    const int64_t before = commits_->mark();
    out = body(*dossiers_);
    after = commits_->mark();
    if (after == before) return out;  // nothing written
  }
  if (Status s = commits_->wait_durable(after); !s) {
    metrics_.add("werkex_durability_failures_total", "");
    return make_error(WX_IO, "the server could not make the write durable; send it again");
  }
  return out;
}

Result<std::string> App::held_blob_file(const std::string& bucket, const std::string& sha) {
  if (!is_valid_sha256(sha)) return make_error(WX_NOT_FOUND, "no photo " + sha);
  WX_ASSIGN_OR_RETURN(auto held, holdings_->get(bucket, sha));
  if (!held || !held->complete)
    return make_error(WX_NOT_FOUND, "this photo has not reached the server yet");
  std::string file = config_.data_dir + "/blobs/" + sha.substr(0, 2) + "/" + sha;
  if (!std::filesystem::exists(file)) return make_error(WX_NOT_FOUND, "no photo " + sha);
  return file;
}

}  // namespace werkex::server
