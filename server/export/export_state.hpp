// What the last export run wrote, kept in <out>/.werkex-export-state.json, so the next run
// writes only what changed, and the fingerprint that decides "changed".
//
// Fingerprint of a pupil's dossier: SHA-256 (hex) of
//   "werkex-export-fingerprint:v1\n" + <the run's output settings> + "\n" +
//   <the dossier export without exported_at, dumped canonically (keys sorted)> + "\n" +
//   "missing:<sha>\n" for every photo whose file is not (yet) on the server.
// It is taken over what would be written rather than over the bucket alone, because the
// export shows more than the bucket: a renamed group, a supervisor's new name, a revoked
// signing key (which turns sign-offs invalid) or a placement's dates all change the files,
// and must re-export them; a photo arriving on the server later does too. Building the
// export to fingerprint it costs a few milliseconds; the thumbnails and the page, which cost
// far more, are made only for dossiers whose fingerprint changed.
//
// Which pupils to look at: with a state from an earlier run on the same history (its
// "basis": the store's replica id, the server's epoch, the output settings, the schema), the
// run reads the store's changes since the state's "seq" and builds the export of only the
// pupils those changes may alter (export_dependencies.hpp: their bucket changed, or a
// school-bucket entity their export was made from), plus every pupil marked "recheck" (a
// failed write, a photo not on the server yet), not in the state, or whose folder moved or
// is gone. Everyone else is unchanged without being read, and their CSV row is the one kept
// in the state. Without such a state (first run, other basis, damaged file, `force`), every
// pupil's export is built and fingerprinted.
//
// State file (JSON, written atomically, last in a run):
//   {"format":"werkex-export-state","version":2,"basis":"<…>","seq":<store seq at run start>,
//    "pupils":{"<id>":{"fingerprint","folder":"<group>/<pupil folder>","written_at",
//                      "depends_on":[keys],"csv_row":"<the pupil's CSV line, no CRLF>",
//                      "recheck":bool}},
//    "groups":{"<group folder>":{"csv":"<SHA-256 of the CSV written>"}}}
// Version 1 (no basis, seq, depends_on, csv_row) is read as a state without a usable seq.
// A missing state file is an empty state (the first run writes everything); a damaged one
// too, so a damaged file costs one full run, never a wrong skip.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "werkex/error.hpp"
#include "werkex/merge.hpp"  // werkex::json

namespace werkex::exporter {

inline constexpr const char* kStateFileName = ".werkex-export-state.json";

struct PupilState {
  std::string fingerprint;
  std::string folder;  // relative to the output folder
  std::string written_at;
  std::set<std::string> depends_on;  // export_dependencies() of the export fingerprinted
  std::string csv_row;               // its line in the group's CSV, without CRLF
  bool recheck = false;              // build and fingerprint it next run, changed or not
};

struct ExportState {
  std::map<std::string, PupilState> pupils;  // by pupil id
  std::map<std::string, std::string> csv;    // group folder -> SHA-256 of its CSV
  std::string basis;  // what `seq` is counted in (see above); "" when unknown
  uint64_t seq = 0;   // the store's last_seq() when the run that wrote this started

  // The state in `out_dir` (empty when there is none or it is damaged; `damaged` says so).
  static ExportState load(const std::string& out_dir, bool* damaged = nullptr);
  // Writes it atomically (atomic_file.hpp) to `out_dir`.
  Status save(const std::string& out_dir, bool durable) const;
};

// The fingerprint described above. `settings` names every option that changes the output.
// `photos_missing`, when given, is set when a photo's file is not on the server (yet).
std::string dossier_fingerprint(const json& export_doc, const std::string& settings,
                                const std::string& blob_dir, bool* photos_missing = nullptr);

// Where the server keeps a blob's bytes: <blob_dir>/<first 2 hex>/<sha>.
std::string blob_path(const std::string& blob_dir, const std::string& sha);

}  // namespace werkex::exporter
