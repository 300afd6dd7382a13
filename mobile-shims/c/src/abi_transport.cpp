// The C ABI's way to the server: transports (libcurl, or the app's own HTTP stack through a
// callback), the response the callback fills in, and the sync calls.
#include <algorithm>
#include <chrono>
#include <cstring>

#include "abi_internal.hpp"
#include "json_args.hpp"
#ifdef WERKEX_WITH_CURL
#include "werkex/curl_transport.hpp"
#endif
#include "werkex/sync_session.hpp"

using namespace werkex;
using namespace werkex::abi;

struct wx_http_response {
  uint32_t magic = kResponseMagic;
  HttpResponse response;
};

namespace werkex::abi {

NetworkCall::NetworkCall(ReplicaCore& core) : core_(core) {
  std::lock_guard<std::mutex> hold(core_.network_mutex);
  core_.network_threads.push_back(std::this_thread::get_id());
}

NetworkCall::~NetworkCall() {
  std::lock_guard<std::mutex> hold(core_.network_mutex);
  auto& threads = core_.network_threads;
  threads.erase(std::find(threads.begin(), threads.end(), std::this_thread::get_id()));
  if (threads.empty()) core_.network_idle.notify_all();
}

bool in_network_call(ReplicaCore& core) {
  std::lock_guard<std::mutex> hold(core.network_mutex);
  auto& threads = core.network_threads;
  return std::find(threads.begin(), threads.end(), std::this_thread::get_id()) != threads.end();
}

namespace {

// Lets go of every level of the replica's lock for its lifetime, whatever way it ends.
class LockReleased {
 public:
  explicit LockReleased(ReentrantLock& lock) : lock_(lock), depth_(lock.release_all()) {}
  ~LockReleased() { lock_.reacquire(depth_); }
  LockReleased(const LockReleased&) = delete;
  LockReleased& operator=(const LockReleased&) = delete;

 private:
  ReentrantLock& lock_;
  int depth_;
};

}  // namespace

Result<HttpResponse> UnlockingTransport::send(const HttpRequest& request) {
  // Other threads may use the replica while this one waits for the server; the session
  // holds no transaction across a send.
  Result<HttpResponse> response = make_error(WX_INTERNAL, "unreachable");
  {
    LockReleased released(core_.lock);
    std::lock_guard<std::mutex> one_at_a_time(transport_.mutex);
    response = transport_.transport->send(request);
  }
  if (core_.closing)
    return make_error(WX_CLOSED, "the replica was closed while this call waited on the network");
  return response;
}

std::unique_lock<std::recursive_mutex> take_turn(wx_replica* handle,
                                                 std::recursive_mutex ReplicaCore::*turn) {
  if (!handle || handle->magic != kReplicaMagic || !handle->core) return {};
  ReplicaCore& core = *handle->core;
  // Called with the replica's lock held (from an observer), waiting could deadlock with the
  // call whose turn it is, which needs that lock after its send: then go without the turn
  // (two syncs at once only repeat idempotent work).
  if (core.lock.depth_held_by_this_thread() > 0)
    return std::unique_lock<std::recursive_mutex>(core.*turn, std::try_to_lock);
  return std::unique_lock<std::recursive_mutex>(core.*turn);
}

Status check_transport(wx_transport* handle, const char* function) {
  WX_RETURN_IF_ERROR(require(handle, function, "transport"));
  if (handle->magic != kTransportMagic || !handle->transport)
    return make_error(WX_INVALID_ARGUMENT,
                      std::string(function) + ": transport is not a wx_transport handle");
  return Status::ok();
}

}  // namespace werkex::abi

