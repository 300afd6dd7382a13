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
// State file (JSON, written atomically, last in a run):
//   {"format":"werkex-export-state","version":1,
//    "pupils":{"<id>":{"fingerprint","folder":"<group>/<pupil folder>","written_at"}},
//    "groups":{"<group folder>":{"csv":"<SHA-256 of the CSV written>"}}}
// A missing state file is an empty state (the first run writes everything); a damaged one
// too, so a damaged file costs one full run, never a wrong skip.
#pragma once

#include <map>
#include <string>

#include "werkex/error.hpp"
#include "werkex/merge.hpp"  // werkex::json

namespace werkex::exporter {

inline constexpr const char* kStateFileName = ".werkex-export-state.json";

struct PupilState {
  std::string fingerprint;
  std::string folder;  // relative to the output folder
  std::string written_at;
};

struct ExportState {
  std::map<std::string, PupilState> pupils;  // by pupil id
  std::map<std::string, std::string> csv;    // group folder -> SHA-256 of its CSV

  // The state in `out_dir` (empty when there is none or it is damaged; `damaged` says so).
  static ExportState load(const std::string& out_dir, bool* damaged = nullptr);
  // Writes it atomically (atomic_file.hpp) to `out_dir`.
  Status save(const std::string& out_dir, bool durable) const;
};

// The fingerprint described above. `settings` names every option that changes the output.
std::string dossier_fingerprint(const json& export_doc, const std::string& settings,
                                const std::string& blob_dir);

// Where the server keeps a blob's bytes: <blob_dir>/<first 2 hex>/<sha>.
std::string blob_path(const std::string& blob_dir, const std::string& sha);

}  // namespace werkex::exporter
