// The blob store's upload queue and the state of each blob: the `blobs` table says what this
// device attached or downloaded; a synced blob entity whose file is missing is remote_only.
#include <filesystem>
#include <set>

#include "blob_files.hpp"
#include "werkex/blob_store.hpp"
#include "werkex/schema.hpp"
#include "werkex/sqlite.hpp"

namespace werkex {

using namespace blobfs;

namespace {

Result<sql::Stmt> prepare(Replica& r, std::string_view q) {
  return sql::Stmt::prepare(r.database(), q);
}

}  // namespace

Result<std::vector<BlobInfo>> BlobStore::queue_rows(std::string_view state) const {
  WX_ASSIGN_OR_RETURN(auto st, prepare(*replica_,
                                       "SELECT b.hash, b.size, b.mime, coalesce(f.reason, '') "
                                       "FROM blobs b LEFT JOIN blob_failures f ON f.hash = b.hash "
                                       "WHERE b.state = ?1 ORDER BY b.hash"));
  st.bind(1, state);
  std::vector<BlobInfo> out;
  for (;;) {
    WX_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    BlobInfo b;
    b.sha256 = std::string(st.text(0));
    b.size = st.uint64(1);
    b.mime = std::string(st.text(2));
    b.state = state == kBlobFailed ? BlobState::failed : BlobState::local_pending_upload;
    b.failure = std::string(st.text(3));
    out.push_back(std::move(b));
  }
  return out;
}

Result<std::vector<BlobInfo>> BlobStore::pending() const {
  return queue_rows(kBlobPending);
}

Result<std::vector<BlobInfo>> BlobStore::failed() const {
  return queue_rows(kBlobFailed);
}

Result<std::vector<BlobInfo>> BlobStore::remote_only() const {
  std::set<std::string> queued;
  for (std::string_view s : {kBlobPending, kBlobFailed}) {
    WX_ASSIGN_OR_RETURN(auto rows, queue_rows(s));
    for (auto& b : rows) queued.insert(b.sha256);
  }
  Query q;
  q.type = "blob";
  WX_ASSIGN_OR_RETURN(auto docs, replica_->list(q));
  std::vector<BlobInfo> out;
  std::set<std::string> seen;
  for (const json& d : docs) {
    auto sha = d.find("sha256");
    if (sha == d.end() || !sha->is_string()) continue;
    std::string h = sha->get<std::string>();
    if (queued.count(h) || has(h) || !seen.insert(h).second) continue;
    auto size = d.find("size");
    out.push_back({h, size != d.end() && size->is_number_unsigned() ? size->get<uint64_t>() : 0,
                   d.value("mime", ""), BlobState::remote_only, ""});
  }
  return out;
}

Result<BlobInfo> BlobStore::info(const std::string& sha) const {
  if (!is_valid_sha256_hex(sha))
    return make_error(WX_INVALID_ARGUMENT,
                      "'" + sha + "' is not a blob hash (64 lowercase hex digits of SHA-256)");
  WX_ASSIGN_OR_RETURN(auto st, prepare(*replica_,
                                       "SELECT b.size, b.mime, b.state, coalesce(f.reason, '') "
                                       "FROM blobs b LEFT JOIN blob_failures f ON f.hash = b.hash "
                                       "WHERE b.hash = ?1"));
  st.bind(1, sha);
  WX_ASSIGN_OR_RETURN(bool row, st.step());
  if (row) {
    BlobInfo b{sha, st.uint64(0), std::string(st.text(1)), BlobState::uploaded,
               std::string(st.text(3))};
    std::string_view state = st.text(2);
    if (state == kBlobPending)
      b.state = BlobState::local_pending_upload;
    else if (state == kBlobFailed)
      b.state = BlobState::failed;
    else if (!has(sha))
      b.state = BlobState::remote_only;
    return b;
  }
  WX_ASSIGN_OR_RETURN(auto docs, replica_->list(Query::where("blob", "", "sha256", sha)));
  if (docs.empty()) return make_error(WX_NOT_FOUND, "no blob " + sha + " on this device");
  const json& d = docs.front();
  auto size = d.find("size");
  return BlobInfo{sha, size != d.end() && size->is_number_unsigned() ? size->get<uint64_t>() : 0,
                  d.value("mime", ""), has(sha) ? BlobState::uploaded : BlobState::remote_only, ""};
}

Status BlobStore::mark_uploaded(const std::string& sha) {
  Replica& r = *replica_;
  return r.write_together([&]() -> Status {
    WX_ASSIGN_OR_RETURN(auto st, prepare(r, "UPDATE blobs SET state = ?2 WHERE hash = ?1"));
    WX_RETURN_IF_ERROR(st.bind(1, sha).bind(2, kBlobUploaded).run());
    WX_ASSIGN_OR_RETURN(auto forget, prepare(r, "DELETE FROM blob_failures WHERE hash = ?1"));
    return forget.bind(1, sha).run();
  });
}

Status BlobStore::mark_failed(const std::string& sha, const std::string& reason) {
  Replica& r = *replica_;
  return r.write_together([&]() -> Status {
    WX_ASSIGN_OR_RETURN(auto st, prepare(r, "UPDATE blobs SET state = ?2 WHERE hash = ?1"));
    WX_RETURN_IF_ERROR(st.bind(1, sha).bind(2, kBlobFailed).run());
    WX_ASSIGN_OR_RETURN(
        auto why, prepare(r, "INSERT OR REPLACE INTO blob_failures(hash, reason) VALUES(?1, ?2)"));
    return why.bind(1, sha).bind(2, reason).run();
  });
}

Result<size_t> BlobStore::retry_failed() {
  Replica& r = *replica_;
  size_t requeued = 0;
  WX_RETURN_IF_ERROR(r.write_together([&]() -> Status {
    WX_ASSIGN_OR_RETURN(auto st, prepare(r, "UPDATE blobs SET state = ?1 WHERE state = ?2"));
    WX_RETURN_IF_ERROR(st.bind(1, kBlobPending).bind(2, kBlobFailed).run());
    requeued = static_cast<size_t>(r.database().changes());
    return r.database().exec("DELETE FROM blob_failures");
  }));
  return requeued;
}

Status BlobStore::retry_failed(const std::string& sha) {
  if (!is_valid_sha256_hex(sha))
    return make_error(WX_INVALID_ARGUMENT,
                      "'" + sha + "' is not a blob hash (64 lowercase hex digits of SHA-256)");
  Replica& r = *replica_;
  return r.write_together([&]() -> Status {
    WX_ASSIGN_OR_RETURN(auto st,
                        prepare(r, "UPDATE blobs SET state = ?1 WHERE hash = ?2 AND state = ?3"));
    WX_RETURN_IF_ERROR(st.bind(1, kBlobPending).bind(2, sha).bind(3, kBlobFailed).run());
    if (r.database().changes() == 0)
      return make_error(WX_NOT_FOUND, "blob " + sha + " has no failed upload on this device");
    WX_ASSIGN_OR_RETURN(auto forget, prepare(r, "DELETE FROM blob_failures WHERE hash = ?1"));
    return forget.bind(1, sha).run();
  });
}

}  // namespace werkex

