// SyncService's round trip (sync_service.hpp): the order of the steps; the push side is in
// sync_push.cpp, the pull side in sync_pull.cpp.
#include "sync_service.hpp"

#include "signing_keys.hpp"

namespace werkex::server {

SyncService::SyncService(DossierStore& dossiers, AuthStore& auth, AccessCache& access,
                         http::Metrics& metrics, ClockSource& clock, SyncLimits limits,
                         std::string epoch, SyncHooks hooks)
    : dossiers_(dossiers),
      auth_(auth),
      access_(access),
      metrics_(metrics),
      clock_(clock),
      limits_(limits),
      epoch_(std::move(epoch)),
      hooks_(std::move(hooks)) {}

void SyncService::describe_metrics(http::Metrics& metrics) {
  metrics.set_help("werkex_sync_changes_applied_total", "counter",
                   "Pushed field changes that changed the server's state");
  metrics.set_help("werkex_sync_changes_rejected_total", "counter",
                   "Pushed field changes refused, by reason");
  metrics.set_help("werkex_sync_changes_pulled_total", "counter", "Field changes sent to devices");
}

SyncOutcome SyncService::sync(const Device& device, const protocol::SyncRequest& request) {
  const uint64_t now = clock_.now_millis();
  // A key revoked by werkex-admin is in the dossiers before this push is judged against it.
  // Outside the round trip's unit: the auth store marks a revocation applied only once the
  // dossiers hold it, which a later rollback of the unit must not undo.
  if (Status s = apply_key_revocations(dossiers_, auth_, now, hooks_.commit_others_writes); !s)
    return {s.error()};
  SyncOutcome outcome{make_error(WX_INTERNAL, "the sync did not run")};
  Pushed pushed;
  Status unit = dossiers_.together([&]() -> Status {
    outcome = round_trip(device, request, now, pushed);
    return outcome.response.status();
  });
  if (!unit) {
    // Refused or failed inside (nothing stored), or the commit failed (nothing stored).
    if (outcome.response) return {unit.error()};
    return outcome;
  }
  after_commit(*outcome.response, pushed);
  return outcome;
}

// One unit of the store: the device's access, the skew check, the push and the pages.
SyncOutcome SyncService::round_trip(const Device& device, const protocol::SyncRequest& request,
                                    uint64_t now, Pushed& pushed) {
  Result<AccessPtr> shared = access_of(device.person, now);
  if (!shared) return {shared.error()};
  const Access& access = **shared;  // kept alive by `shared` for the whole round trip
  if (std::optional<Error> skew = clock_skew(request, now)) return {std::move(*skew), now};

  protocol::SyncResponse out;
  out.server_clock_ms = now;
  out.epoch = epoch_;
  out.clock_offset_ms = static_cast<int64_t>(now) - static_cast<int64_t>(request.device_clock_ms);
  Result<Pushed> stored = push(access, request, now, out);
  if (!stored) return {stored.error()};
  pushed = std::move(*stored);
  if (Status s = pull(device, access, request, pushed, out); !s) return {s.error()};
  return {std::move(out)};
}

// What follows from a stored round trip and must not happen for one rolled back: the
// counters, the mailer's wake-up, and forgetting the blobs of deleted blob entities.
void SyncService::after_commit(const protocol::SyncResponse& out, const Pushed& pushed) {
  count(out);
  if (hooks_.wake_mailer && pushed.notified_signers) hooks_.wake_mailer();
  forget_deleted_blobs(pushed.stored);
}

Result<AccessPtr> SyncService::access_of(const std::string& person, uint64_t now) {
  return access_.get(dossiers_, person, rfc3339_utc(now).substr(0, 10),
                     limits_.supervisor_grace_days);
}

}  // namespace werkex::server