namespace {

Status check_response(wx_http_response* response, const char* function) {
  WX_RETURN_IF_ERROR(require(response, function, "response"));
  if (response->magic != kResponseMagic)
    return make_error(WX_INVALID_ARGUMENT,
                      std::string(function) + ": response is not the callback's wx_http_response");
  return Status::ok();
}

// Hands each request to the app's callback and turns its answer (or failure) into a Result.
Result<HttpResponse> send_through_callback(wx_send_fn send, void* ctx, const HttpRequest& req) {
  std::vector<wx_http_header> headers;
  headers.reserve(req.headers.size());
  for (const auto& [name, value] : req.headers) headers.push_back({name.c_str(), value.c_str()});
  wx_http_request c_request{req.method.c_str(),
                            req.url.c_str(),
                            headers.empty() ? nullptr : headers.data(),
                            headers.size(),
                            reinterpret_cast<const uint8_t*>(req.body.data()),
                            req.body.size()};
  wx_http_response response;
  wx_error error{};  // zeroed: the callback writes code and message only
  bool sent = send(ctx, &c_request, &response, &error);
  response.magic = 0;  // the callback's pointer is dead from here on
  if (!sent) {
    // The callback wrote the message; it may have filled the array without a NUL.
    std::string why(error.message, strnlen(error.message, sizeof error.message));
    if (why.empty()) why = "the app's transport gave no reason";
    return make_error(WX_UNAVAILABLE, req.method + " " + req.url + ": " + why);
  }
  // A binding bug, not a network failure: retrying would not help.
  if (response.response.status < 100 || response.response.status > 599)
    return make_error(WX_INTERNAL,
                      req.method + " " + req.url +
                          ": the app's transport reported success without an HTTP status "
                          "(set one with wx_http_response_set_status)");
  return std::move(response.response);
}

#ifdef WERKEX_WITH_CURL
Result<std::chrono::milliseconds> take_millis(ObjectArgs& args, std::string_view key,
                                              std::chrono::milliseconds fallback) {
  uint64_t ms = static_cast<uint64_t>(fallback.count());
  WX_RETURN_IF_ERROR(args.take(key, ms));
  return std::chrono::milliseconds(ms);
}
#endif

}  // namespace

