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
  if (Status s = apply_key_revocations(dossiers_, auth_, now); !s) return {s.error()};
  Result<AccessPtr> shared = access_of(device.person, now);
  if (!shared) return {shared.error()};
  const Access& access = **shared;  // kept alive by `shared` for the whole round trip
  if (std::optional<Error> skew = clock_skew(request, now)) return {std::move(*skew), now};

  protocol::SyncResponse out;
  out.server_clock_ms = now;
  out.epoch = epoch_;
  out.clock_offset_ms = static_cast<int64_t>(now) - static_cast<int64_t>(request.device_clock_ms);
  Result<Pushed> pushed = push(access, request, now, out);
  if (!pushed) return {pushed.error()};
  if (Status s = pull(device, access, request, *pushed, out); !s) return {s.error()};
  return {std::move(out)};
}

Result<AccessPtr> SyncService::access_of(const std::string& person, uint64_t now) {
  return access_.get(dossiers_, person, rfc3339_utc(now).substr(0, 10),
                     limits_.supervisor_grace_days);
}

}  // namespace werkex::server
