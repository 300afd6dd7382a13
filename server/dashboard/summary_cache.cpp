// The per-pupil cache (summary_cache.hpp).
#include "summary_cache.hpp"

#include "export/dossier_export.hpp"
#include "export/export_dependencies.hpp"
#include "export/portfolio_view.hpp"
#include "group_overview.hpp"

namespace werkex::dashboard {

void SummaryCache::mark_dirty(const std::string& key) {
  auto it = dependents_.find(key);
  if (it == dependents_.end()) return;
  dirty_.insert(it->second.begin(), it->second.end());
}

Status SummaryCache::note_school_change(const std::string& entity, const std::string& type) {
  WX_ASSIGN_OR_RETURN(auto keys, exporter::change_keys(r_, entity, type));
  for (const std::string& key : keys) mark_dirty(key);
  return Status::ok();
}

Status SummaryCache::refresh() {
  const uint64_t last = r_.last_seq();
  if (last == seen_) return Status::ok();
  if (entries_.empty() && members_.empty()) {  // nothing cached: nothing to invalidate
    seen_ = last;
    return Status::ok();
  }
  WX_ASSIGN_OR_RETURN(Bundle changes, r_.changes_since(seen_));
  std::set<std::pair<std::string, std::string>> school;  // (entity, type), once each
  for (const Change& c : changes.changes) {
    const std::string pupil = exporter::pupil_of_bucket(c.bucket);
    if (!pupil.empty()) {
      if (entries_.count(pupil)) dirty_.insert(pupil);
    } else {
      school.emplace(c.entity, c.type);
      if (c.type == "person" || c.type == "group") members_.clear();
    }
  }
  for (const auto& [entity, type] : school) WX_RETURN_IF_ERROR(note_school_change(entity, type));
  seen_ = changes.upto_seq > seen_ ? changes.upto_seq : last;
  return Status::ok();
}

Result<std::shared_ptr<const PupilEntry>> SummaryCache::entry(const std::string& pupil) {
  auto it = entries_.find(pupil);
  if (it != entries_.end() && !dirty_.count(pupil)) return it->second;
  if (entries_.empty() && members_.empty()) seen_ = r_.last_seq();  // refresh() skipped
  WX_ASSIGN_OR_RETURN(json x, exporter::export_dossier(r_, pupil, 0));
  WX_ASSIGN_OR_RETURN(PupilSummary s, summarise(r_, x));
  if (it != entries_.end())
    for (const std::string& key : it->second->summary.depends_on) dependents_[key].erase(pupil);
  for (const std::string& key : s.depends_on) dependents_[key].insert(pupil);
  auto made = std::make_shared<const PupilEntry>(PupilEntry{std::move(x), std::move(s)});
  entries_[pupil] = made;
  dirty_.erase(pupil);
  ++recomputations_;
  return made;
}

Result<std::vector<std::string>> SummaryCache::group_pupils(const std::string& school_bucket,
                                                            const std::string& group) {
  auto it = members_.find(group);
  if (it != members_.end()) return it->second;
  if (entries_.empty() && members_.empty()) seen_ = r_.last_seq();
  WX_ASSIGN_OR_RETURN(auto ids, dashboard::group_pupils(r_, school_bucket, group));
  members_[group] = ids;
  return ids;
}

}  // namespace werkex::dashboard
