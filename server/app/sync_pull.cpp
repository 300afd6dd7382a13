// SyncService's pull side (sync_service.hpp): one page per readable bucket, filtered to what
// this person may see and what this device does not already hold.
#include <algorithm>
#include <map>
#include <string_view>
#include <tuple>

#include "entry_days.hpp"
#include "sync_service.hpp"

namespace werkex::server {

// No echo: a field whose server state is exactly what this device just sent is one it
// already holds (its own state can only have grown since), so it is left out of the pull.
class SyncService::EchoFilter {
 public:
  explicit EchoFilter(const Pushed& pushed) {
    for (const auto* list : {&pushed.stored, &pushed.held})
      for (const Change& c : *list) sent_.emplace(key_of(c), &c.state);
  }

  bool is_echo(const Change& c) const {
    if (sent_.empty()) return false;
    auto it = sent_.find(key_of(c));
    return it != sent_.end() && *it->second == c.state;
  }

 private:
  // Entity, field, and the element of a set or list field ("" for a plain field).
  using Key = std::tuple<std::string_view, std::string_view, std::string>;
  static Key key_of(const Change& c) {
    return Key(c.entity, c.field, c.element.is_null() ? std::string() : c.element.dump());
  }
  std::map<Key, const FieldState*> sent_;  // points into the Pushed it was made from
};

namespace {

// The view digest of a bucket this person sees filtered (access.hpp); null when they see it
// whole.
const std::string* view_of(const Access& access, const std::string& bucket) {
  if (bucket == access.school_bucket && access.school_entities) return &access.school_view;
  if (auto pv = access.pupil_views.find(bucket); pv != access.pupil_views.end())
    return &pv->second.digest;
  return nullptr;
}

}  // namespace

Status SyncService::pull(const Device& device, const Access& access,
                         const protocol::SyncRequest& request, const Pushed& pushed,
                         protocol::SyncResponse& out) {
  const EchoFilter echoes(pushed);
  const size_t limit =
      request.limit ? std::min(request.limit, limits_.max_page_limit) : limits_.default_page_limit;
  for (const std::string& bucket : access.read)
    WX_RETURN_IF_ERROR(pull_bucket(device, access, request, bucket, echoes, limit, out));
  for (const auto& [bucket, cursor] : request.cursors)
    if (!access.read.count(bucket)) out.revoked.push_back(bucket);
  return Status::ok();
}

// A filtered bucket's view names the set of its entities this user sees (access.hpp). When
// it grows (a new placement brings a company, a supervisor and their key; an experience is
// linked to her placement's activity) the device's cursor is past those entities' seqs, so
// a changed view pulls that bucket again from 0; the device then purges what it held of the
// bucket (sync_session.cpp), which is how what left the view leaves the device.
Status SyncService::pull_bucket(const Device& device, const Access& access,
                                const protocol::SyncRequest& request, const std::string& bucket,
                                const EchoFilter& echoes, size_t limit,
                                protocol::SyncResponse& out) {
  const auto known = request.cursors.find(bucket);
  uint64_t cursor = known == request.cursors.end() ? 0 : known->second;
  const std::string* view = view_of(access, bucket);
  bool view_changed = false;
  if (view) {
    auto seen = request.views.find(bucket);
    view_changed = seen == request.views.end() || seen->second != *view;
    if (view_changed) cursor = 0;
  }
  ChangeFilter filter;
  filter.bucket = bucket;
  WX_ASSIGN_OR_RETURN(DossierStore::Page read, dossiers_.page_since(cursor, limit, filter));
  Bundle& page = read.bundle;
  protocol::BucketPull pull;
  pull.cursor = page.upto_seq;
  pull.more = read.more;
  if (view) pull.view = *view;
  // In the grace days after her placements ended, a supervisor gets only the entries about
  // days within them (entry_days.hpp), not the pupil's new ones.
  if (auto ended = access.ended.find(bucket); ended != access.ended.end())
    WX_RETURN_IF_ERROR(keep_entries_within(dossiers_, ended->second, page.changes));
  // A device whose view changed purges the bucket before taking this page: it gets its own
  // writes back too.
  std::erase_if(page.changes, [&](const Change& c) {
    return (view && !access.sees(bucket, c.entity)) || access.hides(c) ||
           (!view_changed && echoes.is_echo(c));
  });
  // Nothing new for a bucket the device already follows: the bucket is left out of the answer.
  if (cursor == pull.cursor && page.changes.empty() && known != request.cursors.end() &&
      !view_changed)
    return Status::ok();
  if (bucket.starts_with("pupil:") && !page.changes.empty())
    WX_RETURN_IF_ERROR(log_read(device, bucket, page.changes.size()));
  out.more = out.more || pull.more;
  pull.changes = std::move(page);
  out.buckets.emplace(bucket, std::move(pull));
  return Status::ok();
}

// The access log (Inzage) names every device that read a pupil's dossier, page by page.
Status SyncService::log_read(const Device& device, const std::string& bucket, size_t changes) {
  Status s = auth_.log_read(clock_.now_millis(), device.person, device.device_id, bucket, changes);
  metrics_.set_gauge("werkex_access_log_buffered_rows", "", double(auth_.buffered_reads()));
  return s;
}

}  // namespace werkex::server
