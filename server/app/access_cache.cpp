// The cache of compute_access() answers (access_cache.hpp).
#include "access_cache.hpp"

namespace werkex::server {

Result<Access> AccessCache::get(const Replica& dossiers, const std::string& person,
                                const std::string& today, int supervisor_grace_days) {
  auto it = entries_.find(person);
  if (it != entries_.end() && it->second.today == today &&
      it->second.grace_days == supervisor_grace_days) {
    WX_ASSIGN_OR_RETURN(uint64_t seq, dossiers.bucket_seq(it->second.access.school_bucket));
    if (seq == it->second.bucket_seq) return it->second.access;
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
  if (access->school_bucket != bucket) return access;  // not what was checked: keep nothing
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_[person] = {today, supervisor_grace_days, seq, *access};
  return access;
}

}  // namespace werkex::server
