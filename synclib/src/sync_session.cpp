#include "werkex/sync_session.hpp"

#include "werkex/device_wipe.hpp"

#include <algorithm>
#include <map>
#include <type_traits>

#include "werkex/blob_store.hpp"
#include "werkex/ids.hpp"
#include "werkex/messages.hpp"
#include "werkex/protocol.hpp"
#include "werkex/signoff.hpp"
#include "werkex/signoff_flow.hpp"

namespace werkex {

namespace {

constexpr const char* kPushMark = "sync.pushed_upto";
constexpr const char* kCursors = "sync.cursors";
constexpr const char* kViews = "sync.views";
constexpr const char* kOffset = "sync.clock_offset_ms";
constexpr const char* kEpoch = "sync.epoch";

// Settings are text; a damaged one is an error, never an exception.
Result<int64_t> setting_number(const Replica& r, const char* key) {
  WX_ASSIGN_OR_RETURN(auto v, r.setting(key));
  if (!v) return int64_t{0};
  json n = json::parse(*v, nullptr, false);
  if (!n.is_number_integer())
    return make_error(WX_CORRUPT, std::string("setting ") + key + " is damaged: " + *v);
  return n.get<int64_t>();
}

}  // namespace

json SyncReport::to_json() const {
  return {{"rounds", rounds},
          {"pushed", pushed},
          {"pulled", pulled},
          {"applied", applied},
          {"rejected", rejected_changes_json(rejected)},
          {"revoked", revoked},
          {"clock_offset_ms", clock_offset_ms},
          {"server_restored", server_restored}};
}

Result<std::string> SyncSession::server() const {
  WX_ASSIGN_OR_RETURN(auto url, replica_.setting("server"));
  if (!url || url->empty())
    return make_error(WX_INVALID_ARGUMENT,
                      "no server configured for this replica (init --server URL)");
  std::string u = *url;
  while (!u.empty() && u.back() == '/') u.pop_back();
  return u;
}

// An answer other than 200 becomes the server's own error (code and message from its JSON
// body), so "token revoked" or "clock skew" reach the caller as such.
Result<json> SyncSession::post(const std::string& path, const json& body, bool authenticated) {
  WX_ASSIGN_OR_RETURN(std::string base, server());
  const char* type = media_type(options_.wire);
  HttpRequest req{"POST",
                  base + path,
                  {{"Content-Type", type}, {"Accept", type}},
                  encode_body(body, options_.wire)};
  if (authenticated) {
    WX_ASSIGN_OR_RETURN(auto token, replica_.setting("token"));
    if (!token || token->empty())
      return make_error(WX_UNAUTHENTICATED, "this device is not enrolled yet (enroll CODE)");
    req.headers.emplace_back("Authorization", "Bearer " + *token);
  }
  WX_ASSIGN_OR_RETURN(HttpResponse resp, transport_.send(req));
  auto format = wire_format_from_content_type(resp.header("Content-Type"));
  Result<json> answer = format ? decode_body(resp.body, *format)
                               : Result<json>(make_error(WX_CORRUPT, "unknown Content-Type"));
  if (resp.status != 200) {
    if (answer && answer->is_object() && answer->contains("error") &&
        (*answer)["error"].is_object()) {
      const json& e = (*answer)["error"];
      if (e.contains("server_clock") && e["server_clock"].is_number_unsigned())
        refused_at_server_clock_ = e["server_clock"].get<uint64_t>();
      if (resp.status == 401 && e.value("wipe", false) == true) wipe_told_ = true;
      return protocol::error_from_json(e, "server: ", "HTTP " + std::to_string(resp.status));
    }
    return make_error(
        resp.status >= 500 || resp.status == 429 ? WX_UNAVAILABLE : WX_INTERNAL,
        "server answered HTTP " + std::to_string(resp.status) + " without a werkex error");
  }
  if (!answer)
    return make_error(WX_CORRUPT, "server answered 200 with a body that is not " +
                                      std::string(format ? wire_format_name(*format)
                                                         : resp.header("Content-Type")) +
                                      ": " + answer.error().message);
  return answer;
}

Status SyncSession::enroll(const std::string& code) {
  auto send = [&] {
    return post("/v1/enroll", {{"code", code}, {"replica", replica_to_hex(replica_.replica_id())}},
                false);
  };
  Result<json> answer = send();
  // The server binds a replica id to one person (409 conflict, the code not used up): a
  // device that holds nothing yet takes a fresh id and asks again; one with changes cannot.
  if (!answer && answer.error().code == WX_CONFLICT && replica_.last_seq() == 0) {
    WX_RETURN_IF_ERROR(replica_.renew_replica_id());
    answer = send();
  }
  if (!answer) return answer.error();
  WX_ASSIGN_OR_RETURN(auto enrolled, protocol::enroll_response_from_json(*answer));
  // Identity and token together: a device is never left with one and not the other.
  WX_RETURN_IF_ERROR(replica_.write_together([&]() -> Status {
    WX_RETURN_IF_ERROR(replica_.set_setting("token", enrolled.token));
    return replica_.set_identity(enrolled.identity);
  }));
  if (enrolled.identity.role == "supervisor") return register_signing_key();
  return Status::ok();
}

// A supervisor's phone signs sign-offs with its own Ed25519 key (signoff.hpp): made here,
// the secret kept in the replica's settings, the public key registered with the server,
// which syncs it as a signing_key entity to everyone who checks these sign-offs. A key made
// by an earlier, failed attempt is registered again rather than replaced.
Status SyncSession::register_signing_key() {
  WX_ASSIGN_OR_RETURN(auto secret, replica_.setting("signing.secret_key"));
  WX_ASSIGN_OR_RETURN(auto public_key, replica_.setting("signing.public_key"));
  if (!secret || !public_key) {
    WX_ASSIGN_OR_RETURN(SigningKey key, generate_signing_key());
    WX_RETURN_IF_ERROR(replica_.set_setting("signing.secret_key", key.secret_key));
    WX_RETURN_IF_ERROR(replica_.set_setting("signing.public_key", key.public_key));
    public_key = key.public_key;
  }
  WX_ASSIGN_OR_RETURN(json answer, post("/v1/keys", {{"public_key", *public_key}}, true));
  std::string expected = signing_key_id(*public_key);
  if (!answer.is_object() || !answer.contains("key_id") || answer["key_id"] != expected)
    return make_error(WX_CORRUPT, "server answered /v1/keys without the key id " + expected);
  return replica_.set_setting("signing.key_id", expected);
}

// What a run has done so far: how far this replica's changes went up, and per bucket how far
// it pulled and which filtered view that was.
struct SyncSession::Progress {
  uint64_t pushed_upto = 0;
  std::map<std::string, uint64_t> cursors;
  std::map<std::string, std::string> views;
  bool restamped = false;  // the changes of a clock that ran ahead were re-stamped once
};

namespace {

// A settings object of bucket → value; a damaged one is an error, never an exception.
template <typename T>
Status read_map(const Replica& r, const char* key, std::map<std::string, T>& out) {
  WX_ASSIGN_OR_RETURN(auto stored, r.setting(key));
  if (!stored) return Status::ok();
  json m = json::parse(*stored, nullptr, false);
  if (!m.is_object()) return make_error(WX_CORRUPT, std::string("setting ") + key + " is damaged");
  for (auto& [bucket, v] : m.items()) {
    bool ok = std::is_same_v<T, uint64_t> ? v.is_number_unsigned() : v.is_string();
    if (!ok) return make_error(WX_CORRUPT, std::string("setting ") + key + " is damaged");
    out[bucket] = v.template get<T>();
  }
  return Status::ok();
}

}  // namespace

Status SyncSession::load_progress(Progress& p) {
  WX_ASSIGN_OR_RETURN(int64_t pushed_mark, setting_number(replica_, kPushMark));
  p.pushed_upto = static_cast<uint64_t>(pushed_mark);
  WX_RETURN_IF_ERROR(read_map(replica_, kCursors, p.cursors));
  WX_RETURN_IF_ERROR(read_map(replica_, kViews, p.views));
  WX_ASSIGN_OR_RETURN(int64_t offset, setting_number(replica_, kOffset));
  replica_.clock().set_offset_millis(offset);
  return Status::ok();
}

Status SyncSession::save_progress(const Progress& p) {
  WX_RETURN_IF_ERROR(replica_.set_setting(kPushMark, std::to_string(p.pushed_upto)));
  WX_RETURN_IF_ERROR(replica_.set_setting(kCursors, json(p.cursors).dump()));
  return replica_.set_setting(kViews, json(p.views).dump());
}

Result<SyncReport> SyncSession::run() {
  wipe_told_ = false;
  Result<SyncReport> report = run_rounds();
  if (report || !wipe_told_) return report;
  // The server says this device was reported lost (device_wipe.hpp).
  auto allowed = wipe_on_revoke(replica_);
  if (!allowed) return allowed.error();
  if (!*allowed) return error_of(WX_UNAUTHENTICATED, Msg::device_wipe_off);
  WX_RETURN_IF_ERROR(wipe_device(replica_, options_.blobs).status());
  return error_of(WX_UNAUTHENTICATED, Msg::device_wiped_here);
}

Result<SyncReport> SyncSession::run_rounds() {
  SyncReport report;
  Progress p;
  WX_RETURN_IF_ERROR(load_progress(p));
  bool again = true;
  while (again) {
    if (++report.rounds > options_.max_rounds)
      return make_error(WX_INTERNAL, "sync did not finish within " +
                                         std::to_string(options_.max_rounds) + " rounds");
    WX_ASSIGN_OR_RETURN(again, round(p, report));
  }
  WX_RETURN_IF_ERROR(
      replica_.set_setting("sync.last_at", rfc3339_utc(replica_.clock().physical_millis())));
  return report;
}

Result<protocol::SyncRequest> SyncSession::next_request(const Progress& p) {
  protocol::SyncRequest req;
  req.replica = replica_.replica_id();
  req.device_clock_ms = replica_.clock().physical_millis() - replica_.clock().offset_millis();
  req.schema_version = replica_.schema().version();
  req.cursors = p.cursors;
  req.views = p.views;
  req.limit = options_.page_limit;
  ChangeFilter mine;
  mine.skip_from_server = true;
  WX_ASSIGN_OR_RETURN(req.push, replica_.changes_since(p.pushed_upto, options_.page_limit, mine));
  // The one-time code of each PIN sign-off typed here travels with that sign-off's push.
  WX_ASSIGN_OR_RETURN(auto codes, unsent_pin_codes(replica_));
  for (const Change& c : req.push.changes)
    if (auto it = codes.find(c.entity); it != codes.end()) req.pin_codes.insert(*it);
  return req;
}

Result<bool> SyncSession::round(Progress& p, SyncReport& report) {
  WX_ASSIGN_OR_RETURN(protocol::SyncRequest req, next_request(p));
  refused_at_server_clock_ = 0;
  auto answer = post("/v1/sync", protocol::to_json(req), true);
  if (!answer && answer.error().code == WX_CLOCK_SKEW && refused_at_server_clock_ && !p.restamped) {
    // This phone's clock runs ahead: take the server's time, give the refused (never
    // shared) changes fresh stamps from the corrected clock, and send them again.
    int64_t offset =
        static_cast<int64_t>(refused_at_server_clock_) - static_cast<int64_t>(req.device_clock_ms);
    replica_.clock().set_offset_millis(offset);
    WX_RETURN_IF_ERROR(replica_.set_setting(kOffset, std::to_string(offset)));
    WX_RETURN_IF_ERROR(replica_.restamp_ahead(p.pushed_upto, refused_at_server_clock_).status());
    p.restamped = true;
    return true;
  }
  if (!answer) return answer.error();
  WX_ASSIGN_OR_RETURN(auto resp, protocol::sync_response_from_json(*answer));
  // The server judged those sign-offs (verified, or refused with the reason): a code is
  // worth nothing any more either way, so it leaves this device.
  std::vector<std::string> answered;
  for (auto& [id, code] : req.pin_codes) answered.push_back(id);
  WX_RETURN_IF_ERROR(forget_pin_codes(replica_, answered));

  report.pushed += req.push.changes.size();
  report.clock_offset_ms = resp.clock_offset_ms;
  replica_.clock().set_offset_millis(resp.clock_offset_ms);
  WX_RETURN_IF_ERROR(replica_.set_setting(kOffset, std::to_string(resp.clock_offset_ms)));
  // What the server refused leaves this replica (kept in the quarantine); the buckets it
  // left are pulled again from the start, bringing back the server's states. Their cursors
  // go to 0 in the same transaction, so a crash cannot leave a withdrawn field empty.
  std::vector<std::string> repull;
  WX_RETURN_IF_ERROR(replica_.write_together([&]() -> Status {
    WX_ASSIGN_OR_RETURN(repull, replica_.withdraw_refused(resp.rejected, req.push));
    for (const std::string& bucket : repull) p.cursors[bucket] = 0;
    return replica_.set_setting(kCursors, json(p.cursors).dump());
  }));
  report.rejected.insert(report.rejected.end(), resp.rejected.begin(), resp.rejected.end());
  p.pushed_upto = req.push.upto_seq;
  WX_RETURN_IF_ERROR(take_pulls(p, resp, repull, report));
  WX_RETURN_IF_ERROR(save_progress(p));
  WX_ASSIGN_OR_RETURN(bool restored, note_epoch(p, resp.epoch, report));
  // More to push: a full page, or pulled changes that merged with something of ours.
  ChangeFilter mine;
  mine.skip_from_server = true;
  WX_ASSIGN_OR_RETURN(Bundle pending, replica_.changes_since(p.pushed_upto, 1, mine));
  return resp.more || !pending.changes.empty() || !repull.empty() || restored;
}

Status SyncSession::take_pulls(Progress& p, const protocol::SyncResponse& resp,
                               const std::vector<std::string>& repull, SyncReport& report) {
  for (const std::string& bucket : resp.revoked) {
    WX_RETURN_IF_ERROR(replica_.purge_bucket(bucket));
    p.cursors.erase(bucket);
    p.views.erase(bucket);
    report.revoked.push_back(bucket);
  }
  if (!resp.revoked.empty() && options_.blobs) {
    WX_RETURN_IF_ERROR(options_.blobs->remove_unreferenced().status());
  }
  bool purged = false;
  for (auto& [bucket, pull] : resp.buckets) {
    // A bucket the server filters for this user came with another view: what this device
    // holds of it may have left the view (an experience unlinked from a supervisor's
    // placement), and the server sends the whole view from the start. So the device forgets
    // the bucket and takes the view afresh - unless changes made here still wait to go up:
    // then this page is left for a later round, after they went (the view comes again).
    if (!pull.view.empty()) {
      auto known = p.views.find(bucket);
      if (known == p.views.end() || known->second != pull.view) {
        ChangeFilter mine;
        mine.bucket = bucket;
        mine.skip_from_server = true;
        WX_ASSIGN_OR_RETURN(Bundle waiting, replica_.changes_since(p.pushed_upto, 1, mine));
        if (!waiting.changes.empty()) continue;
        WX_RETURN_IF_ERROR(replica_.purge_bucket(bucket));
        purged = true;
      }
    }
    ApplyOptions from_server;
    from_server.from_server = true;
    WX_ASSIGN_OR_RETURN(ApplyReport applied, replica_.apply(pull.changes, from_server));
    report.pulled += applied.received;
    report.applied += applied.applied;
    // The server validated these already; a refusal here means the two disagree (e.g. an
    // older schema on the device): keep it visible rather than lose it.
    WX_RETURN_IF_ERROR(replica_.quarantine(applied.rejected));
    // A bucket withdrawn from is read again from the start in the next round.
    if (std::find(repull.begin(), repull.end(), bucket) == repull.end())
      p.cursors[bucket] = pull.cursor;
    if (!pull.view.empty()) p.views[bucket] = pull.view;
  }
  if (purged && options_.blobs) {
    WX_RETURN_IF_ERROR(options_.blobs->remove_unreferenced().status());
  }
  return Status::ok();
}

Result<bool> SyncSession::note_epoch(Progress& p, const std::string& epoch, SyncReport& report) {
  WX_ASSIGN_OR_RETURN(auto known, replica_.setting(kEpoch));
  if (epoch.empty() || known == epoch) return false;
  const bool restored = known.has_value();  // the first epoch seen is just noted
  if (restored) {
    // The restored server may lack what this device sent or pulled since the backup: send
    // everything again and pull every bucket from the start (merging makes both idempotent).
    p.pushed_upto = 0;
    p.cursors.clear();
    p.views.clear();
    report.server_restored = true;
  }
  WX_RETURN_IF_ERROR(replica_.write_together([&]() -> Status {
    WX_RETURN_IF_ERROR(save_progress(p));
    return replica_.set_setting(kEpoch, epoch);
  }));
  return restored;
}

}  // namespace werkex
