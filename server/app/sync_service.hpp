// SyncService: what POST /v1/sync does, without HTTP — one device's push judged and stored,
// then each bucket it may read paged out to it (protocol.hpp, design.md "Sync protocol").
// App::handle_sync only authenticates, decodes, takes the dossier lock, calls sync() and
// encodes; tests drive the service directly with a ManualClockSource.
//
// Push side (sync_push.cpp): pending key revocations are written first; a push stamped by
// this device further ahead of the clock than max_clock_skew_ms is refused whole; every
// change is judged (push_check.hpp) and every sign-off (signoff_check.hpp); what is accepted
// is applied in one transaction together with the comment authors and the sign-offs'
// verified_at the server writes, and the notes to their signers. Pull side (sync_pull.cpp):
// per readable bucket one page after the device's cursor (from 0 when a filtered bucket's
// view changed), without what the device just pushed (no echo), without what its access
// hides, and only the days of ended placements in a supervisor's grace days; each page of a
// pupil's dossier is written to the access log.
//
// Invariants: a request is idempotent — the same request again applies nothing new and
// answers the same pages; a round trip is one unit of the store (its reads one snapshot, its
// push stored whole or not at all, with the pages it answered); a pull alone writes nothing
// to the dossiers (so it is served on a full disk); every time comes from the clock. Only
// the access log and the notes to signers (server.db) are written before the unit commits:
// a rolled-back round trip may leave a logged read or a note whose retry stores the rest.
// Not thread-safe, like the DossierStore it writes: call sync() under the dossier lock.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "access_cache.hpp"
#include "auth_store.hpp"
#include "dossier_store.hpp"
#include "http/metrics.hpp"
#include "werkex/clock.hpp"
#include "werkex/protocol.hpp"

namespace werkex::server {

struct SyncLimits {
  uint64_t max_clock_skew_ms = 10 * 60 * 1000;
  size_t default_page_limit = 500;  // entity updates per bucket when the request names none
  size_t max_page_limit = 5000;     // the most a request may ask for
  int supervisor_grace_days = 14;   // for compute_access (access.hpp)
};

// What the service asks of the rest of the server after a push is stored. Either may be
// empty (no mailer; tests).
struct SyncHooks {
  // Notes to signers were queued: the mailer sends them now rather than at its next round.
  std::function<void()> wake_mailer;
  // The push is stored: the blobs whose entity it deleted are forgotten (blob_access.cpp).
  // A failure only leaves bytes behind; it is counted and logged, never answered.
  std::function<Status(const std::vector<Change>& stored)> forget_deleted_blobs;
  // Other requests' writes held uncommitted (the batch of syncs, dossier_mutex.hpp) are
  // committed now: called before the key revocations are written, which the auth store
  // marks applied at once and so must not be rolled back with a failing batch.
  std::function<Status()> commit_others_writes;
};

// sync()'s answer: the response, or why not. A clock-skew refusal (WX_CLOCK_SKEW) also
// carries the server's clock at the refusal, which the device needs to correct its own and
// re-stamp what was refused (sync_session.cpp); with any other outcome it is 0.
struct SyncOutcome {
  Result<protocol::SyncResponse> response;
  uint64_t refused_at_server_clock_ms = 0;
};

class SyncService {
 public:
  // Every collaborator must outlive the service. `dossiers` is any engine of the dossier
  // store (dossier_store.hpp: SQLite's today); `access` is the server's one cache, shared
  // with the other handlers (the same lock guards it); `epoch` is AuthStore::epoch at start.
  SyncService(DossierStore& dossiers, AuthStore& auth, AccessCache& access, http::Metrics& metrics,
              ClockSource& clock, SyncLimits limits, std::string epoch, SyncHooks hooks = {});

  // One round trip for `device`, one unit of the store (DossierStore::together): an error
  // (the first failure met, or the commit's) leaves nothing of it stored, and a retry
  // starts afresh. `request.replica` must be the device's own (the handler checks it
  // against the token).
  SyncOutcome sync(const Device& device, const protocol::SyncRequest& request);

  // Registers the HELP lines of the counters sync() adds to.
  static void describe_metrics(http::Metrics& metrics);

 private:
  // The device's changes the server now holds exactly as sent, for the pull's echo filter.
  struct Pushed {
    std::vector<Change> stored;     // accepted by the checks and handed to apply
    std::vector<Change> held;       // already held by the server before this push
    bool notified_signers = false;  // notes to signers were queued with it
  };
  class EchoFilter;  // sync_pull.cpp

  SyncOutcome round_trip(const Device& device, const protocol::SyncRequest& request, uint64_t now,
                         Pushed& pushed);
  void after_commit(const protocol::SyncResponse& out, const Pushed& pushed);

  // What `person` may read and write on the server's day at `now`, through the cache.
  Result<AccessPtr> access_of(const std::string& person, uint64_t now);

  // Push side (sync_push.cpp).
  // The refusal of a push this device stamped too far ahead of `now`, if it did.
  std::optional<Error> clock_skew(const protocol::SyncRequest& request, uint64_t now);
  Result<Pushed> push(const Access& access, const protocol::SyncRequest& request, uint64_t now,
                      protocol::SyncResponse& out);
  void forget_deleted_blobs(const std::vector<Change>& stored);
  void count(const protocol::SyncResponse& out);  // applied, rejected, pulled

  // Pull side (sync_pull.cpp).
  Status pull(const Device& device, const Access& access, const protocol::SyncRequest& request,
              const Pushed& pushed, protocol::SyncResponse& out);
  Status pull_bucket(const Device& device, const Access& access,
                     const protocol::SyncRequest& request, const std::string& bucket,
                     const EchoFilter& echoes, size_t limit, protocol::SyncResponse& out);
  Status log_read(const Device& device, const std::string& bucket, size_t changes);

  DossierStore& dossiers_;
  AuthStore& auth_;
  AccessCache& access_;
  http::Metrics& metrics_;
  ClockSource& clock_;
  SyncLimits limits_;
  std::string epoch_;
  SyncHooks hooks_;
};

}  // namespace werkex::server
