// The dossier part of the nightly school sync (issue 11, "Dossiers out"): every pupil's
// export written to the school's archive folder, only when it changed since the last run.
//
//   <out>/<group>/<family name, given name> (<id suffix>)/dossier.json   (dossier_export.hpp)
//   <out>/<group>/<family name, given name> (<id suffix>)/photos/<sha>.<ext>
//   <out>/<group>/<family name, given name> (<id suffix>)/portfolio.html (portfolio_html.hpp)
//   <out>/<group>/voortgang.csv                                          (progress_csv.hpp)
//   <out>/.werkex-export-state.json                                      (export_state.hpp)
// Folder names: pupil_folder.hpp. A pupil in several groups is filed under the first of
// their groups by name, and listed in that group's CSV only, so a group's CSV lists exactly
// the pupils whose folders are beside it. A pupil in no group goes to "Zonder klas".
//
// Invariants:
// - only changed dossiers are written (export_state.hpp says what "changed" means); with
//   `force`, every selected one. After a run on the same history, only the pupils the
//   store's changes since then may touch are read at all (export_state.hpp);
// - every file is written atomically (atomic_file.hpp): a killed run leaves old or new files,
//   never half ones; photos are copied once (named by content, never rewritten);
// - the state file is written last, and records only what was written completely: a run
//   killed before it re-exports, the next night, what it had done (harmless, same bytes);
// - a pupil whose files cannot be written is counted as failed, with the reason, keeps their
//   previous state (so the next run tries again) and the run goes on with the others. The
//   caller maps any failure to the exit code "partly failed export";
// - pupils who left (status left) are exported like everyone else, and no folder is ever
//   deleted: a pupil whose folder name changed (renamed, moved group) has the old folder
//   moved to the new name when the new one does not exist yet, else the old one is left;
// - a group's CSV is rewritten when its content changes (or the file is missing).
// Reads `dossiers` only (list, get, field_states), and only on the calling thread, so it may
// run beside the server writing the same database (SQLite WAL); `options.threads` workers
// write the files. export_dossiers() itself is not to be called concurrently on one store.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "werkex/error.hpp"
#include "werkex/store.hpp"

namespace werkex::exporter {

struct ExportOptions {
  std::vector<std::string> only;  // pupil ids to export; empty: every pupil
  // Only the pupils whose person is in this school bucket; "" every pupil. A deployment of
  // several schools exports each into a folder of its own (App::export_now).
  std::string school_bucket;
  uint64_t now_ms = 0;       // exported_at; 0: the system clock
  int thumbnail_px = 480;    // longest side of the portfolio's photos
  char csv_separator = ';';  // ';' for Dutch Excel, ',' elsewhere
  bool csv_bom = true;
  bool durable = true;  // fsync every file and folder (off only for tests and benchmarks)
  bool force = false;   // write every selected dossier, changed or not
  // Names the store's history (the server's epoch, renewed by a restore from backup): a
  // state file counted in another history is not trusted to say what changed.
  std::string history;
  // Names the store whose sequence the state's seq counts in: a Replica's replica id
  // (export_dossiers on a Replica fills it in when empty), or the engine for a database
  // whose cursors are its own whoever reads them ("postgres").
  std::string store;
  // Worker threads that make the thumbnails, pages and files of changed dossiers; the
  // database is read on the calling thread meanwhile. 2: the school server's two cores.
  size_t threads = 2;
  // How much nicer the workers run than the caller (work_queue.hpp): inside the sync server
  // the phones' requests come first and the export takes the cores they leave.
  int worker_nice = 10;
  // Called after each pupil (done of total), for the caller's progress lines.
  std::function<void(size_t done, size_t total)> progress;
};

struct ExportFailure {
  std::string pupil;   // id ("" for a group's CSV)
  std::string folder;  // relative to the output folder
  std::string reason;
};

struct ExportReport {
  size_t pupils = 0;     // pupils looked at (selected)
  size_t written = 0;    // dossiers written
  size_t unchanged = 0;  // selected and not changed
  // Dossiers built and fingerprinted; the others were known unchanged from the store's
  // changes since the last run (export_state.hpp) without being read.
  size_t examined = 0;
  std::vector<ExportFailure> failed;
  size_t photos_copied = 0;
  size_t csv_written = 0;
  double seconds = 0;
  bool state_was_damaged = false;  // the state file did not parse: everything was written
  // {"pupils","written","unchanged","failed":[{"pupil","folder","reason"}],
  //  "examined","photos_copied","csv_written","seconds","state_was_damaged"}
  json to_json() const;
  // Adds the figures of `other`, a run into the subfolder `folder` ("" this folder; its
  // failures' folders are named from here).
  void add(const ExportReport& other, const std::string& folder);
};

// Runs the export of `dossiers` (the server's dossiers.db) with photos from `blob_dir`
// (<data>/blobs) into `out_dir` (created if needed). An error only when the run cannot
// start or finish at all (libvips does not start, the output folder or the state file
// cannot be written, the database cannot be read); per-pupil failures are in the report.
Result<ExportReport> export_dossiers(const EntityReader& dossiers, const std::string& blob_dir,
                                     const std::string& out_dir, const ExportOptions& options);
// The same over a synclib Replica (options.store: its replica id unless given).
Result<ExportReport> export_dossiers(const Replica& dossiers, const std::string& blob_dir,
                                     const std::string& out_dir, ExportOptions options);

}  // namespace werkex::exporter
