// SyncSession: one device's conversation with the sync server, over a Transport.
//
// run() repeats POST /v1/sync until nothing is left to push or pull: each round pushes the
// changes made here (or imported from peers) since the last acknowledged push, and pulls
// each visible bucket from its cursor. What the server refuses goes into the replica's
// quarantine; buckets it revokes are purged, and so is a filtered bucket whose view changed
// (then pulled afresh: what left the view leaves the device). Cursors and the push mark are kept in
// the replica and advance only after what they cover is stored, so a sync cut off at any point
// (network, crash, battery) is simply run again. enroll() trades a one-time code for a
// device token and the identity it belongs to.
//
// Not thread-safe; it uses the replica and the transport from the calling thread.
#pragma once

#include <string>
#include <vector>

#include "werkex/protocol.hpp"
#include "werkex/store.hpp"
#include "werkex/transport.hpp"
#include "werkex/wire_format.hpp"

namespace werkex {

class BlobStore;

struct SyncReport {
  int rounds = 0;
  size_t pushed = 0;   // field changes sent
  size_t pulled = 0;   // field changes received
  size_t applied = 0;  // received changes that changed this replica
  std::vector<RejectedChange> rejected;
  std::vector<std::string> revoked;
  int64_t clock_offset_ms = 0;
  // The server's epoch changed (it was restored from a backup): this run sent every local
  // change again and pulled every bucket from the start.
  bool server_restored = false;
  json to_json() const;
};

struct SyncOptions {
  size_t page_limit = 200;  // entity updates per request and per bucket
  int max_rounds = 1000;    // a bound, so a misbehaving server cannot keep a device looping
  // How bodies travel; the server answers in the same format (errors always in JSON).
  WireFormat wire = WireFormat::json;
  // The device's blob store, if it has one: when a dossier is revoked, its photos are deleted
  // along with its entities (BlobStore::remove_unreferenced).
  BlobStore* blobs = nullptr;
};

class SyncSession {
 public:
  // The server URL and token are read from the replica's settings "server" and "token".
  SyncSession(Replica& replica, Transport& transport, SyncOptions options = {})
      : replica_(replica), transport_(transport), options_(options) {}

  // A device told it was reported lost wipes itself (device_wipe.hpp) and fails with
  // WX_UNAUTHENTICATED saying whether it did.
  Result<SyncReport> run();
  // Trades an enrolment code for a token; stores token and identity in the replica. A
  // supervisor's device also makes its signing key and registers it (POST /v1/keys); a
  // failure to register is a failure of enroll (run it again: the key is kept). A replica id
  // the server already bound to another person (WX_CONFLICT) is renewed and the code tried
  // once more if the replica holds no change yet; otherwise the conflict is returned.
  Status enroll(const std::string& code);

 private:
  Result<json> post(const std::string& path, const json& body, bool authenticated);
  Result<std::string> server() const;
  Status register_signing_key();
  // One run's progress, kept in the replica's settings after every round (sync_session.cpp).
  struct Progress;
  Status load_progress(Progress& p);
  Status save_progress(const Progress& p);
  // One request and its answer; returns whether another round is needed.
  Result<SyncReport> run_rounds();
  Result<bool> round(Progress& p, SyncReport& report);
  Result<protocol::SyncRequest> next_request(const Progress& p);
  Status take_pulls(Progress& p, const protocol::SyncResponse& resp,
                    const std::vector<std::string>& repull, SyncReport& report);
  // Whether the server was restored from a backup since the last run (a new epoch): then
  // every local change goes up again and every bucket is pulled from the start.
  Result<bool> note_epoch(Progress& p, const std::string& epoch, SyncReport& report);

  Replica& replica_;
  Transport& transport_;
  SyncOptions options_;
  uint64_t refused_at_server_clock_ = 0;  // from a clock_skew refusal, else 0
  bool wipe_told_ = false;                // a 401 said this device was reported lost
};

}  // namespace werkex
