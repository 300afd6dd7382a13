// The cache of compute_access() answers (access_cache.hpp).
#include "access_cache.hpp"

namespace werkex::server {

Result<AccessPtr> AccessCache::get(const DossierStore& dossiers, const std::string& person,
                                   const std::string& today, int supervisor_grace_days) {
  auto it = entries_.find(person);
  if (it != entries_.end() && it->second.today == today &&
      it->second.grace_days == supervisor_grace_days) {
    WX_ASSIGN_OR_RETURN(bool exact, still_exact(dossiers, it->second));
    if (exact) return it->second.access;
  }
  // The bucket's seq before reading it: a write in between makes the next request recompute.
  auto me = dossiers.get(person);
  const std::string bucket = me ? me->value("bucket", "") : std::string();
  WX_ASSIGN_OR_RETURN(uint64_t seq, dossiers.bucket_seq(bucket));
  ++computed_;
  auto access = compute_access(dossiers, person, today, supervisor_grace_days);
  if (!access) {
    entries_.erase(person);
    return access.error();
  }
  auto shared = std::make_shared<const Access>(std::move(*access));
  if (shared->school_bucket != bucket) return shared;  // not what was checked: keep nothing
  // The store is used under one lock, so nothing was written to these dossiers since the
  // views were read from them: their seqs now are the seqs the views were computed at.
  std::map<std::string, uint64_t> view_seqs;
  for (const auto& [dossier, view] : shared->pupil_views) {
    WX_ASSIGN_OR_RETURN(view_seqs[dossier], dossiers.bucket_seq(dossier));
  }
  std::set<std::string> signers;
  if (!shared->own_bucket().empty()) {
    WX_ASSIGN_OR_RETURN(signers, signers_in(dossiers, shared->own_bucket()));
  }
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_[person] = {today, supervisor_grace_days, seq, std::move(view_seqs), std::move(signers),
                      shared};
  return shared;
}

Result<bool> AccessCache::still_exact(const DossierStore& dossiers, const Entry& e) {
  WX_ASSIGN_OR_RETURN(uint64_t seq, dossiers.bucket_seq(e.access->school_bucket));
  if (seq != e.bucket_seq) return false;
  for (const auto& [dossier, at] : e.view_seqs) {
    WX_ASSIGN_OR_RETURN(uint64_t now, dossiers.bucket_seq(dossier));
    if (now != at) return false;
  }
  if (e.access->own_bucket().empty()) return true;
  WX_ASSIGN_OR_RETURN(auto signers, signers_in(dossiers, e.access->own_bucket()));
  return signers == e.signers;
}

}  // namespace werkex::server
