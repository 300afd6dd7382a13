// The sync protocol's messages (design.md, "Sync protocol"), shared by the server and the
// device so both read and write exactly the same JSON.
//
// One round trip, POST /v1/sync, pushes the device's unshared changes and pulls, per bucket
// the user may see, the server's changes after the device's cursor. Every request is
// idempotent: the server merges what it already has without effect, and a cursor only moves
// forward once the device has stored what it received. Bundles inside use the bundle form
// (bundle.hpp); a pulled bundle's `upto` is the new cursor of its bucket.
//
//   request  {"v":1, "replica":"<hex>", "clock":<device ms>, "schema":1,
//             "cursors":{"<bucket>":<seq>, …}, "views":{"<bucket>":"<view>"}, "limit":<n>,
//             "push":<bundle>, "pin_codes":{"<signoff id>":"<digits>"}}
//   ("pin_codes" only when the push carries PIN sign-offs typed on this device: the one-time
//   code of each, for the server alone to check; over TLS, never stored by the server)
//   response {"v":1, "server_clock":<ms>, "clock_offset_ms":<server - device>,
//             "push":{"upto":<seq>, "applied":n, "unchanged":n, "rejected":[{entity, field, code,
//             message}]}, "revoked":["<bucket>", …], "more":false,
//             "buckets":{"<bucket>":{"cursor":<seq>, "more":false, "view":"…", "bundle":<bundle>}}}
//   ("views"/"view" only for buckets the server filters per user, such as a pupil's part of
//   the school bucket or a supervisor's part of a pupil's dossier)
//   enrol    POST /v1/enroll {"code":"…","replica":"<hex>"} ->
//   {"token","user","role","bucket","school_bucket"}
#pragma once

#include <map>
#include <string>
#include <vector>

#include "werkex/bundle.hpp"
#include "werkex/store.hpp"

namespace werkex::protocol {

inline constexpr int kVersion = 1;

struct SyncRequest {
  uint64_t replica = 0;
  uint64_t device_clock_ms = 0;
  int schema_version = 0;
  std::map<std::string, uint64_t> cursors;
  size_t limit = 0;  // entity updates per bucket and response; 0: the server's default
  // The `view` each filtered bucket last came with; a different view on the server means
  // the device may now see more or less of it, so that bucket is pulled again from 0 and the
  // device purges what it held of it before taking the pull.
  std::map<std::string, std::string> views;
  Bundle push;
  // PIN sign-offs in `push` typed on this device: id -> one-time code (signoff_flow.hpp).
  std::map<std::string, std::string> pin_codes;
};

struct BucketPull {
  uint64_t cursor = 0;
  bool more = false;
  std::string view;  // for a bucket the server filters per user: which part this is; else ""
  Bundle changes;
};

struct SyncResponse {
  uint64_t server_clock_ms = 0;
  int64_t clock_offset_ms = 0;
  uint64_t push_upto = 0;
  size_t applied = 0;
  size_t unchanged = 0;
  std::vector<RejectedChange> rejected;
  std::vector<std::string> revoked;
  std::map<std::string, BucketPull> buckets;
  bool more = false;
  // The server's history (AuthStore::epoch): a device that sees it change (the server was
  // restored from a backup) pushes all its changes again and pulls every bucket from 0.
  // "" from servers before epochs (not sent then).
  std::string epoch;
};

struct EnrollResponse {
  std::string token;
  Identity identity;
};

json to_json(const SyncRequest& r);
json to_json(const SyncResponse& r);
json to_json(const EnrollResponse& r);
// Strict, like bundle_from_json: unknown keys and wrong types are WX_INVALID_ARGUMENT/CORRUPT
// with the path of the bad part.
Result<SyncRequest> sync_request_from_json(const json& j);
Result<SyncResponse> sync_response_from_json(const json& j);
Result<EnrollResponse> enroll_response_from_json(const json& j);

// An error as the server writes it ({"code", "key", "message", "args"}, the "error" object of
// an answer or a rejected change), with `prefix` before its message. The key and arguments
// come along, so the device renders the message in its own language (messages.hpp); a
// missing code is WX_INTERNAL and a missing message `otherwise`.
Error error_from_json(const json& e, const std::string& prefix, const std::string& otherwise);
// The key and arguments of `e` added to an error object for the wire.
void add_error_key(json& out, const Error& e);

}  // namespace werkex::protocol
