// Bringing a file into the blob store (private to synclib): the copy attach() makes, hashed
// as it is written, named by its hash only once complete and flushed. Photos lose their
// metadata on the way in (photo_metadata.hpp), so the hash is of the stripped bytes.
#pragma once

#include <cstdint>
#include <string>

#include "werkex/error.hpp"

namespace werkex::blobfs {

struct StoredCopy {
  std::string sha;
  uint64_t size = 0;
  bool fresh = false;  // the store did not have these bytes before (undo removes them)
};

// Copies `file_path` into `dir` ("<dir>/tmp/" must exist) as "<dir>/<sha>". Errors leave
// nothing behind: WX_NOT_FOUND (no file), WX_INVALID_ARGUMENT (not a regular file, a damaged
// photo), WX_TOO_LARGE (over max_size, before or after stripping), WX_IO.
Result<StoredCopy> copy_into_store(const std::string& dir, const std::string& file_path,
                                   uint64_t max_size);

}  // namespace werkex::blobfs
