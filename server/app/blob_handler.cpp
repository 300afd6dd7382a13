// HEAD/PUT/GET /v1/blobs/{sha}: resumable upload and ranged download of blob bytes.
//
// A device first syncs the `blob` entity (sha256, size, ...), then sends the bytes into the
// entity's dossier (bucket); write access (bucket and the schema's write roles of `blob`) is
// needed for PUT, exactly as /v1/sync decides who may write the entity. Bytes belong to the
// dossier they were uploaded into (BlobHoldings): HEAD and GET need a readable bucket that
// holds them (and, for a supervisor, a blob entity of that dossier in her view of it:
// pupil_view.hpp), so naming someone else's hash in an entity of one's own gives nothing. HEAD
// answers received=0 for a bucket that does not hold the bytes even if another does, and the
// same 404 answers a hash that exists nowhere and one held only in someone else's dossier:
// no existence oracle across pupils. Uploads in progress are per bucket, so a garbage upload
// under another pupil's hash cannot block her own. Quotas: per dossier (413) and per device
// and day (429). Lookups run under mu_ (the dossier store); file I/O runs outside it, on
// BlobStore, which serialises the writes of one hash itself.
#include <algorithm>
#include <charconv>
#include <optional>
#include <tuple>

#include "access.hpp"
#include "app.hpp"
#include "werkex/messages.hpp"

namespace werkex::server {

namespace bhttp = boost::beast::http;

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

// Checks a PUT's Content-Range, body and total against the entity and the server's limit.
Result<Chunk> check_chunk(const http::Request& req, const BlobEntity& entity,
                          uint64_t max_blob_bytes) {
  WX_ASSIGN_OR_RETURN(Chunk chunk, parse_content_range(req));
  if (chunk.total > max_blob_bytes)
    return make_error(WX_TOO_LARGE, "this server accepts blobs of at most " +
                                        std::to_string(max_blob_bytes) + " bytes; this one has " +
                                        std::to_string(chunk.total));
  if (chunk.total != entity.size)
    return make_error(WX_INVALID_ARGUMENT, "the upload's total " + std::to_string(chunk.total) +
                                               " is not the size " + std::to_string(entity.size) +
                                               " declared by blob entity " + entity.id);
  if (req.body().size() != chunk.end - chunk.start)
    return make_error(WX_INVALID_ARGUMENT, "the body has " + std::to_string(req.body().size()) +
                                               " bytes but Content-Range announces " +
                                               std::to_string(chunk.end - chunk.start));
  return chunk;
}

http::Response put_answer(const http::Request& req, const std::string& sha, uint64_t received,
                          uint64_t size, bool complete) {
  http::Response res = http::json_response(
      req, 200, {{"sha256", sha}, {"received", received}, {"size", size}, {"complete", complete}});
  res.set(kReceivedHeader, std::to_string(received));
  return res;
}

http::Response gap_answer(const http::Request& req, const Chunk& chunk, uint64_t received) {
  json err = http::error_body(
      error_of(WX_CONFLICT, Msg::upload_gap,
               {{"start", std::to_string(chunk.start)}, {"received", std::to_string(received)}}),
      http::message_language(req));
  err["received"] = received;
  http::Response res = http::json_response(req, 409, err);
  res.set(kReceivedHeader, std::to_string(received));
  return res;
}

std::string utc_day(uint64_t now_ms) {
  return rfc3339_utc(now_ms).substr(0, 10);
}

uint64_t seconds_to_utc_midnight(uint64_t now_ms) {
  constexpr uint64_t kDayMs = 86400000;
  return (kDayMs - now_ms % kDayMs + 999) / 1000;
}

}  // namespace

