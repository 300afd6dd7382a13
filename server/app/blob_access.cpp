// Whose blob bytes are whose (issue 10 item 7) and what happens to bytes nobody holds any
// more (item 8): the entity lookups of /v1/blobs, forgetting a dossier's blob when its entity
// is deleted, sweeping stale uploads, and the one-time migration of a server from before
// per-dossier holdings. See blob_holdings.hpp for the rules.
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "access.hpp"
#include "app.hpp"

namespace werkex::server {

Result<std::vector<BlobEntity>> App::find_blobs(const Device& device, const std::string& sha,
                                                bool for_write) {
  if (!is_valid_sha256(sha))
    return make_error(WX_INVALID_ARGUMENT,
                      "a blob is named by its SHA-256 as 64 lowercase hex digits");
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(AccessPtr shared, access_of(device.person));
  const Access& access = *shared;
  std::optional<Error> refused;
  std::vector<BlobEntity> out;
  // Per readable dossier, so the lookup costs what this person can see: each query is a
  // range of the (type, bucket) index.
  for (const std::string& bucket : access.read) {
    if (bucket.rfind("pupil:", 0) != 0) continue;  // blobs live in pupils' dossiers
    Query q = Query::where("blob", bucket, "sha256", sha);
    WX_ASSIGN_OR_RETURN(auto found, store_->list(q));
    for (const json& doc : found) {
      // A supervisor's photos are those of her placement's entries (pupil_view.hpp): a hash
      // named only outside her view is not hers, whoever tells her the hash.
      if (!access.sees(bucket, doc.value("id", ""))) continue;
      auto size = doc.find("size");
      if (size == doc.end() || !size->is_number_unsigned()) continue;
      BlobEntity e{doc.value("id", ""), bucket, size->get<uint64_t>()};
      if (!for_write) {
        out.push_back(e);
        break;  // one entity per bucket is enough: access goes by bucket
      }
      Change probe{e.id, "blob", bucket, "sha256", json(), {}};
      Status may = authorize(access, store_->schema(), probe);
      if (may) return std::vector<BlobEntity>{e};
      refused = may.error();
    }
  }
  if (!out.empty()) return out;
  if (refused) return *refused;
  return make_error(WX_NOT_FOUND, "no blob " + sha + " in a dossier this device may " +
                                      (for_write ? "write" : "read"));
}

Result<bool> App::forget_blob(const std::string& bucket, const std::string& sha) {
  WX_RETURN_IF_ERROR(blobs_->discard_partial(bucket, sha));
  return blobs_->remove_unheld(sha, [&]() -> Result<bool> {
    WX_ASSIGN_OR_RETURN(size_t left, holdings_->drop(bucket, sha));
    return left == 0;
  });
}

Status App::forget_deleted_blobs(const std::vector<Change>& applied) {
  std::set<std::string> buckets;  // with a blob entity deleted by this push
  for (const Change& c : applied) {
    if (c.type != "blob" || c.field != "deleted") continue;
    auto doc = store_->get(c.entity);
    if (doc && doc->value("deleted", false)) buckets.insert(c.bucket);
  }
  // A deleted entity keeps no fields, so its hash is found the other way round: what the
  // dossier holds that no live entity of it names any more.
  for (const std::string& bucket : buckets) {
    WX_ASSIGN_OR_RETURN(auto held, holdings_->hashes(bucket));
    for (const std::string& sha : held) {
      WX_ASSIGN_OR_RETURN(auto named, store_->list(Query::where("blob", bucket, "sha256", sha)));
      if (!named.empty()) continue;
      WX_RETURN_IF_ERROR(forget_blob(bucket, sha).status());
      metrics_.add("werkex_blob_forgotten_total", "");
    }
  }
  return Status::ok();
}

void App::sweep_blobs_if_due() {
  const uint64_t now = now_ms();
  const uint64_t every = std::min<uint64_t>(60 * 1000, config_.blob_partial_max_age_ms);
  {
    std::lock_guard lock(sweep_mu_);
    if (now < last_sweep_ms_ + every) return;
    last_sweep_ms_ = now;
  }
  if (now < config_.blob_partial_max_age_ms) return;
  auto stale = holdings_->stale(now - config_.blob_partial_max_age_ms);
  if (!stale) {
    std::fprintf(stderr, "werkex-server: blob sweep failed: %s\n",
                 stale.error().to_string().c_str());
    return;
  }
  for (const Holding& h : *stale) {
    if (Status s = forget_blob(h.bucket, h.sha).status(); !s) {
      std::fprintf(stderr, "werkex-server: blob sweep failed: %s\n", s.error().to_string().c_str());
      return;
    }
    metrics_.add("werkex_blob_partials_expired_total", "");
  }
}

// A server from before holdings kept complete blobs without saying whose they were: every
// dossier whose live blob entity names a stored blob keeps access to it (nothing is lost; a
// hash named by several dossiers is reported, as it may have been claimed), and uploads in
// progress start again from 0 in their own dossier.
Status App::migrate_blob_holdings() {
  WX_ASSIGN_OR_RETURN(size_t partials, blobs_->discard_all_partials());
  size_t granted = 0, shared = 0;
  std::error_code ec;
  const std::filesystem::path root = config_.blobs();
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const std::string sha = it->path().filename().string();
    if (!it->is_regular_file() || !is_valid_sha256(sha)) continue;
    Query q;
    q.type = "blob";
    q.field = "sha256";
    q.equals = sha;
    WX_ASSIGN_OR_RETURN(auto docs, store_->list(q));
    std::map<std::string, uint64_t> buckets;
    for (const json& d : docs)
      if (d.contains("size") && d["size"].is_number_unsigned())
        buckets.emplace(d.value("bucket", ""), d["size"].get<uint64_t>());
    for (const auto& [bucket, size] : buckets) {
      if (bucket.rfind("pupil:", 0) != 0) continue;
      WX_RETURN_IF_ERROR(holdings_->touch(bucket, sha, size, now_ms()));
      WX_RETURN_IF_ERROR(holdings_->complete(bucket, sha, now_ms()));
      ++granted;
    }
    if (buckets.size() > 1) ++shared;
  }
  if (ec) return make_error(WX_IO, "cannot list " + root.string() + ": " + ec.message());
  if (granted + partials == 0) return Status::ok();  // a new server: nothing to say
  std::fprintf(stdout,
               "{\"event\":\"blob_holdings_migrated\",\"granted\":%zu,\"named_by_several\":%zu,"
               "\"partials_discarded\":%zu}\n",
               granted, shared, partials);
  return Status::ok();
}

}  // namespace werkex::server