namespace werkex {

// Files whose blob entity is gone — its dossier was revoked and purged, or the entity was
// deleted — must not outlive it on the phone: photos of a pupil belong to that pupil's
// dossier, and access to them ends with access to the dossier.
Result<size_t> BlobStore::remove_unreferenced() {
  std::set<std::string> referenced;
  Query q;
  q.type = "blob";
  WX_ASSIGN_OR_RETURN(auto docs, replica_->list(q));
  for (const json& d : docs)
    if (auto sha = d.find("sha256"); sha != d.end() && sha->is_string())
      referenced.insert(sha->get<std::string>());
  size_t removed = 0;
  std::vector<std::string> forgotten;
  for (const std::string& sub : {std::string(), std::string("/partial")}) {
    std::error_code ec;
    std::filesystem::directory_iterator it(dir_ + sub, ec), end;
    if (ec == std::errc::no_such_file_or_directory) continue;
    if (ec) return make_error(WX_IO, "cannot list " + dir_ + sub + ": " + ec.message());
    for (; it != end; it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (!is_valid_sha256_hex(name) || referenced.count(name)) continue;
      if (!std::filesystem::remove(it->path(), ec) && ec)
        return make_error(WX_IO, "cannot remove " + it->path().string() + ": " + ec.message());
      ++removed;
      forgotten.push_back(name);
    }
    if (ec) return make_error(WX_IO, "cannot list " + dir_ + sub + ": " + ec.message());
  }
  if (forgotten.empty()) return removed;
  Replica& r = *replica_;
  WX_RETURN_IF_ERROR(r.write_together([&]() -> Status {
    for (const std::string& sha : forgotten) {
      for (const char* table : {"blobs", "blob_failures"}) {
        WX_ASSIGN_OR_RETURN(auto st,
                            prepare(r, std::string("DELETE FROM ") + table + " WHERE hash = ?1"));
        WX_RETURN_IF_ERROR(st.bind(1, sha).run());
      }
    }
    return Status::ok();
  }));
  return removed;
}

}  // namespace werkex
