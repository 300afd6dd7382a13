// The dashboard's per-pupil cache: each pupil's dossier export and summary
// (pupil_summary.hpp), computed when first asked for and kept until something it was made
// from changes, so a page never recomputes a whole school, nor even a whole group, per
// request (issue 12, "Speed").
//
// How it stays correct: the store numbers every stored change (last_seq), and on every engine
// a reader that has seen N has seen every change at or below N. refresh() reads
// changes_since(the seq it has seen) and marks dirty (a) every pupil whose bucket
// "pupil:<id>" changed, and (b) for a change in a school bucket, every pupil whose summary
// depends on that entity (PupilSummary::depends_on: the keys of export_dependencies.hpp,
// plus the companies that give its activities their sectors). A dirty
// pupil is recomputed on its next use; nothing else is. recomputations() counts them, so
// tests can prove that a change to one pupil recomputes only that pupil.
//
// Invariant: after refresh(), entry(p) equals what a fresh cache would compute for p.
// Memory: one export per pupil asked for (a few KB to tens of KB each).
// Not thread-safe, and neither is the store: call it under the lock that guards the
// server's dossier store (App::dossier_mutex()). Reads only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "pupil_summary.hpp"

namespace werkex::dashboard {

struct PupilEntry {
  json export_doc;  // export_dossier() of the pupil (exported_at: 0)
  PupilSummary summary;
};

class SummaryCache {
 public:
  explicit SummaryCache(const EntityReader& dossiers) : r_(dossiers) {}

  const EntityReader& dossiers() const { return r_; }
  // Catches up with the store's changes (marks dirty; recomputes nothing).
  Status refresh();
  // The pupil's entry, recomputed if missing or dirty. Call refresh() first (the pages do).
  // WX_NOT_FOUND / WX_INVALID_ARGUMENT as export_dossier() gives them.
  Result<std::shared_ptr<const PupilEntry>> entry(const std::string& pupil);

  // The active pupils of a group (group_overview.hpp's group_pupils), kept until a person or
  // group of the school bucket changes: listing them is a scan of the roster.
  Result<std::vector<std::string>> group_pupils(const std::string& school_bucket,
                                                const std::string& group);

  uint64_t recomputations() const { return recomputations_; }
  uint64_t seen_seq() const { return seen_; }

 private:
  void mark_dirty(const std::string& key);
  Status note_school_change(const std::string& entity, const std::string& type);

  const EntityReader& r_;
  uint64_t seen_ = 0;
  uint64_t recomputations_ = 0;
  std::map<std::string, std::shared_ptr<const PupilEntry>> entries_;
  std::set<std::string> dirty_;
  std::map<std::string, std::set<std::string>> dependents_;  // key -> pupils
  std::map<std::string, std::vector<std::string>> members_;  // group -> active pupils
};

}  // namespace werkex::dashboard
