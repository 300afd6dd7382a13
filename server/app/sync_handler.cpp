// POST /v1/sync: push and pull in one idempotent round trip (protocol.hpp).
// The sync itself is SyncService's (sync_service.hpp); this is its HTTP side: who asks, in
// which encoding, and how the answer or refusal is written — once what the sync wrote (the
// key revocations too) is on disk (GroupCommit).
#include "app.hpp"
#include "http/negotiation.hpp"
#include "sync_service.hpp"
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
  auto request = protocol::sync_request_from_json(body.value);
  if (!request) return http::error_response(req, request.error());
  if (request->replica != device->replica)
    return http::error_response(
        req, make_error(WX_PERMISSION_DENIED, "this token belongs to another device"));

  // The sync's writes join the open batch of syncs, committed by the next fsync's leader
  // (dossier_mutex.hpp).
  mu_.lock_for_sync();
  std::unique_lock lock(mu_, std::adopt_lock);
  Result<uint64_t> batch = mu_.join_batch();
  if (!batch) return http::error_response(req, batch.error());
  const int64_t before = commits_->mark();
  SyncOutcome outcome = sync_->sync(*device, *request);
  const int64_t after = commits_->mark();
  mu_.close_if_unwritten();
  lock.unlock();  // what follows only encodes and waits for the commit and fsync
  if (!outcome.response)
    return once_durable(req, sync_refusal(req, outcome), before, after, *batch);
  const protocol::SyncResponse& out = *outcome.response;
  log.note = "pushed " + std::to_string(request->push.changes.size()) + ", rejected " +
             std::to_string(out.rejected.size());
  return once_durable(req, http::negotiated_response(req, 200, protocol::to_json(out)), before,
                      after, *batch);
}

// The error body every refusal has; a clock-skew refusal adds the server's clock, which the
// device corrects its own by before it re-stamps (sync_session.cpp).
http::Response App::sync_refusal(const http::Request& req, const SyncOutcome& outcome) {
  const Error& e = outcome.response.error();
  json body = http::error_body(e, http::message_language(req));
  if (outcome.refused_at_server_clock_ms)
    body["error"]["server_clock"] = outcome.refused_at_server_clock_ms;
  return http::json_response(req, http::http_status_for(e.code), body);
}

}  // namespace werkex::server
