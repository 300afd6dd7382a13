// SyncService's push side (sync_service.hpp): the clock-skew refusal, the judgement of every
// change and sign-off, and one transaction storing what passed.
#include <algorithm>
#include <cstdio>
#include <set>

#include "notify.hpp"
#include "push_check.hpp"
#include "signoff_check.hpp"
#include "sync_service.hpp"
#include "werkex/messages.hpp"

namespace werkex::server {

namespace {

// Each change of a refused sign-off leaves `accepted` and is answered rejected with the reason.
void drop_refused_signoffs(const SignoffVerdicts& verdicts, std::vector<Change>& accepted,
                           std::vector<RejectedChange>& rejected) {
  if (verdicts.refused.empty()) return;
  std::erase_if(accepted, [&](const Change& c) { return verdicts.refused.count(c.entity) > 0; });
  rejected.insert(rejected.end(), verdicts.rejected.begin(), verdicts.rejected.end());
}

// What the pushed changes and sign-offs need written, judged before anything is.
struct PushPlan {
  Bundle allowed;
  std::set<std::string> comments_without_author;
  SignoffVerdicts signoffs;
};

// Applies the plan in one transaction with what the server writes itself: the authors of new
// comments, the accepted sign-offs' verified_at, and the notes to their signers. The notes
// are queued before the push commits, so a stored sign-off always has its note (a failed
// commit leaves at most a note whose retried push stores the sign-off).
Result<ApplyReport> store_push(DossierStore& dossiers, AuthStore& auth, const Access& access,
                               const PushPlan& plan, uint64_t now) {
  // A pull alone writes nothing to the dossiers (not even an empty transaction), so it is
  // served on a full disk too (issue 10 item 8).
  if (plan.allowed.changes.empty() && plan.signoffs.verified.empty()) return ApplyReport{};
  return dossiers.apply_push(plan.allowed, [&](const ApplyReport& applied) -> Status {
    WX_RETURN_IF_ERROR(fill_comment_authors(dossiers, plan.comments_without_author, access));
    WX_RETURN_IF_ERROR(stamp_verified(dossiers, plan.signoffs.verified, now));
    std::set<std::string> refused;
    for (const RejectedChange& r : applied.rejected) refused.insert(r.entity);
    return queue_signoff_notifications(dossiers, auth, plan.signoffs.notify, refused, now);
  });
}

}  // namespace

// A phone whose clock runs ahead must not win every future conflict: the whole push is
// refused and the device told the server's time, so it can correct and re-stamp (design.md).
// Only its own stamps count: a relayed change carries its author's.
std::optional<Error> SyncService::clock_skew(const protocol::SyncRequest& request, uint64_t now) {
  for (const Change& c : request.push.changes) {
    const Stamp& newest = c.state.max_stamp();
    const uint64_t stamped = newest.hlc.millis();
    if (newest.replica != request.replica || stamped <= now + limits_.max_clock_skew_ms) continue;
    metrics_.add("werkex_sync_changes_rejected_total", "reason=\"clock_skew\"",
                 double(request.push.changes.size()));
    return error_of(WX_CLOCK_SKEW, Msg::clock_ahead,
                    {{"id", c.entity},
                     {"field", c.field},
                     {"ahead", std::to_string((stamped - now) / 1000)},
                     {"allowed", std::to_string(limits_.max_clock_skew_ms / 1000)}});
  }
  return std::nullopt;
}

Result<SyncService::Pushed> SyncService::push(const Access& access,
                                              const protocol::SyncRequest& request, uint64_t now,
                                              protocol::SyncResponse& out) {
  // What the server already holds is a no-op; the rest is judged on its new writes.
  WX_ASSIGN_OR_RETURN(PushVerdict judged,
                      judge_push(dossiers_, auth_, access, request.push.changes));
  PushPlan plan;
  // The push's own bundle with only the accepted changes (not copied first: a push is large).
  plan.allowed = Bundle{.from_replica = request.push.from_replica,
                        .schema_version = request.push.schema_version,
                        .since_seq = request.push.since_seq,
                        .upto_seq = request.push.upto_seq,
                        .changes = std::move(judged.accepted),
                        .knowledge = {}};  // sync never carries a knowledge claim
  plan.comments_without_author = std::move(judged.new_comments_without_author);
  out.rejected = std::move(judged.rejected);
  // Sign-offs (signoff_check.hpp): each is refused whole or accepted; an accepted sign-off
  // gets the server's verified_at in the same transaction as the push.
  WX_ASSIGN_OR_RETURN(plan.signoffs,
                      verify_pushed_signoffs(dossiers_, auth_, access, plan.allowed.changes,
                                             request.pin_codes, now));
  drop_refused_signoffs(plan.signoffs, plan.allowed.changes, out.rejected);
  WX_ASSIGN_OR_RETURN(ApplyReport applied, store_push(dossiers_, auth_, access, plan, now));

  out.push_upto = request.push.upto_seq;
  out.applied = applied.applied;
  out.unchanged = applied.unchanged + judged.held.size();
  out.rejected.insert(out.rejected.end(), applied.rejected.begin(), applied.rejected.end());
  return Pushed{std::move(plan.allowed.changes), std::move(judged.held),
                !plan.signoffs.notify.empty()};
}

// A deleted blob entity takes its dossier's upload and holding with it; the push itself is
// stored (committed), so a failure here only leaves bytes behind: counted and logged, not
// answered.
void SyncService::forget_deleted_blobs(const std::vector<Change>& stored) {
  if (!hooks_.forget_deleted_blobs) return;
  if (Status s = hooks_.forget_deleted_blobs(stored); !s) {
    metrics_.add("werkex_blob_forget_failures_total", "");
    std::fprintf(stderr, "werkex-server: cannot forget deleted blobs: %s\n",
                 s.error().to_string().c_str());
  }
}

void SyncService::count(const protocol::SyncResponse& out) {
  metrics_.add("werkex_sync_changes_applied_total", "", double(out.applied));
  for (const RejectedChange& r : out.rejected)
    metrics_.add("werkex_sync_changes_rejected_total",
                 std::string("reason=\"") + error_code_name(r.error.code) + "\"");
  size_t pulled = 0;
  for (const auto& [bucket, page] : out.buckets) pulled += page.changes.changes.size();
  metrics_.add("werkex_sync_changes_pulled_total", "", double(pulled));
}

}  // namespace werkex::server
