// Photos and files: attach one to an entry, choose when uploads may use mobile data, fetch one
// lazily; and the blob parts of `sync` (upload after the entity round) and `status`.
#include <filesystem>

#include "cli.hpp"
#include "http_transport.hpp"
#include "werkex/blob_store.hpp"
#include "werkex/blob_sync.hpp"

namespace werkex::cli {

namespace {

// On the command line the policy is spelled "wifi-only"; the setting keeps "wifi_only".
std::string policy_word(UploadPolicy p) {
  return p == UploadPolicy::wifi_only ? "wifi-only" : "always";
}

Outcome cmd_attach(Context& ctx, const Args& args) {
  WX_ASSIGN_OR_RETURN(BlobStore store, BlobStore::open(*ctx.replica));
  WX_ASSIGN_OR_RETURN(AttachedBlob a, store.attach(args.operands()[0], args.operands()[1],
                                                   args.value("mime"), args.value("caption")));
  print_line(ctx, a.blob_id + " " + a.sha256);
  return Outcome();
}

Outcome cmd_blob_policy(Context& ctx, const Args& args) {
  if (!args.operands().empty()) {
    const std::string& word = args.operands()[0];
    std::optional<UploadPolicy> p;
    if (word == "always") p = UploadPolicy::always;
    if (word == "wifi-only" || word == "wifi_only") p = UploadPolicy::wifi_only;
    if (!p)
      return Outcome::usage("blob-policy: expected 'always' or 'wifi-only', got '" + word + "'");
    WX_RETURN_IF_ERROR(set_upload_policy(*ctx.replica, *p));
  }
  WX_ASSIGN_OR_RETURN(UploadPolicy now, upload_policy(*ctx.replica));
  print_line(ctx, policy_word(now));
  return Outcome();
}

Outcome cmd_fetch(Context& ctx, const Args& args) {
  WX_ASSIGN_OR_RETURN(BlobStore store, BlobStore::open(*ctx.replica));
  tools::HttpTransport transport;
  BlobSync sync(store, transport);
  WX_ASSIGN_OR_RETURN(std::string path, sync.fetch(args.operands()[0]));
  if (args.has("out")) {
    std::string out = args.value("out");
    std::error_code ec;
    std::filesystem::copy_file(path, out, std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) return make_error(WX_IO, "cannot write '" + out + "': " + ec.message());
    path = out;
  }
  print_line(ctx, path);
  return Outcome();
}

// Failed uploads stay failed (with the server's reason, in status) until retried: all of
// them, or one by its hash. The next sync uploads them.
Outcome cmd_blob_retry(Context& ctx, const Args& args) {
  WX_ASSIGN_OR_RETURN(BlobStore store, BlobStore::open(*ctx.replica));
  json out = json::array();
  if (args.operands().empty()) {
    WX_ASSIGN_OR_RETURN(auto failed, store.failed());
    WX_RETURN_IF_ERROR(store.retry_failed().status());
    for (const BlobInfo& b : failed) out.push_back(b.sha256);
  } else {
    WX_RETURN_IF_ERROR(store.retry_failed(args.operands()[0]));
    out.push_back(args.operands()[0]);
  }
  print_json(ctx, {{"queued_again", out}});
  return Outcome();
}

}  // namespace

Outcome parse_network(const Args& args, NetworkKind& out) {
  std::string word = args.value("network", "wifi");
  auto n = network_kind_from_name(word);
  if (!n) return Outcome::usage("--network: expected wifi, cellular or none, got '" + word + "'");
  out = *n;
  return Outcome();
}

Outcome upload_blobs(Context& ctx, Transport& transport, NetworkKind network, json& out) {
  WX_ASSIGN_OR_RETURN(BlobStore store, BlobStore::open(*ctx.replica));
  BlobSync sync(store, transport);
  WX_ASSIGN_OR_RETURN(BlobUploadReport report, sync.upload_pending(network));
  out["blobs"] = report.to_json();
  if (report.stopped)
    return Error{report.stopped->code, "blob upload stopped: " + report.stopped->message + "; " +
                                           std::to_string(report.pending) +
                                           " blob(s) stay queued for the next sync"};
  return Outcome();
}

std::vector<Command> blob_commands() {
  return {
      {"attach",
       "ID FILE [--mime M] [--caption C]",
       "Copy FILE (a photo, a document) into this device's blob store and attach it to entry ID; "
       "prints the blob entity's id and the file's SHA-256. Its upload waits for sync.",
       {{"mime"}, {"caption"}},
       2,
       2,
       true,
       cmd_attach},
      {"blob-policy",
       "[always|wifi-only]",
       "Set (or show) when sync may upload photos: always, or only on Wi-Fi.",
       {},
       0,
       1,
       true,
       cmd_blob_policy},
      {"blob-retry",
       "[SHA]",
       "Queue failed uploads again (all, or the one with this SHA-256); the next sync uploads "
       "them. Prints {\"queued_again\": [SHA, ...]}.",
       {},
       0,
       1,
       true,
       cmd_blob_retry},
      {"fetch",
       "SHA [--out FILE]",
       "Download a blob from the server unless it is here already (resuming a cut-off "
       "download, checking its SHA-256); prints its local path, or copies it to FILE.",
       {{"out"}},
       1,
       1,
       true,
       cmd_fetch},
  };
}

}  // namespace werkex::cli
