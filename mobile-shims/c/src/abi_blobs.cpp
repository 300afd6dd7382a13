// The C ABI over the device's photos and files: the replica's BlobStore and BlobSync.
#include "abi_internal.hpp"
#include "werkex/blob_sync.hpp"

using namespace werkex;
using namespace werkex::abi;

namespace {

json info_json(const BlobStore& store, const BlobInfo& info) {
  return {{"sha256", info.sha256},   {"size", info.size},
          {"mime", info.mime},       {"state", blob_state_name(info.state)},
          {"failure", info.failure}, {"path", store.path(info.sha256)}};
}

json infos_json(const BlobStore& store, const std::vector<BlobInfo>& infos) {
  json out = json::array();
  for (const BlobInfo& info : infos) out.push_back(info_json(store, info));
  return out;
}

}  // namespace

extern "C" {

wx_buffer* wx_blob_attach(wx_replica* replica, const char* entity_id, const char* file_path,
                          const char* mime, const char* caption, wx_error* out_error) {
  const char* fn = "wx_blob_attach";
  return text_call(replica, out_error, fn, [&](ReplicaCore& core) -> Result<std::string> {
    WX_RETURN_IF_ERROR(require(entity_id, fn, "entity_id"));
    WX_RETURN_IF_ERROR(require(file_path, fn, "file_path"));
    WX_ASSIGN_OR_RETURN(AttachedBlob a, core.blobs->attach(entity_id, file_path, mime ? mime : "",
                                                           caption ? caption : ""));
    return json{{"blob_id", a.blob_id}, {"sha256", a.sha256}, {"size", a.size}, {"mime", a.mime}}
        .dump();
  });
}

wx_buffer* wx_blob_info(wx_replica* replica, const char* sha256, wx_error* out_error) {
  const char* fn = "wx_blob_info";
  return text_call(replica, out_error, fn, [&](ReplicaCore& core) -> Result<std::string> {
    WX_RETURN_IF_ERROR(require(sha256, fn, "sha256"));
    WX_ASSIGN_OR_RETURN(BlobInfo info, core.blobs->info(sha256));
    return info_json(*core.blobs, info).dump();
  });
}

wx_buffer* wx_blob_status(wx_replica* replica, wx_error* out_error) {
  return text_call(replica, out_error, "wx_blob_status",
                   [&](ReplicaCore& core) -> Result<std::string> {
                     const BlobStore& store = *core.blobs;
                     WX_ASSIGN_OR_RETURN(auto pending, store.pending());
                     WX_ASSIGN_OR_RETURN(auto failed, store.failed());
                     WX_ASSIGN_OR_RETURN(auto remote, store.remote_only());
                     WX_ASSIGN_OR_RETURN(UploadPolicy policy, upload_policy(*core.replica));
                     return json{{"policy", upload_policy_name(policy)},
                                 {"pending_upload", infos_json(store, pending)},
                                 {"failed", infos_json(store, failed)},
                                 {"remote_only", infos_json(store, remote)}}
                         .dump();
                   });
}

bool wx_blob_set_policy(wx_replica* replica, const char* policy, wx_error* out_error) {
  const char* fn = "wx_blob_set_policy";
  return status_call(replica, out_error, fn, [&](ReplicaCore& core) -> Status {
    WX_RETURN_IF_ERROR(require(policy, fn, "policy"));
    auto p = upload_policy_from_name(policy);
    if (!p)
      return make_error(
          WX_INVALID_ARGUMENT,
          std::string(fn) + ": expected \"always\" or \"wifi_only\", got '" + policy + "'");
    return set_upload_policy(*core.replica, *p);
  });
}

wx_buffer* wx_blob_upload(wx_replica* replica, wx_transport* transport, const char* network,
                          wx_error* out_error) {
  const char* fn = "wx_blob_upload";
  auto turn = take_turn(replica, &ReplicaCore::upload_turn);
  return text_call(replica, out_error, fn, [&](ReplicaCore& core) -> Result<std::string> {
    WX_RETURN_IF_ERROR(check_transport(transport, fn));
    WX_RETURN_IF_ERROR(require(network, fn, "network"));
    auto kind = network_kind_from_name(network);
    if (!kind)
      return make_error(WX_INVALID_ARGUMENT, std::string(fn) +
                                                 ": network: expected \"none\", \"cellular\" or "
                                                 "\"wifi\", got '" +
                                                 network + "'");
    NetworkCall call(core);
    UnlockingTransport unlocking(core, *transport);
    BlobSync sync(*core.blobs, unlocking);
    WX_ASSIGN_OR_RETURN(BlobUploadReport report, sync.upload_pending(*kind));
    // Closed mid-way is the caller's doing, not a network hiccup: say so rather than report.
    if (report.stopped && report.stopped->code == WX_CLOSED) return *report.stopped;
    return report.to_json().dump();
  });
}

wx_buffer* wx_blob_fetch(wx_replica* replica, wx_transport* transport, const char* sha256,
                         wx_error* out_error) {
  const char* fn = "wx_blob_fetch";
  auto turn = take_turn(replica, &ReplicaCore::fetch_turn);
  return text_call(replica, out_error, fn, [&](ReplicaCore& core) -> Result<std::string> {
    WX_RETURN_IF_ERROR(check_transport(transport, fn));
    WX_RETURN_IF_ERROR(require(sha256, fn, "sha256"));
    NetworkCall call(core);
    UnlockingTransport unlocking(core, *transport);
    return BlobSync(*core.blobs, unlocking).fetch(sha256);
  });
}

bool wx_blob_retry_failed(wx_replica* replica, uint64_t* out_count, wx_error* out_error) {
  return status_call(replica, out_error, "wx_blob_retry_failed", [&](ReplicaCore& core) -> Status {
    WX_ASSIGN_OR_RETURN(size_t n, core.blobs->retry_failed());
    if (out_count) *out_count = n;
    return Status::ok();
  });
}

}  // extern "C"
