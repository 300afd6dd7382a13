// Writing the export's files so that a killed run never leaves a half file: every file is
// written to a temporary name in its own folder and renamed over the final name, which
// POSIX makes atomic. A reader (or the next run) sees the old file or the new one.
//
// Invariants:
// - the temporary file is ".<name>.tmp-<random>" beside the target (same file system, so
//   rename is atomic) and is removed again on every failure (posix::write_file_atomically);
// - with `durable`, the file is fsync'ed before the rename and the folder after it, so the
//   new content also survives a power cut, not only a killed process;
// - no function throws: failures name the path and the system's reason, WX_IO (WX_NOT_FOUND
//   when write_file_atomically's folder does not exist; see posix_file.hpp).
// Safe to call from several threads for different targets.
#pragma once

#include <string>
#include <string_view>

#include "werkex/error.hpp"

namespace werkex::exporter {

// Replaces (or creates) `path` with `bytes`.
Status write_file_atomically(const std::string& path, std::string_view bytes, bool durable);

// Copies `from` to `to` unless `to` exists with the same size (the export's photos are named
// by their content hash, so a file of that name and size is that photo). Returns whether it
// copied. WX_NOT_FOUND when `from` does not exist.
Result<bool> copy_file_once(const std::string& from, const std::string& to, bool durable);

}  // namespace werkex::exporter
