// The device's blob files and upload queue. Files: "<dir>/<sha>" complete and verified,
// "<dir>/tmp/" copies being made by attach, "<dir>/partial/<sha>" downloads in progress.
// Queue: the replica's `blobs(hash, size, mime, state)` table, plus `blob_failures(hash,
// reason)` for what the server refused.
#include "werkex/blob_store.hpp"

#include <algorithm>
#include <filesystem>

#include "blob_copy.hpp"
#include "blob_files.hpp"
#include "werkex/messages.hpp"
#include "werkex/schema.hpp"
#include "werkex/sqlite.hpp"

namespace werkex {

using namespace blobfs;

namespace {

// The file's own name, cut to the schema's 255 bytes on a UTF-8 boundary; "" if it is not
// UTF-8 (file names on Linux are bytes; entity text must be UTF-8).
std::string display_name(const std::string& file_path) {
  std::string name = std::filesystem::path(file_path).filename().string();
  if (!is_valid_utf8(name)) return "";
  if (name.size() > 255) {
    size_t cut = 255;
    while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
    name.resize(cut);
  }
  return name;
}

std::string allowed_list(const std::vector<std::string>& types) {
  std::string out;
  for (auto& t : types) out += (out.empty() ? "" : ", ") + t;
  return out;
}

}  // namespace

const char* blob_state_name(BlobState state) {
  switch (state) {
    case BlobState::local_pending_upload:
      return kBlobPending;
    case BlobState::uploaded:
      return kBlobUploaded;
    case BlobState::remote_only:
      return "remote_only";
    case BlobState::failed:
      return kBlobFailed;
  }
  return "?";
}

std::string guess_mime(std::string_view file_name) {
  size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  std::string ext(file_name.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "png") return "image/png";
  if (ext == "heic") return "image/heic";
  if (ext == "pdf") return "application/pdf";
  if (ext == "txt") return "text/plain";
  return "application/octet-stream";
}

std::string sha256_hex(std::string_view bytes) {
  if (sodium_init() < 0) return "";
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(bytes.data()),
                            bytes.size());
  return hex_of(st);
}

Result<BlobStore> BlobStore::open(Replica& replica, BlobStoreOptions options) {
  if (sodium_init() < 0) return make_error(WX_INTERNAL, "libsodium failed to initialise");
  std::string dir = options.dir;
  if (dir.empty()) {
    if (replica.path().empty() || replica.path() == ":memory:")
      return make_error(WX_INVALID_ARGUMENT, "an in-memory replica needs a blob directory");
    dir = replica.path() + ".blobs";
  }
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  WX_RETURN_IF_ERROR(replica.database().exec(
      "CREATE TABLE IF NOT EXISTS blob_failures(hash TEXT PRIMARY KEY, reason TEXT NOT NULL) "
      "WITHOUT ROWID"));
  return BlobStore(replica, std::move(dir), std::min(options.max_size, kMaxBlobSize));
}

std::string BlobStore::path(const std::string& sha) const {
  return dir_ + "/" + sha;
}

bool BlobStore::has(const std::string& sha) const {
  struct stat st;
  return is_valid_sha256_hex(sha) && ::stat(path(sha).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

Status BlobStore::ensure_dirs() const {
  std::error_code ec;
  for (const char* sub : {"/tmp", "/partial"}) {
    std::filesystem::create_directories(dir_ + sub, ec);
    if (ec) return make_error(WX_IO, "cannot create '" + dir_ + sub + "': " + ec.message());
  }
  // A pupil's photos, like the database, are for the owner only (the files are made 0600).
  for (const char* sub : {"", "/tmp", "/partial"}) {
    const std::string d = dir_ + sub;
    struct stat st;
    if (::stat(d.c_str(), &st) == 0 && (st.st_mode & 077) != 0 && ::chmod(d.c_str(), 0700) != 0)
      return sys_error("cannot make '" + d + "' private", errno);
  }
  return Status::ok();
}

Result<AttachedBlob> BlobStore::attach(const std::string& entity_id, const std::string& file_path,
                                       const std::string& mime, const std::string& caption) {
  Replica& r = *replica_;
  const TypeSpec* blob_type = r.schema().type("blob");
  const FieldSpec* attached_to = blob_type ? blob_type->field("attached_to") : nullptr;
  if (!attached_to) return make_error(WX_INTERNAL, "the schema has no blob.attached_to");
  const auto& writers = blob_type->write_roles;
  if (std::find(writers.begin(), writers.end(), r.identity().role) == writers.end())
    return error_of(WX_PERMISSION_DENIED, Msg::attach_role,
                    {{"role", r.identity().role}, {"writers", allowed_list(writers)}});
  // Everything that can be checked before copying is, so a refusal leaves nothing behind.
  auto target = r.get(entity_id);
  if (!target) {
    if (target.error().code == WX_NOT_FOUND)
      return error_of(WX_NOT_FOUND, Msg::attach_target_missing, {{"id", entity_id}});
    return target.error();
  }
  const std::string type = target->value("type", "");
  if (target->value("deleted", false))
    return error_of(WX_CONFLICT, Msg::entity_deleted, {{"type", type}, {"id", entity_id}});
  const auto& allowed = attached_to->ref_types;
  if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), type) == allowed.end())
    return error_of(WX_INVALID_ARGUMENT, Msg::attach_wrong_type,
                    {{"id", entity_id}, {"type", type}, {"allowed", allowed_list(allowed)}});

  WX_RETURN_IF_ERROR(ensure_dirs());
  WX_ASSIGN_OR_RETURN(StoredCopy copy, copy_into_store(dir_, file_path, max_size_));
  const std::string sha = copy.sha, final_path = path(copy.sha);
  const uint64_t size = copy.size;
  const bool fresh = copy.fresh;

  AttachedBlob result{"", sha, size, mime.empty() ? guess_mime(file_path) : mime};
  json doc = {{"type", "blob"},      {"bucket", target->value("bucket", "")},
              {"sha256", sha},       {"size", size},
              {"mime", result.mime}, {"attached_to", entity_id}};
  if (std::string name = display_name(file_path); !name.empty()) doc["file_name"] = name;
  if (!caption.empty()) doc["caption"] = caption;
  Status written = r.write_together([&]() -> Status {
    WX_ASSIGN_OR_RETURN(result.blob_id, r.put(doc));
    if (type == "experience") {
      json photos = {{"id", entity_id}, {"photos", {{"add", json::array({sha})}}}};
      WX_RETURN_IF_ERROR(r.put(photos).status());
    }
    // Re-attaching content the server refused queues it again.
    WX_ASSIGN_OR_RETURN(auto upsert,
                        sql::Stmt::prepare(r.database(),
                                           "INSERT INTO blobs(hash, size, mime, state) "
                                           "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(hash) DO UPDATE "
                                           "SET state = excluded.state"));
    WX_RETURN_IF_ERROR(
        upsert.bind(1, sha).bind(2, size).bind(3, result.mime).bind(4, kBlobPending).run());
    WX_ASSIGN_OR_RETURN(
        auto forget, sql::Stmt::prepare(r.database(), "DELETE FROM blob_failures WHERE hash = ?1"));
    return forget.bind(1, sha).run();
  });
  if (!written) {
    // The store goes back to how it was: a file nobody references would never be uploaded.
    if (fresh) ::unlink(final_path.c_str());
    return written.error();
  }
  return result;
}

