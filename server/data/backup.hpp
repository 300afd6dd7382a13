// Backups of a running server's data folder, and restoring one (issue 11).
//
// SQLite's online backup API copies dossiers.db and server.db, each in one step, so each copy
// is one consistent snapshot while the server keeps writing (WAL: the copy reads a snapshot,
// writers go on). Blob files are immutable and named by their hash, so they go into one
// folder shared by all backups and only the missing ones are copied. Layout:
//   <backup dir>/<YYYYMMDDTHHMMSSmmmZ>/dossiers.db, server.db, backup.json
//   <backup dir>/blobs/<first 2 hex>/<sha>
// Invariants:
// - a dated folder exists only when complete: it is written as `.partial-<stamp>` and
//   renamed; blob files are written under a temporary name and renamed, so a killed backup
//   leaves nothing that looks whole;
// - blobs are copied after the databases are snapshotted, and a complete blob file is never
//   removed from a data folder while referenced, so every blob a snapshot references is in
//   the backup (a blob completed in between is merely extra);
// - after a new backup is complete, dated folders beyond `keep` go, oldest first; the shared
//   blob folder is never pruned (the bytes are kept at most once however many backups).
// Restoring makes a new data folder from one backup and gives its server a new epoch
// (AuthStore::renew_epoch), so a device that synced with the server after the backup notices
// at its next sync and sends all its changes again, and nothing it had is lost.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "werkex/error.hpp"
#include "werkex/merge.hpp"  // json

namespace werkex::server {

struct BackupOptions {
  std::string dir;  // where the dated folders and the shared blob folder go
  size_t keep = 7;  // dated folders kept (at least 1)
  // Called as each step starts (done 0) and goes on: "databases" n of 2, "blobs" n of N.
  std::function<void(const char* step, size_t done, size_t total)> progress;
};

struct BackupReport {
  std::string folder;  // the new dated folder
  uint64_t database_bytes = 0;
  size_t blobs_copied = 0;   // new in the shared folder
  size_t blobs_present = 0;  // already there from earlier backups
  size_t removed = 0;        // old dated folders removed (keep)
  double seconds = 0;
  json to_json() const;
};

Result<BackupReport> make_backup(const std::string& data_dir, const BackupOptions& options,
                                 uint64_t now_ms);

// Fills the new (absent or empty) `data_dir` from the dated backup folder `backup_folder`
// (its blob files from the shared folder beside it) and renews the epoch. WX_CONFLICT if
// `data_dir` holds anything; WX_NOT_FOUND if the folder is not a complete backup.
Status restore_backup(const std::string& backup_folder, const std::string& data_dir);

}  // namespace werkex::server
