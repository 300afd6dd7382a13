// BlobSync: moves blob bytes between a device's BlobStore and the sync server, over a
// Transport, by the blob protocol (HEAD / PUT with Content-Range / GET with Range on
// /v1/blobs/{sha}; server URL and token from the replica's "server" and "token" settings,
// the ones SyncSession uses).
//
// upload_pending() sends the queued blobs whose `blob` entity the server already has (sync
// pushes the entity first; until then HEAD answers 404 and the blob simply stays queued). Each
// upload asks HEAD how much the server holds and sends the rest in chunks, so an upload cut off
// anywhere (network, crash, a lost answer) resumes from what the server acknowledged, and a
// repeated chunk is harmless (the server appends only bytes beyond what it has). A refusal
// (the server's hash check, a size mismatch, a role that may not write) marks the blob
// failed with the server's message, kept visible until BlobStore::retry_failed(); no network,
// a 5xx, a rate limit (429) or a revoked token stops the run with everything still queued.
//
// fetch() downloads lazily: a blob already here is just its path; otherwise ranged GETs fill
// a partial file (resuming from its size next time) that becomes the stored file only after
// its SHA-256 matched.
//
// The upload policy (always, or Wi-Fi only) is a replica setting; the app says per call which
// network it is on. Not thread-safe; it uses the replica, the store and the transport from the
// calling thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "werkex/blob_store.hpp"
#include "werkex/transport.hpp"

namespace werkex {

enum class UploadPolicy { always, wifi_only };
enum class NetworkKind { none, cellular, wifi };

const char* upload_policy_name(UploadPolicy policy);  // "always", "wifi_only"
std::optional<UploadPolicy> upload_policy_from_name(std::string_view name);
const char* network_kind_name(NetworkKind network);  // "none", "cellular", "wifi"
std::optional<NetworkKind> network_kind_from_name(std::string_view name);

// The replica's policy (setting "blobs.policy"; absent: always).
Result<UploadPolicy> upload_policy(const Replica& replica);
Status set_upload_policy(Replica& replica, UploadPolicy policy);

struct BlobSyncOptions {
  size_t chunk_size = 1024 * 1024;  // bytes per PUT and per ranged GET
};

struct BlobUploadReport {
  size_t uploaded = 0;            // blobs the server now holds completely
  uint64_t bytes = 0;             // bytes the server acknowledged in this run
  size_t pending = 0;             // still queued after the run
  size_t failed = 0;              // failed after the run (including earlier failures)
  size_t skipped_by_policy = 0;   // queued blobs the policy kept back on this network
  size_t waiting_for_entity = 0;  // the server does not know the blob entity yet (sync first)
  std::vector<std::string> uploaded_hashes;
  std::vector<BlobInfo> failures;  // every failed blob, with the server's reason
  // Set when the run stopped early (no network, a 5xx, 429, 401): nothing was lost, the rest stays
  // queued and the next run resumes where this one stopped.
  std::optional<Error> stopped;
  std::string note;  // why less than everything went, for a person
  json to_json() const;
};

class BlobSync {
 public:
  // `replica` is the store's. All must outlive the BlobSync.
  BlobSync(BlobStore& store, Transport& transport, BlobSyncOptions options = {});

  // Uploads what is queued, as far as `network` and the policy allow. Returns an error only
  // when the device itself fails (database, files) or the server is not configured.
  Result<BlobUploadReport> upload_pending(NetworkKind network);

  // The local path of blob `sha`, downloading it first if needed. Errors: WX_INVALID_ARGUMENT
  // (not a hash), WX_NOT_FOUND (the server does not have it, or not completely yet),
  // WX_CORRUPT (the bytes did not match the hash; nothing stored), WX_UNAVAILABLE (the
  // partial download is kept and the next fetch resumes it), WX_UNAUTHENTICATED.
  Result<std::string> fetch(const std::string& sha);

 private:
  enum class Outcome { uploaded, keep, failed, stop };
  Result<Outcome> upload_one(const BlobInfo& blob, BlobUploadReport& report);
  Result<HttpResponse> send(std::string method, const std::string& sha, HttpHeaders headers,
                            std::string body = "");

  BlobStore& store_;
  Transport& transport_;
  BlobSyncOptions options_;
  std::string base_;   // server URL without a trailing '/'
  std::string token_;  // device token
};

}  // namespace werkex