extern "C" {

bool wx_http_response_set_status(wx_http_response* response, int status, wx_error* out_error) {
  const char* fn = "wx_http_response_set_status";
  return finish(guarded(fn,
                        [&]() -> Status {
                          WX_RETURN_IF_ERROR(check_response(response, fn));
                          if (status < 100 || status > 599)
                            return make_error(WX_INVALID_ARGUMENT,
                                              std::string(fn) + ": " + std::to_string(status) +
                                                  " is not an HTTP status (100..599)");
                          response->response.status = status;
                          return Status::ok();
                        }),
                out_error);
}

bool wx_http_response_add_header(wx_http_response* response, const char* name, const char* value,
                                 wx_error* out_error) {
  const char* fn = "wx_http_response_add_header";
  return finish(guarded(fn,
                        [&]() -> Status {
                          WX_RETURN_IF_ERROR(check_response(response, fn));
                          WX_RETURN_IF_ERROR(require(name, fn, "name"));
                          WX_RETURN_IF_ERROR(require(value, fn, "value"));
                          response->response.headers.emplace_back(name, value);
                          return Status::ok();
                        }),
                out_error);
}

bool wx_http_response_set_body(wx_http_response* response, const void* data, size_t size,
                               wx_error* out_error) {
  const char* fn = "wx_http_response_set_body";
  return finish(guarded(fn,
                        [&]() -> Status {
                          WX_RETURN_IF_ERROR(check_response(response, fn));
                          if (size > 0) WX_RETURN_IF_ERROR(require(data, fn, "data"));
                          response->response.body.assign(static_cast<const char*>(data), size);
                          return Status::ok();
                        }),
                out_error);
}

wx_transport* wx_transport_new_callback(wx_send_fn send, void* ctx, wx_free_fn free_ctx,
                                        wx_error* out_error) {
  const char* fn = "wx_transport_new_callback";
  CallbackContext context{ctx, free_ctx};
  wx_transport* handle = nullptr;
  Status s = guarded(fn, [&]() -> Status {
    WX_RETURN_IF_ERROR(require(reinterpret_cast<const void*>(send), fn, "send"));
    auto transport = std::make_unique<wx_transport>();
    transport->transport =
        std::make_unique<CallbackTransport>([send, ctx](const HttpRequest& request) {
          return send_through_callback(send, ctx, request);
        });
    transport->context = context;
    handle = transport.release();
    return Status::ok();
  });
  if (!finish(s, out_error)) context.free();  // handed over: it goes even on failure
  return handle;
}

wx_transport* wx_transport_new_curl(const char* options_json, wx_error* out_error) {
  const char* fn = "wx_transport_new_curl";
  wx_transport* handle = nullptr;
  Status s = guarded(fn, [&]() -> Status {
#ifndef WERKEX_WITH_CURL
    (void)options_json;
    return make_error(WX_INVALID_ARGUMENT,
                      std::string(fn) +
                          ": this build has no libcurl (WERKEX_WITH_CURL=OFF); "
                          "use wx_transport_new_callback");
#else
    WX_ASSIGN_OR_RETURN(ObjectArgs args,
                        ObjectArgs::parse(options_json, std::string(fn) + ": options", true));
    CurlOptions o;
    WX_ASSIGN_OR_RETURN(o.connect_timeout, take_millis(args, "connect_timeout_ms", o.connect_timeout));
    WX_ASSIGN_OR_RETURN(o.timeout, take_millis(args, "timeout_ms", o.timeout));
    WX_ASSIGN_OR_RETURN(o.backoff, take_millis(args, "backoff_ms", o.backoff));
    uint64_t attempts = static_cast<uint64_t>(o.max_attempts);
    WX_RETURN_IF_ERROR(args.take("max_attempts", attempts));
    if (attempts < 1 || attempts > 20)
      return make_error(WX_INVALID_ARGUMENT,
                        std::string(fn) + ": options: 'max_attempts': expected 1..20");
    o.max_attempts = static_cast<int>(attempts);
    WX_RETURN_IF_ERROR(args.take("ca_file", o.ca_file));
    WX_RETURN_IF_ERROR(args.take("verify_peer", o.verify_peer));
    WX_RETURN_IF_ERROR(args.take("user_agent", o.user_agent));
    WX_RETURN_IF_ERROR(args.finish({"connect_timeout_ms", "timeout_ms", "max_attempts",
                                    "backoff_ms", "ca_file", "verify_peer", "user_agent"}));
    auto transport = std::make_unique<wx_transport>();
    transport->transport = std::make_unique<CurlTransport>(o);
    handle = transport.release();
    return Status::ok();
#endif
  });
  if (!finish(s, out_error)) return nullptr;
  return handle;
}

void wx_transport_release(wx_transport* transport) {
  if (!transport || transport->magic != kTransportMagic) return;
  transport->transport.reset();
  transport->context.free();
  transport->magic = 0;
  delete transport;
}

bool wx_sync_enroll(wx_replica* replica, wx_transport* transport, const char* code,
                    wx_error* out_error) {
  const char* fn = "wx_sync_enroll";
  auto turn = take_turn(replica, &ReplicaCore::sync_turn);
  return status_call(replica, out_error, fn, [&](ReplicaCore& core) -> Status {
    WX_RETURN_IF_ERROR(check_transport(transport, fn));
    WX_RETURN_IF_ERROR(require(code, fn, "code"));
    NetworkCall network(core);
    UnlockingTransport unlocking(core, *transport);
    return SyncSession(*core.replica, unlocking).enroll(code);
  });
}

wx_buffer* wx_sync_run(wx_replica* replica, wx_transport* transport, const char* options_json,
                       wx_error* out_error) {
  const char* fn = "wx_sync_run";
  auto turn = take_turn(replica, &ReplicaCore::sync_turn);
  return text_call(replica, out_error, fn, [&](ReplicaCore& core) -> Result<std::string> {
    WX_RETURN_IF_ERROR(check_transport(transport, fn));
    WX_ASSIGN_OR_RETURN(ObjectArgs args,
                        ObjectArgs::parse(options_json, std::string(fn) + ": options", true));
    SyncOptions options;
    uint64_t page_limit = options.page_limit,
             max_rounds = static_cast<uint64_t>(options.max_rounds);
    std::string wire = wire_format_name(options.wire);
    WX_RETURN_IF_ERROR(args.take("page_limit", page_limit));
    WX_RETURN_IF_ERROR(args.take("max_rounds", max_rounds));
    WX_RETURN_IF_ERROR(args.take("wire", wire));
    WX_RETURN_IF_ERROR(args.finish({"page_limit", "max_rounds", "wire"}));
    if (page_limit < 1 || page_limit > 10000 || max_rounds < 1 || max_rounds > 100000)
      return make_error(WX_INVALID_ARGUMENT, std::string(fn) +
                                                 ": options: expected page_limit 1..10000 and "
                                                 "max_rounds 1..100000");
    auto format = wire_format_from_name(wire);
    if (!format)
      return make_error(WX_INVALID_ARGUMENT, std::string(fn) +
                                                 ": options: 'wire': expected json, "
                                                 "cbor or msgpack, got '" +
                                                 wire + "'");
    options.page_limit = static_cast<size_t>(page_limit);
    options.max_rounds = static_cast<int>(max_rounds);
    options.wire = *format;
    options.blobs = &*core.blobs;
    NetworkCall network(core);
    UnlockingTransport unlocking(core, *transport);
    WX_ASSIGN_OR_RETURN(SyncReport report, SyncSession(*core.replica, unlocking, options).run());
    return report.to_json().dump();
  });
}

}  // extern "C"
