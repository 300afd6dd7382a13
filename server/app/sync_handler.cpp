// POST /v1/sync: push and pull in one idempotent round trip (protocol.hpp).
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include "access.hpp"
#include "app.hpp"
#include "entry_days.hpp"
#include "http/negotiation.hpp"
#include "notify.hpp"
#include "push_check.hpp"
#include "signing_keys.hpp"
#include "signoff_check.hpp"
#include "werkex/ids.hpp"
#include "werkex/messages.hpp"
#include "werkex/protocol.hpp"

namespace werkex::server {

// A revoked device that was reported lost learns here that it must wipe what it holds.
http::Response App::refuse_device(const http::Request& req, const Error& e) {
  constexpr std::string_view kBearer = "Bearer ";
  auto auth = req[boost::beast::http::field::authorization];
  if (e.code != WX_UNAUTHENTICATED || auth.substr(0, kBearer.size()) != kBearer)
    return refuse(req, e);
  auto wipe = auth_->wipe_ordered(std::string(auth.substr(kBearer.size())));
  if (!wipe) return refuse(req, wipe.error());
  if (!*wipe) return refuse(req, e);
  metrics_.add("werkex_device_wipes_told_total", "");
  json err = http::error_body(error_of(WX_UNAUTHENTICATED, Msg::device_wiped),
                              http::message_language(req));
  err["error"]["wipe"] = true;
  return http::json_response(req, 401, err);
}

http::Response App::handle_sync(const http::Request& req, http::RequestLog& log) {
  auto device = authenticate(req, log);
  if (!device) return refuse_device(req, device.error());
  http::DecodedBody body = http::decode_request(req);
  if (body.refusal) return std::move(*body.refusal);
  auto parsed = protocol::sync_request_from_json(body.value);
  if (!parsed) return http::error_response(req, parsed.error());
  const protocol::SyncRequest& sync = *parsed;
  if (sync.replica != device->replica)
    return http::error_response(
        req, make_error(WX_PERMISSION_DENIED, "this token belongs to another device"));

  std::lock_guard lock(mu_);
  const uint64_t now = now_ms();
  if (Status s = apply_key_revocations(*dossiers_, *auth_, now); !s)
    return http::error_response(req, s.error());
  auto access = access_of(device->person);
  if (!access) return http::error_response(req, access.error());

  // A phone whose clock runs ahead must not win every future conflict: refuse the whole push
  // and tell the device the server's time, so it can correct and re-stamp (design.md).
  for (const Change& c : sync.push.changes) {
    uint64_t stamped = c.state.max_stamp().hlc.millis();
    if (c.state.max_stamp().replica == sync.replica && stamped > now + config_.max_clock_skew_ms) {
      metrics_.add("werkex_sync_changes_rejected_total", "reason=\"clock_skew\"",
                   double(sync.push.changes.size()));
      json err = http::error_body(
          error_of(WX_CLOCK_SKEW, Msg::clock_ahead,
                   {{"id", c.entity},
                    {"field", c.field},
                    {"ahead", std::to_string((stamped - now) / 1000)},
                    {"allowed", std::to_string(config_.max_clock_skew_ms / 1000)}}),
          http::message_language(req));
      err["error"]["server_clock"] = now;
      return http::json_response(req, 409, err);
    }
  }

  protocol::SyncResponse out;
  out.server_clock_ms = now;
  out.epoch = epoch_;
  out.clock_offset_ms = static_cast<int64_t>(now) - static_cast<int64_t>(sync.device_clock_ms);
  // What the server already holds is a no-op; the rest is judged on its new writes.
  auto judged = judge_push(*dossiers_, *auth_, *access, sync.push.changes);
  if (!judged) return http::error_response(req, judged.error());
  Bundle allowed = sync.push;
  allowed.changes = std::move(judged->accepted);
  out.rejected = std::move(judged->rejected);
  // Sign-offs (signoff_check.hpp): each is refused whole or accepted; an accepted sign-off
  // gets the server's verified_at in the same transaction as the push.
  auto verdicts =
      verify_pushed_signoffs(*dossiers_, *auth_, *access, allowed.changes, sync.pin_codes, now);
  if (!verdicts) return http::error_response(req, verdicts.error());
  if (!verdicts->refused.empty()) {
    auto& v = allowed.changes;
    v.erase(std::remove_if(v.begin(), v.end(),
                           [&](const Change& c) { return verdicts->refused.count(c.entity) > 0; }),
            v.end());
    out.rejected.insert(out.rejected.end(), verdicts->rejected.begin(), verdicts->rejected.end());
  }
  Result<ApplyReport> applied = ApplyReport{};
  // A pull alone writes nothing to the dossiers (not even an empty transaction), so it is
  // served on a full disk too (issue 10 item 8).
  Status stored = Status::ok();
  if (!allowed.changes.empty() || !verdicts->verified.empty())
    stored = dossiers_->write_together([&]() -> Status {
      applied = dossiers_->apply(allowed);
      if (!applied) return applied.status();
      WX_RETURN_IF_ERROR(
          fill_comment_authors(*dossiers_, judged->new_comments_without_author, access->person));
      WX_RETURN_IF_ERROR(stamp_verified(*dossiers_, verdicts->verified, now));
      // The signer is told of each new sign-off in her name; queued before the push commits,
      // so a stored sign-off always has its note (a failed commit leaves at most a note whose
      // retried push stores the sign-off).
      std::set<std::string> refused;
      for (const RejectedChange& r : applied->rejected) refused.insert(r.entity);
      return queue_signoff_notifications(*dossiers_, *auth_, verdicts->notify, refused, now);
    });
  if (!stored) return http::error_response(req, stored.error());
  if (mailer_ && !verdicts->notify.empty()) mailer_->wake();
  // A deleted blob entity takes its dossier's upload and holding with it (blob_access.cpp);
  // the push itself is stored, so a failure here only leaves bytes behind: counted and
  // logged, not answered.
  if (Status s = forget_deleted_blobs(allowed.changes); !s) {
    metrics_.add("werkex_blob_forget_failures_total", "");
    std::fprintf(stderr, "werkex-server: cannot forget deleted blobs: %s\n",
                 s.error().to_string().c_str());
  }
  out.push_upto = sync.push.upto_seq;
  out.applied = applied->applied;
  out.unchanged = applied->unchanged + judged->held.size();
  out.rejected.insert(out.rejected.end(), applied->rejected.begin(), applied->rejected.end());
  metrics_.add("werkex_sync_changes_applied_total", "", double(out.applied));
  for (auto& r : out.rejected)
    metrics_.add("werkex_sync_changes_rejected_total",
                 std::string("reason=\"") + error_code_name(r.error.code) + "\"");

  // No echo: a field whose server state is exactly what this device just sent is one it
  // already holds (its own state can only have grown since), so it is left out of the pull.
  std::map<std::tuple<std::string_view, std::string_view, std::string>, const FieldState*> pushed;
  for (const auto* list : {&allowed.changes, &judged->held})
    for (const Change& c : *list)
      pushed.emplace(std::tuple(std::string_view(c.entity), std::string_view(c.field),
                                c.element.is_null() ? std::string() : c.element.dump()),
                     &c.state);
  auto is_echo = [&](const Change& c) {
    if (pushed.empty()) return false;
    auto it = pushed.find(std::tuple(std::string_view(c.entity), std::string_view(c.field),
                                     c.element.is_null() ? std::string() : c.element.dump()));
    return it != pushed.end() && *it->second == c.state;
  };

  const size_t limit =
      sync.limit ? std::min(sync.limit, config_.max_page_limit) : config_.default_page_limit;
  // A filtered bucket's view names the set of its entities this user sees (access.hpp). When
  // it grows (a new placement brings a company, a supervisor and their key; an experience is
  // linked to her placement's activity) the device's cursor is past those entities' seqs, so
  // a changed view pulls that bucket again from 0; the device then purges what it held of the
  // bucket (sync_session.cpp), which is how what left the view leaves the device.
  for (const std::string& bucket : access->read) {
    auto cursor_it = sync.cursors.find(bucket);
    uint64_t cursor = cursor_it == sync.cursors.end() ? 0 : cursor_it->second;
    const std::string* view = nullptr;
    if (bucket == access->school_bucket && access->school_entities)
      view = &access->school_view;
    else if (auto pv = access->pupil_views.find(bucket); pv != access->pupil_views.end())
      view = &pv->second.digest;
    bool view_changed = false;
    if (view) {
      auto seen = sync.views.find(bucket);
      view_changed = seen == sync.views.end() || seen->second != *view;
      if (view_changed) cursor = 0;
    }
    ChangeFilter filter;
    filter.bucket = bucket;
    auto changes = dossiers_->changes_since(cursor, limit, filter);
    if (!changes) return http::error_response(req, changes.error());
    protocol::BucketPull pull;
    pull.cursor = changes->upto_seq;
    pull.more = changes->upto_seq < dossiers_->last_seq();
    if (view) pull.view = *view;
    auto& v = changes->changes;
    // In the grace days after her placements ended, a supervisor gets only the entries about
    // days within them (entry_days.hpp), not the pupil's new ones.
    if (auto ended = access->ended.find(bucket); ended != access->ended.end())
      if (Status s = keep_entries_within(*dossiers_, ended->second, v); !s)
        return http::error_response(req, s.error());
    // A device whose view changed purges the bucket before taking this page: it gets its own
    // writes back too.
    v.erase(std::remove_if(v.begin(), v.end(),
                           [&](const Change& c) {
                             return (view && !access->sees(bucket, c.entity)) || access->hides(c) ||
                                    (!view_changed && is_echo(c));
                           }),
            v.end());
    if (cursor == pull.cursor && changes->changes.empty() && cursor_it != sync.cursors.end() &&
        !view_changed)
      continue;
    if (bucket.rfind("pupil:", 0) == 0 && !changes->changes.empty()) {
      Status logged = record_read(*device, bucket, changes->changes.size());
      if (!logged) return http::error_response(req, logged.error());
    }
    metrics_.add("werkex_sync_changes_pulled_total", "", double(changes->changes.size()));
    out.more = out.more || pull.more;
    pull.changes = std::move(changes).value();
    out.buckets.emplace(bucket, std::move(pull));
  }
  for (auto& [bucket, _] : sync.cursors)
    if (!access->read.count(bucket)) out.revoked.push_back(bucket);
  log.note = "pushed " + std::to_string(sync.push.changes.size()) + ", rejected " +
             std::to_string(out.rejected.size());
  return http::negotiated_response(req, 200, protocol::to_json(out));
}

}  // namespace werkex::server
