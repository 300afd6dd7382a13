// AccessCache: compute_access() answers kept until they could differ, because computing one
// reads the roster (a counsellor's: every pupil of the school; a pupil's: every placement),
// 10–30 ms on a 1,200-pupil school, and every sync, blob transfer and dashboard request
// needs one.
//
// Why it stays exact: compute_access(person, today, grace) reads only the person's school
// bucket (their person entity, groups, pupils, placements, signing keys). An answer is kept
// with that bucket's DossierStore::bucket_seq() and is used only while the bucket's seq, `today`
// and the grace days are the same; any write to the school bucket (a roster import, a
// placement, a key) gives the bucket a new seq, so the next request computes afresh. So a
// relation that ends ends for the very next request, as without the cache. A supervisor's
// answer also holds her view of each pupil's dossier (pupil_view.hpp), which follows the
// links inside that dossier: it is kept with each such dossier's seq too, so an experience
// linked to (or unlinked from) her placement's activity changes her view at the next request.
// A pupil's answer names the signers of the sign-offs in their own dossier (signers_in()):
// it is kept with that set, read again (one indexed query) at each request, so the pupil's
// own entries do not make it recomputed.
// Errors (someone unknown or gone) are never kept. An answer is handed out as a shared
// pointer to the kept Access (no copy per request); a recomputed answer replaces the kept
// pointer, so one already handed out stays what it was.
// Memory: one Access per person asked for (a counsellor's lists every pupil's bucket);
// dropped wholesale past kMaxEntries. Not thread-safe, like the DossierStore it reads: use it
// under the dossier lock (App::dossier_mutex()).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "access.hpp"

namespace werkex::server {

using AccessPtr = std::shared_ptr<const Access>;

class AccessCache {
 public:
  static constexpr size_t kMaxEntries = 20000;

  Result<AccessPtr> get(const DossierStore& dossiers, const std::string& person,
                        const std::string& today, int supervisor_grace_days);

  uint64_t computed() const { return computed_; }  // compute_access calls made (tests)

 private:
  struct Entry {
    std::string today;
    int grace_days = 0;
    uint64_t bucket_seq = 0;
    std::map<std::string, uint64_t> view_seqs;  // dossier -> its seq, for each pupil view
    std::set<std::string> signers;              // a pupil's: signers_in() their dossier
    AccessPtr access;
  };
  std::map<std::string, Entry> entries_;  // by person
  uint64_t computed_ = 0;

  static Result<bool> still_exact(const DossierStore& dossiers, const Entry& e);
};

}  // namespace werkex::server
