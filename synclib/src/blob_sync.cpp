#include "werkex/blob_sync.hpp"

#include <algorithm>
#include <charconv>

#include "werkex/protocol.hpp"
#include "werkex/schema.hpp"

namespace werkex {

namespace {

constexpr const char* kPolicySetting = "blobs.policy";
// Answers that move nothing forward before an upload or download gives up for this run: a
// server that keeps answering without progress must not keep a phone busy.
constexpr int kMaxStalls = 3;

std::optional<uint64_t> parse_u64(std::string_view s) {
  uint64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// The server's own error (its JSON body), or one made from the status for answers without
// a body (HEAD) or from something that is not the werkex server.
Error server_error(const HttpResponse& resp) {
  json body = json::parse(resp.body, nullptr, false);
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    return protocol::error_from_json(body["error"],
                                     "server: ", "HTTP " + std::to_string(resp.status));
  }
  ErrorCode code = WX_INTERNAL;
  switch (resp.status) {
    case 400:
    case 416:
      code = WX_INVALID_ARGUMENT;
      break;
    case 401:
      code = WX_UNAUTHENTICATED;
      break;
    case 403:
      code = WX_PERMISSION_DENIED;
      break;
    case 404:
      code = WX_NOT_FOUND;
      break;
    case 409:
      code = WX_CONFLICT;
      break;
    case 413:
      code = WX_TOO_LARGE;
      break;
    case 429:
      code = WX_RATE_LIMITED;
      break;
    default:
      if (resp.status >= 500) code = WX_UNAVAILABLE;
  }
  return make_error(code, "server answered HTTP " + std::to_string(resp.status));
}

// "bytes START-END/TOTAL" or "bytes */TOTAL" (start and end then stay unset).
struct ContentRange {
  std::optional<uint64_t> start, end, total;
};

ContentRange parse_content_range(std::string_view v) {
  ContentRange r;
  if (v.substr(0, 6) != "bytes ") return r;
  v.remove_prefix(6);
  size_t slash = v.find('/');
  if (slash == std::string_view::npos) return r;
  r.total = parse_u64(v.substr(slash + 1));
  std::string_view span = v.substr(0, slash);
  size_t dash = span.find('-');
  if (span != "*" && dash != std::string_view::npos) {
    r.start = parse_u64(span.substr(0, dash));
    r.end = parse_u64(span.substr(dash + 1));
  }
  return r;
}

}  // namespace

const char* upload_policy_name(UploadPolicy policy) {
  return policy == UploadPolicy::wifi_only ? "wifi_only" : "always";
}

std::optional<UploadPolicy> upload_policy_from_name(std::string_view name) {
  if (name == "always") return UploadPolicy::always;
  if (name == "wifi_only") return UploadPolicy::wifi_only;
  return std::nullopt;
}

const char* network_kind_name(NetworkKind network) {
  switch (network) {
    case NetworkKind::none:
      return "none";
    case NetworkKind::cellular:
      return "cellular";
    case NetworkKind::wifi:
      return "wifi";
  }
  return "?";
}

std::optional<NetworkKind> network_kind_from_name(std::string_view name) {
  for (NetworkKind k : {NetworkKind::none, NetworkKind::cellular, NetworkKind::wifi})
    if (name == network_kind_name(k)) return k;
  return std::nullopt;
}

Result<UploadPolicy> upload_policy(const Replica& replica) {
  WX_ASSIGN_OR_RETURN(auto v, replica.setting(kPolicySetting));
  if (!v) return UploadPolicy::always;
  auto p = upload_policy_from_name(*v);
  if (!p)
    return make_error(WX_CORRUPT, std::string("setting ") + kPolicySetting + " is damaged: " + *v);
  return *p;
}

Status set_upload_policy(Replica& replica, UploadPolicy policy) {
  return replica.set_setting(kPolicySetting, upload_policy_name(policy));
}

json BlobUploadReport::to_json() const {
  json fails = json::array();
  for (auto& f : failures) fails.push_back({{"sha256", f.sha256}, {"reason", f.failure}});
  json out = {{"uploaded", uploaded},
              {"bytes", bytes},
              {"pending", pending},
              {"failed", failed},
              {"skipped_by_policy", skipped_by_policy},
              {"waiting_for_entity", waiting_for_entity},
              {"uploaded_hashes", uploaded_hashes},
              {"failures", fails}};
  if (stopped)
    out["stopped"] = {{"code", error_code_name(stopped->code)}, {"message", stopped->message}};
  if (!note.empty()) out["note"] = note;
  return out;
}

BlobSync::BlobSync(BlobStore& store, Transport& transport, BlobSyncOptions options)
    : store_(store), transport_(transport), options_(options) {
  if (options_.chunk_size == 0) options_.chunk_size = BlobSyncOptions().chunk_size;
}

Result<HttpResponse> BlobSync::send(std::string method, const std::string& sha, HttpHeaders headers,
                                    std::string body) {
  if (base_.empty()) {
    WX_ASSIGN_OR_RETURN(auto url, store_.replica().setting("server"));
    if (!url || url->empty())
      return make_error(WX_INVALID_ARGUMENT,
                        "no server configured for this replica (init --server URL)");
    WX_ASSIGN_OR_RETURN(auto token, store_.replica().setting("token"));
    if (!token || token->empty())
      return make_error(WX_UNAUTHENTICATED, "this device is not enrolled yet (enroll CODE)");
    base_ = *url;
    while (!base_.empty() && base_.back() == '/') base_.pop_back();
    token_ = *token;
  }
  headers.emplace_back("Authorization", "Bearer " + token_);
  return transport_.send(HttpRequest{std::move(method), base_ + "/v1/blobs/" + sha,
                                     std::move(headers), std::move(body)});
}

Result<BlobSync::Outcome> BlobSync::upload_one(const BlobInfo& blob, BlobUploadReport& report) {
  const std::string& sha = blob.sha256;
  auto fail = [&](const std::string& reason) -> Result<Outcome> {
    WX_RETURN_IF_ERROR(store_.mark_failed(sha, reason));
    return Outcome::failed;
  };
  auto stop = [&](Error e) -> Result<Outcome> {
    report.stopped = std::move(e);
    return Outcome::stop;
  };
  // Answers that say "not now" rather than "never": the blob stays queued.
  auto transient = [](const HttpResponse& r) {
    return r.status == 401 || r.status == 408 || r.status == 429 || r.status >= 500;
  };
  if (!store_.has(sha)) return fail("the file is no longer on this device; attach it again");

  auto head = send("HEAD", sha, {});
  if (!head) return stop(head.error());
  if (head->status == 404) {
    ++report.waiting_for_entity;
    return Outcome::keep;
  }
  if (transient(*head)) return stop(server_error(*head));
  if (head->status != 200) return fail(server_error(*head).to_string());
  auto size = parse_u64(head->header("X-Werkex-Blob-Size"));
  auto received = parse_u64(head->header("X-Werkex-Blob-Received"));
  if (!size || !received || *received > *size)
    return stop(make_error(WX_CORRUPT, "server: HEAD " + sha + " without valid blob size headers"));
  if (*size != blob.size)
    return fail("the server's blob entity declares " + std::to_string(*size) +
                " bytes; the file here has " + std::to_string(blob.size));

  uint64_t offset = *received;
  bool complete = offset == *size && *size > 0;
  int stalls = 0;
  // An empty blob still needs one PUT (without Content-Range) for the server to check it.
  bool first = true;
  while (!complete && (offset < *size || (*size == 0 && first))) {
    first = false;
    const size_t len = static_cast<size_t>(std::min<uint64_t>(options_.chunk_size, *size - offset));
    auto bytes = store_.read(sha, offset, len);
    if (!bytes) return fail("cannot read the local file: " + bytes.error().message);
    if (bytes->size() != len) return fail("the local file is shorter than its entity says");
    HttpHeaders headers{{"Content-Type", "application/octet-stream"}};
    if (*size > 0)
      headers.emplace_back("Content-Range", "bytes " + std::to_string(offset) + "-" +
                                                std::to_string(offset + len - 1) + "/" +
                                                std::to_string(*size));
    auto resp = send("PUT", sha, std::move(headers), std::move(bytes).value());
    if (!resp) return stop(resp.error());
    uint64_t now = offset;
    if (resp->status == 200) {
      json body = json::parse(resp->body, nullptr, false);
      if (!body.is_object() || !body.contains("received") || !body["received"].is_number_unsigned())
        return stop(make_error(WX_CORRUPT, "server: PUT " + sha + " answered without 'received'"));
      now = body["received"].get<uint64_t>();
      // value() would throw for a "complete" of another type: a server's answer is input.
      auto done = body.find("complete");
      if (done != body.end() && !done->is_boolean())
        return stop(make_error(WX_CORRUPT, "server: PUT " + sha +
                                               " answered a 'complete' that "
                                               "is not true or false"));
      complete = done != body.end() && done->get<bool>();
    } else if (resp->status == 409) {
      // The server has less (or more) than this chunk assumed: continue from what it has.
      auto r = parse_u64(resp->header("X-Werkex-Blob-Received"));
      json body = json::parse(resp->body, nullptr, false);
      if (!r && body.is_object() && body.contains("received") &&
          body["received"].is_number_unsigned())
        r = body["received"].get<uint64_t>();
      if (!r || *r > *size)
        return stop(make_error(WX_CORRUPT, "server: 409 for " + sha + " without 'received'"));
      now = *r;
    } else if (resp->status == 404) {
      ++report.waiting_for_entity;  // the entity went away meanwhile (deleted): ask again later
      return Outcome::keep;
    } else if (transient(*resp)) {
      return stop(server_error(*resp));
    } else {
      return fail(server_error(*resp).to_string());  // corrupt, size mismatch, forbidden, …
    }
    if (now > offset) {
      report.bytes += now - offset;
      stalls = 0;
    } else if (++stalls >= kMaxStalls && !complete) {
      report.note = "the server made no progress on blob " + sha + "; it stays queued";
      return Outcome::keep;
    }
    offset = now;
  }
  WX_RETURN_IF_ERROR(store_.mark_uploaded(sha));
  ++report.uploaded;
  report.uploaded_hashes.push_back(sha);
  return Outcome::uploaded;
}

Result<BlobUploadReport> BlobSync::upload_pending(NetworkKind network) {
  BlobUploadReport report;
  WX_ASSIGN_OR_RETURN(auto queue, store_.pending());
  WX_ASSIGN_OR_RETURN(UploadPolicy policy, upload_policy(store_.replica()));
  if (queue.empty()) {
    // nothing to send
  } else if (network == NetworkKind::none) {
    report.note = "no network: " + std::to_string(queue.size()) + " blob(s) wait";
  } else if (policy == UploadPolicy::wifi_only && network != NetworkKind::wifi) {
    report.skipped_by_policy = queue.size();
    report.note = "upload policy is wifi_only and the device is on " +
                  std::string(network_kind_name(network)) + ": " + std::to_string(queue.size()) +
                  " blob(s) wait for Wi-Fi";
  } else {
    for (const BlobInfo& b : queue) {
      WX_ASSIGN_OR_RETURN(Outcome o, upload_one(b, report));
      if (o == Outcome::stop) break;
    }
    if (report.stopped)
      report.note = "upload stopped (" + report.stopped->to_string() +
                    "); the rest stays queued and resumes on the next sync";
  }
  WX_ASSIGN_OR_RETURN(auto still, store_.pending());
  WX_ASSIGN_OR_RETURN(report.failures, store_.failed());
  report.pending = still.size();
  report.failed = report.failures.size();
  return report;
}

Result<std::string> BlobSync::fetch(const std::string& sha) {
  if (!is_valid_sha256_hex(sha))
    return make_error(WX_INVALID_ARGUMENT,
                      "'" + sha + "' is not a blob hash (64 lowercase hex digits of SHA-256)");
  if (store_.has(sha)) return store_.path(sha);
  std::string mime = "application/octet-stream";
  if (auto known = store_.info(sha); known && !known->mime.empty()) mime = known->mime;

  WX_ASSIGN_OR_RETURN(uint64_t offset, store_.partial_size(sha));
  uint64_t total = 0;
  bool total_known = false;  // from the first answer
  int stalls = 0;
  while (!total_known || offset < total) {
    if (stalls >= kMaxStalls)
      return make_error(WX_CORRUPT, "server: the download of " + sha + " made no progress");
    const uint64_t last = offset + options_.chunk_size - 1;
    auto resp = send("GET", sha,
                     {{"Range", "bytes=" + std::to_string(offset) + "-" + std::to_string(last)}});
    if (!resp) return resp.error();  // the partial file stays: the next fetch resumes
    if (resp->status == 206) {
      ContentRange cr = parse_content_range(resp->header("Content-Range"));
      if (!cr.start || !cr.end || !cr.total || *cr.start != offset || *cr.end < *cr.start ||
          resp->body.size() != *cr.end - *cr.start + 1 || *cr.end >= *cr.total)
        return make_error(WX_CORRUPT,
                          "server: a range answer for " + sha + " that does not match the request");
      WX_RETURN_IF_ERROR(store_.write_partial(sha, offset, resp->body));
      offset = *cr.end + 1;
      total = *cr.total;
      total_known = true;
      stalls = 0;
    } else if (resp->status == 200) {
      // A server that ignores Range sends everything: that replaces the partial file.
      WX_RETURN_IF_ERROR(store_.write_partial(sha, 0, resp->body));
      offset = resp->body.size();
      total = offset;
      total_known = true;
    } else if (resp->status == 416) {
      // Nothing at `offset`: the partial file is already whole, or longer than the blob.
      auto size = parse_content_range(resp->header("Content-Range")).total;
      if (!size) return server_error(*resp);
      if (offset == *size) break;
      WX_RETURN_IF_ERROR(store_.discard_partial(sha));
      offset = 0;
      total_known = false;
      ++stalls;
    } else {
      return server_error(*resp);
    }
  }
  if (offset == 0) {
    WX_RETURN_IF_ERROR(store_.write_partial(sha, 0, ""));  // an empty blob
  }
  WX_RETURN_IF_ERROR(store_.install_partial(sha, mime));
  return store_.path(sha);
}

}  // namespace werkex