Status App::open_blobs() {
  WX_ASSIGN_OR_RETURN(blobs_, BlobStore::open(config_.blobs()));
  WX_RETURN_IF_ERROR(open_blob_holdings());
  metrics_.set_help("werkex_blob_quota_refusals_total", "counter",
                    "Blob uploads refused by a quota (dossier: 413, device_day: 429)");
  metrics_.set_help("werkex_blob_partials_expired_total", "counter",
                    "Unfinished blob uploads deleted after blob_partial_max_age_s");
  metrics_.set_help("werkex_blob_forgotten_total", "counter",
                    "Blobs a dossier no longer holds because their entity was deleted");
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

Result<std::optional<std::pair<BlobEntity, Holding>>> App::held_blob(
    const std::vector<BlobEntity>& entities, const std::string& sha) {
  for (const BlobEntity& e : entities) {
    WX_ASSIGN_OR_RETURN(auto h, holdings_->get(e.bucket, sha));
    if (h && h->complete) return std::optional(std::make_pair(e, *h));
  }
  return std::optional<std::pair<BlobEntity, Holding>>();
}

http::Response App::handle_blob_head(const http::Request& req, const std::string& sha,
                                     http::RequestLog& log) {
  sweep_blobs_if_due();
  auto device = authenticate(req, log);
  if (!device) return blob_refuse(req, device.error(), log);
  auto entities = find_blobs(*device, sha, false);
  if (!entities) return blob_refuse(req, entities.error(), log);
  auto held = held_blob(*entities, sha);
  if (!held) return blob_refuse(req, held.error(), log);
  http::Response res{bhttp::status::ok, req.version()};
  res.keep_alive(req.keep_alive());
  if (*held) {
    const uint64_t size = (*held)->second.size;
    res.set(kSizeHeader, std::to_string(size));
    res.set(kReceivedHeader, std::to_string(size));
    res.set(bhttp::field::content_type, "application/octet-stream");
    res.set(bhttp::field::accept_ranges, "bytes");
    res.content_length(size);  // as GET would answer; the router sends no body
    return res;
  }
  // Only this dossier's own upload counts, never bytes another dossier holds.
  const BlobEntity& entity = entities->front();
  auto received = blobs_->partial_size(entity.bucket, sha);
  if (!received) return blob_refuse(req, received.error(), log);
  res.set(kSizeHeader, std::to_string(entity.size));
  res.set(kReceivedHeader, std::to_string(std::min(*received, entity.size)));
  return res;
}

Status App::check_blob_quotas(const Device& device, const BlobEntity& entity, uint64_t reserve,
                              uint64_t fresh) {
  if (reserve > 0) {
    WX_ASSIGN_OR_RETURN(uint64_t used, holdings_->bucket_bytes(entity.bucket));
    if (used + reserve > config_.blob_dossier_quota_bytes) {
      metrics_.add("werkex_blob_quota_refusals_total", http::Metrics::label("quota", "dossier"));
      return make_error(WX_TOO_LARGE,
                        "this dossier's blobs would take " + std::to_string(used + reserve) +
                            " bytes with this one; its quota is " +
                            std::to_string(config_.blob_dossier_quota_bytes) +
                            " bytes (uploads in progress count at their full size): delete "
                            "photos it no longer needs");
    }
  }
  WX_ASSIGN_OR_RETURN(uint64_t today, holdings_->device_bytes(device.device_id, utc_day(now_ms())));
  if (fresh > 0 && today + fresh > config_.blob_device_daily_bytes) {
    metrics_.add("werkex_blob_quota_refusals_total", http::Metrics::label("quota", "device_day"));
    return make_error(WX_RATE_LIMITED,
                      "this device uploaded " + std::to_string(today) +
                          " bytes today; it may upload " +
                          std::to_string(config_.blob_device_daily_bytes) +
                          " bytes a day: the rest waits until 00:00 UTC (Retry-After)");
  }
  return Status::ok();
}

http::Response App::handle_blob_put(const http::Request& req, const std::string& sha,
                                    http::RequestLog& log) {
  sweep_blobs_if_due();
  auto device = authenticate(req, log);
  if (!device) return blob_refuse(req, device.error(), log);
  auto found = find_blobs(*device, sha, true);
  if (!found) return blob_refuse(req, found.error(), log);
  const BlobEntity& entity = found->front();
  auto chunk = check_chunk(req, entity, config_.max_blob_bytes);
  if (!chunk) return blob_refuse(req, chunk.error(), log);
  auto held = holdings_->get(entity.bucket, sha);
  if (!held) return blob_refuse(req, held.error(), log);
  if (*held && (*held)->complete)  // this dossier holds it already: nothing to write
    return put_answer(req, sha, (*held)->size, (*held)->size, true);
  auto before = blobs_->partial_size(entity.bucket, sha);
  if (!before) return blob_refuse(req, before.error(), log);
  const uint64_t fresh = chunk->start <= *before && chunk->end > *before ? chunk->end - *before : 0;
  if (Status q = check_blob_quotas(*device, entity, held->has_value() ? 0 : chunk->total, fresh);
      !q) {
    http::Response res = blob_refuse(req, q.error(), log);
    if (q.error().code == WX_RATE_LIMITED)
      res.set(bhttp::field::retry_after, std::to_string(seconds_to_utc_midnight(now_ms())));
    return res;
  }
  if (Status s = holdings_->touch(entity.bucket, sha, chunk->total, now_ms()); !s)
    return blob_refuse(req, s.error(), log);
  // A last chunk creates the complete file and the holding together, under the hash's lock,
  // which forget_blob() takes too (in whichever process): never a holding without its file.
  Result<AppendOutcome> outcome =
      blobs_->append(entity.bucket, sha, chunk->start, req.body(), chunk->total,
                     [&] { return holdings_->complete(entity.bucket, sha, now_ms()); });
  if (!outcome) {
    // Wrong bytes, or a photo with its metadata still in it: the partial file is gone.
    const ErrorCode code = outcome.error().code;
    if (code == WX_CORRUPT || (code == WX_INVALID_ARGUMENT && chunk->end == chunk->total))
      (void)holdings_->drop(entity.bucket, sha);
    return blob_refuse(req, outcome.error(), log);
  }
  if (Status s =
          holdings_->add_device_bytes(device->device_id, utc_day(now_ms()), outcome->written);
      !s)
    return blob_refuse(req, s.error(), log);
  if (outcome->gap) {
    metrics_.add("werkex_blob_rejects_total", http::Metrics::label("reason", "conflict"));
    return gap_answer(req, *chunk, outcome->received);
  }
  metrics_.add("werkex_blob_bytes_received_total", "", double(outcome->written));
  if (outcome->complete && outcome->written > 0)
    metrics_.add("werkex_blob_uploads_completed_total", "");
  log.note = "blob " + std::to_string(outcome->received) + "/" + std::to_string(chunk->total) +
             (outcome->complete ? " complete" : "");
  return put_answer(req, sha, outcome->received, chunk->total, outcome->complete);
}

http::Response App::handle_blob_get(const http::Request& req, const std::string& sha,
                                    http::RequestLog& log) {
  auto device = authenticate(req, log);
  if (!device) return blob_refuse(req, device.error(), log);
  auto entities = find_blobs(*device, sha, false);
  if (!entities) return blob_refuse(req, entities.error(), log);
  auto held = held_blob(*entities, sha);
  if (!held) return blob_refuse(req, held.error(), log);
  if (!*held) {
    // Bytes another dossier holds do not count: this one's own upload is what it has.
    auto received = blobs_->partial_size(entities->front().bucket, sha);
    if (!received) return blob_refuse(req, received.error(), log);
    return blob_refuse(
        req,
        make_error(WX_NOT_FOUND, "the server has " + std::to_string(*received) + " of " +
                                     std::to_string(entities->front().size) +
                                     " bytes of this blob; it is not uploaded yet"),
        log);
  }
  const BlobEntity* entity = &(*held)->first;
  const uint64_t size = (*held)->second.size;
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
  if (Status logged = record_read(*device, entity->bucket, 1, sha); !logged)
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