Result<std::string> BlobStore::read(const std::string& sha, uint64_t offset, size_t length) const {
  const std::string p = path(sha);
  Fd in(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return sys_error("cannot open blob file '" + p + "'", errno);
  std::string out(length, '\0');
  WX_ASSIGN_OR_RETURN(size_t got, posix::read_full_at(in.get(), out.data(), length, offset,
                                                      "cannot read blob file", "'" + p + "'"));
  out.resize(got);
  return out;
}

static std::string partial_path(const std::string& dir, const std::string& sha) {
  return dir + "/partial/" + sha;
}

Result<uint64_t> BlobStore::partial_size(const std::string& sha) const {
  struct stat st;
  if (::stat(partial_path(dir_, sha).c_str(), &st) == 0) return static_cast<uint64_t>(st.st_size);
  if (errno == ENOENT) return uint64_t{0};
  return sys_error("cannot stat the partial download of " + sha, errno);
}

Status BlobStore::write_partial(const std::string& sha, uint64_t offset, std::string_view bytes) {
  if (!is_valid_sha256_hex(sha)) return make_error(WX_INVALID_ARGUMENT, "not a SHA-256: " + sha);
  WX_RETURN_IF_ERROR(ensure_dirs());
  const std::string p = partial_path(dir_, sha);
  Fd f(::open(p.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
  if (f.get() < 0) return sys_error("cannot open '" + p + "'", errno);
  struct stat st;
  if (::fstat(f.get(), &st) != 0) return sys_error("cannot stat '" + p + "'", errno);
  if (offset > static_cast<uint64_t>(st.st_size))
    return make_error(WX_INTERNAL, "write at " + std::to_string(offset) + " beyond the " +
                                       std::to_string(st.st_size) + " bytes of '" + p + "'");
  if (offset < static_cast<uint64_t>(st.st_size) &&
      ::ftruncate(f.get(), static_cast<off_t>(offset)) != 0)
    return sys_error("cannot cut '" + p + "'", errno);
  WX_RETURN_IF_ERROR(posix::write_all_at(f.get(), bytes, offset, "cannot write", p));
  if (::fsync(f.get()) != 0) return sys_error("cannot flush '" + p + "'", errno);
  return f.close(p);
}

Status BlobStore::discard_partial(const std::string& sha) {
  if (::unlink(partial_path(dir_, sha).c_str()) != 0 && errno != ENOENT)
    return sys_error("cannot remove the partial download of " + sha, errno);
  return Status::ok();
}

Status BlobStore::install_partial(const std::string& sha, const std::string& mime) {
  const std::string p = partial_path(dir_, sha);
  WX_ASSIGN_OR_RETURN(Hashed h, hash_file(p));
  if (h.sha != sha) {
    WX_RETURN_IF_ERROR(discard_partial(sha));
    return make_error(WX_CORRUPT, "the downloaded bytes of blob " + sha + " hash to " + h.sha +
                                      "; they were discarded");
  }
  if (::rename(p.c_str(), path(sha).c_str()) != 0)
    return sys_error("cannot move the download to '" + path(sha) + "'", errno);
  WX_RETURN_IF_ERROR(fsync_dir(dir_));
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(replica_->database(),
                                                  "INSERT INTO blobs(hash, size, mime, state) "
                                                  "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(hash) DO "
                                                  "UPDATE SET state = excluded.state"));
  return st.bind(1, sha).bind(2, h.size).bind(3, mime).bind(4, kBlobUploaded).run();
}

}  // namespace werkex
