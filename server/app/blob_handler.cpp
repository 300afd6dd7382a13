// HEAD/PUT/GET /v1/blobs/{sha}: resumable upload and ranged download of blob bytes.
//
// A device first syncs the `blob` entity (sha256, size, ...), then sends the bytes; the
// entity decides who may touch them, exactly as /v1/sync decides who may touch the entity:
// read access to its bucket for HEAD and GET, write access (bucket and the schema's write
// roles of `blob`) for PUT. The same 404 answers a hash that exists nowhere and one that
// exists only in someone else's dossier, so there is no existence oracle across pupils.
// Lookups run under mu_ (the Replica); file I/O runs outside it, on BlobStore, which
// serialises the writes of one hash itself.
#include <algorithm>
#include <charconv>
#include <optional>
#include <tuple>

#include "access.hpp"
#include "app.hpp"

namespace werkex::server {

namespace bhttp = boost::beast::http;

struct App::BlobEntity {
  std::string id;
  std::string bucket;
  uint64_t size = 0;  // as declared by the entity
};

namespace {

constexpr const char* kSizeHeader = "X-Werkex-Blob-Size";
constexpr const char* kReceivedHeader = "X-Werkex-Blob-Received";

// A whole decimal number without sign, spaces or overflow.
std::optional<uint64_t> parse_u64(std::string_view s) {
  uint64_t v = 0;
  if (s.empty() || s.size() > 19) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// "START-END" with END inclusive; END may be empty when `open_end`.
std::optional<std::pair<uint64_t, std::optional<uint64_t>>> parse_span(std::string_view s,
                                                                       bool open_end) {
  size_t dash = s.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto start = parse_u64(s.substr(0, dash));
  if (!start) return std::nullopt;
  std::string_view end_text = s.substr(dash + 1);
  if (end_text.empty() && open_end) return std::make_pair(*start, std::optional<uint64_t>());
  auto end = parse_u64(end_text);
  if (!end || *end < *start) return std::nullopt;
  return std::make_pair(*start, std::optional<uint64_t>(*end));
}

struct Chunk {
  uint64_t start = 0, end = 0, total = 0;  // end exclusive
};

// Content-Range: bytes START-END/TOTAL; absent means the body is the whole blob.
Result<Chunk> parse_content_range(const http::Request& req) {
  auto it = req.find(bhttp::field::content_range);
  if (it == req.end()) return Chunk{0, req.body().size(), req.body().size()};
  const Error bad = make_error(WX_INVALID_ARGUMENT,
                               "Content-Range must be 'bytes START-END/TOTAL' (END inclusive)");
  std::string_view v = it->value();
  constexpr std::string_view kUnit = "bytes ";
  if (v.substr(0, kUnit.size()) != kUnit) return bad;
  v.remove_prefix(kUnit.size());
  size_t slash = v.find('/');
  if (slash == std::string_view::npos) return bad;
  auto span = parse_span(v.substr(0, slash), false);
  auto total = parse_u64(v.substr(slash + 1));
  if (!span || !total) return bad;
  if (*span->second >= *total)
    return make_error(WX_INVALID_ARGUMENT, "Content-Range ends at or past its TOTAL");
  return Chunk{span->first, *span->second + 1, *total};
}

// Range: bytes=START- or bytes=START-END, clamped to the blob: [start, end) or nothing when
// malformed or unsatisfiable (a 416).
std::optional<std::pair<uint64_t, uint64_t>> parse_range(std::string_view v, uint64_t size) {
  constexpr std::string_view kUnit = "bytes=";
  if (v.substr(0, kUnit.size()) != kUnit) return std::nullopt;
  auto span = parse_span(v.substr(kUnit.size()), true);
  if (!span || span->first >= size) return std::nullopt;
  uint64_t end = span->second ? std::min(*span->second + 1, size) : size;
  return std::make_pair(span->first, end);
}

}  // namespace

Status App::open_blobs() {
  WX_ASSIGN_OR_RETURN(blobs_, BlobStore::open(config_.data_dir + "/blobs"));
  metrics_.set_help("werkex_blob_bytes_received_total", "counter",
                    "Blob bytes stored by PUT (repeated bytes not counted)");
  metrics_.set_help("werkex_blob_bytes_sent_total", "counter", "Blob bytes sent by GET");
  metrics_.set_help("werkex_blob_uploads_completed_total", "counter",
                    "Blobs whose upload completed with a matching hash");
  metrics_.set_help("werkex_blob_rejects_total", "counter", "Blob requests refused, by reason");
  return Status::ok();
}

void App::register_blob_routes(http::Router& router) {
  auto route = [&](bhttp::verb method, auto handler) {
    router.add(
        method, "/v1/blobs/{sha}",
        [this, handler](const http::Request& r, const http::RouteParams& p, http::RequestLog& l) {
          return (this->*handler)(r, p.at("sha"), l);
        });
  };
  route(bhttp::verb::head, &App::handle_blob_head);
  route(bhttp::verb::put, &App::handle_blob_put);
  route(bhttp::verb::get, &App::handle_blob_get);
}

http::Response App::blob_refuse(const http::Request& req, const Error& e, http::RequestLog& log) {
  metrics_.add("werkex_blob_rejects_total",
               http::Metrics::label("reason", error_code_name(e.code)));
  if (e.code == WX_IO) {
    // The message names server paths: keep it for the access log, not for the client.
    log.note = e.message;
    return refuse(req, make_error(WX_IO, "the server could not access its blob files"));
  }
  return refuse(req, e);
}

Result<App::BlobEntity> App::find_blob(const Device& device, const std::string& sha,
                                       bool for_write) {
  if (!is_valid_sha256(sha))
    return make_error(WX_INVALID_ARGUMENT,
                      "a blob is named by its SHA-256 as 64 lowercase hex digits");
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(Access access,
                      compute_access(*dossiers_, device.person, rfc3339_utc(now_ms()).substr(0, 10),
                                     config_.supervisor_grace_days));
  std::optional<Error> refused;
  // Per readable dossier, so the lookup costs what this person can see: each query is a
  // range of the (type, bucket) index.
  for (const std::string& bucket : access.read) {
    if (bucket.rfind("pupil:", 0) != 0) continue;  // blobs live in pupils' dossiers
    Query q = Query::where("blob", bucket, "sha256", sha);
    WX_ASSIGN_OR_RETURN(auto found, dossiers_->list(q));
    for (const json& doc : found) {
      auto size = doc.find("size");
      if (size == doc.end() || !size->is_number_unsigned()) continue;
      BlobEntity e{doc.value("id", ""), bucket, size->get<uint64_t>()};
      if (!for_write) return e;
      Change probe{e.id, "blob", bucket, "sha256", json(), {}};
      Status may = authorize(access, dossiers_->schema(), probe);
      if (may) return e;
      refused = may.error();
    }
  }
  if (refused) return *refused;
  return make_error(WX_NOT_FOUND, "no blob " + sha + " in a dossier this device may " +
                                      (for_write ? "write" : "read"));
}

http::Response App::handle_blob_head(const http::Request& req, const std::string& sha,
                                     http::RequestLog& log) {
  auto device = authenticate(req, log);
  if (!device) return blob_refuse(req, device.error(), log);
  auto entity = find_blob(*device, sha, false);
  if (!entity) return blob_refuse(req, entity.error(), log);
  auto progress = blobs_->progress(sha);
  if (!progress) return blob_refuse(req, progress.error(), log);
  http::Response res{bhttp::status::ok, req.version()};
  res.keep_alive(req.keep_alive());
  res.set(kSizeHeader, std::to_string(entity->size));
  res.set(kReceivedHeader, std::to_string(progress->received));
  if (progress->complete) {
    res.set(bhttp::field::content_type, "application/octet-stream");
    res.set(bhttp::field::accept_ranges, "bytes");
    res.content_length(progress->received);  // as GET would answer; the router sends no body
  }
  return res;
}

http::Response App::handle_blob_put(const http::Request& req, const std::string& sha,
                                    http::RequestLog& log) {
  auto device = authenticate(req, log);
  if (!device) return blob_refuse(req, device.error(), log);
  auto entity = find_blob(*device, sha, true);
  if (!entity) return blob_refuse(req, entity.error(), log);
  auto chunk = parse_content_range(req);
  if (!chunk) return blob_refuse(req, chunk.error(), log);
  if (chunk->total > config_.max_blob_bytes)
    return blob_refuse(
        req,
        make_error(WX_TOO_LARGE, "this server accepts blobs of at most " +
                                     std::to_string(config_.max_blob_bytes) +
                                     " bytes; this one has " + std::to_string(chunk->total)),
        log);
  if (chunk->total != entity->size)
    return blob_refuse(
        req,
        make_error(WX_INVALID_ARGUMENT, "the upload's total " + std::to_string(chunk->total) +
                                            " is not the size " + std::to_string(entity->size) +
                                            " declared by blob entity " + entity->id),
        log);
  if (req.body().size() != chunk->end - chunk->start)
    return blob_refuse(
        req,
        make_error(WX_INVALID_ARGUMENT, "the body has " + std::to_string(req.body().size()) +
                                            " bytes but Content-Range announces " +
                                            std::to_string(chunk->end - chunk->start)),
        log);
  auto outcome = blobs_->append(sha, chunk->start, req.body(), chunk->total);
  if (!outcome) return blob_refuse(req, outcome.error(), log);
  if (outcome->gap) {
    metrics_.add("werkex_blob_rejects_total", http::Metrics::label("reason", "conflict"));
    json err = {{"error",
                 {{"code", error_code_name(WX_CONFLICT)},
                  {"message", "the chunk starts at byte " + std::to_string(chunk->start) +
                                  " but the server holds only " +
                                  std::to_string(outcome->received) + ": resume from there"}}},
                {"received", outcome->received}};
    http::Response res = http::json_response(req, 409, err);
    res.set(kReceivedHeader, std::to_string(outcome->received));
    return res;
  }
  metrics_.add("werkex_blob_bytes_received_total", "", double(outcome->written));
  if (outcome->complete && outcome->written > 0)
    metrics_.add("werkex_blob_uploads_completed_total", "");
  log.note = "blob " + std::to_string(outcome->received) + "/" + std::to_string(chunk->total) +
             (outcome->complete ? " complete" : "");
  http::Response res = http::json_response(req, 200,
                                           {{"sha256", sha},
                                            {"received", outcome->received},
                                            {"size", chunk->total},
                                            {"complete", outcome->complete}});
  res.set(kReceivedHeader, std::to_string(outcome->received));
  return res;
}

http::Response App::handle_blob_get(const http::Request& req, const std::string& sha,
                                    http::RequestLog& log) {
  auto device = authenticate(req, log);
  if (!device) return blob_refuse(req, device.error(), log);
  auto entity = find_blob(*device, sha, false);
  if (!entity) return blob_refuse(req, entity.error(), log);
  auto progress = blobs_->progress(sha);
  if (!progress) return blob_refuse(req, progress.error(), log);
  if (!progress->complete)
    return blob_refuse(
        req,
        make_error(WX_NOT_FOUND, "the server has " + std::to_string(progress->received) + " of " +
                                     std::to_string(entity->size) +
                                     " bytes of this blob; it is not uploaded yet"),
        log);
  const uint64_t size = progress->received;
  uint64_t start = 0, end = size;
  auto range = req.find(bhttp::field::range);
  if (range != req.end()) {
    auto span = parse_range(range->value(), size);
    if (!span) {
      metrics_.add("werkex_blob_rejects_total", http::Metrics::label("reason", "range"));
      http::Response res = http::error_response(
          req, make_error(WX_INVALID_ARGUMENT,
                          "Range must be 'bytes=START-' or 'bytes=START-END' within the blob's " +
                              std::to_string(size) + " bytes"));
      res.result(bhttp::status::range_not_satisfiable);
      res.set(bhttp::field::content_range, "bytes */" + std::to_string(size));
      return res;
    }
    std::tie(start, end) = *span;
  }
  auto bytes = blobs_->read(sha, start, end - start);
  if (!bytes) return blob_refuse(req, bytes.error(), log);
  // Every read of a pupil's dossier is accounted for, the bytes of a photo (by hash) as much
  // as its entity.
  if (Status logged =
          auth_->log_read(now_ms(), device->person, device->device_id, entity->bucket, 1, sha);
      !logged)
    return blob_refuse(req, logged.error(), log);
  metrics_.add("werkex_blob_bytes_sent_total", "", double(bytes->size()));
  log.note = "blob " + entity->bucket + " bytes " + std::to_string(start) + "-" +
             std::to_string(start + bytes->size());
  const bool partial = range != req.end();
  http::Response res{partial ? bhttp::status::partial_content : bhttp::status::ok, req.version()};
  res.keep_alive(req.keep_alive());
  res.set(bhttp::field::content_type, "application/octet-stream");
  res.set(bhttp::field::accept_ranges, "bytes");
  res.set(kSizeHeader, std::to_string(size));
  if (partial)
    res.set(bhttp::field::content_range, "bytes " + std::to_string(start) + "-" +
                                             std::to_string(start + bytes->size() - 1) + "/" +
                                             std::to_string(size));
  res.body() = std::move(bytes).value();
  res.prepare_payload();
  return res;
}

}  // namespace werkex::server
