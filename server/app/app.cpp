#include "app.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "access.hpp"
#include "http/negotiation.hpp"
#include "werkex/ids.hpp"
#include "werkex/protocol.hpp"

namespace werkex::server {

namespace bhttp = boost::beast::http;

Result<std::unique_ptr<App>> App::open(AppConfig config, http::Metrics& metrics) {
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec)
    return make_error(WX_IO,
                      "cannot create data directory '" + config.data_dir + "': " + ec.message());
  std::unique_ptr<App> app(new App(std::move(config), metrics));
  App* self = app.get();
  app->jobs_ = std::make_unique<AdminJobs>([self] { return self->now_ms(); });
  WX_RETURN_IF_ERROR(app->open_stores());
  app->auth_->set_max_buffered_reads(app->config_.access_log_buffer_rows);
  WX_ASSIGN_OR_RETURN(app->epoch_, app->auth_->epoch());
  WX_RETURN_IF_ERROR(app->open_blobs());
  if (app->config_.mail.enabled()) {
    app->mailer_ =
        std::make_unique<Mailer>(app->config_.mail, *app->auth_, [self] { return self->now_ms(); });
  }
  app->open_sync_service();
  SyncService::describe_metrics(metrics);
  metrics.set_help("werkex_rate_limited_total", "counter",
                   "Requests refused because their device was over its rate limit");
  metrics.set_help("werkex_access_log_buffered_rows", "gauge",
                   "Access-log rows waiting in memory because server.db cannot be written");
  metrics.set_help("werkex_enroll_rate_limited_total", "counter",
                   "Enrolment attempts refused because their client address was over its limit");
  return app;
}

http::Response App::durable(const http::Request& req,
                            const std::function<http::Response()>& handler) {
  int64_t before;
  {
    std::lock_guard lock(mu_);
    before = commits_->mark();
  }
  http::Response res = handler();
  int64_t after;
  {
    std::lock_guard lock(mu_);
    after = commits_->mark();
  }
  return once_durable(req, std::move(res), before, after);
}

http::Response App::once_durable(const http::Request& req, http::Response res, int64_t before,
                                 int64_t after, std::optional<uint64_t> batch) {
  // Unchanged: nothing was written meanwhile, by this request or any other.
  if (after == before) return res;
  // Durable past its mark, the batch it wrote in was committed or rolled back (dossier_mutex.hpp).
  if (!commits_->wait_durable(after) || (batch && mu_.failed(*batch))) {
    metrics_.add("werkex_durability_failures_total", "");
    return http::error_response(
        req, make_error(WX_IO, "the server could not make the write durable; send it again"));
  }
  return res;
}

void App::open_sync_service() {
  SyncLimits limits;
  limits.max_clock_skew_ms = config_.max_clock_skew_ms;
  limits.default_page_limit = config_.default_page_limit;
  limits.max_page_limit = config_.max_page_limit;
  limits.supervisor_grace_days = config_.supervisor_grace_days;
  SyncHooks hooks;
  if (mailer_) hooks.wake_mailer = [this] { mailer_->wake(); };
  hooks.forget_deleted_blobs = [this](const std::vector<Change>& stored) {
    return forget_deleted_blobs(stored);
  };
  hooks.commit_others_writes = [this] { return mu_.commit_batch(); };  // under mu_ already
  sync_ = std::make_unique<SyncService>(*store_, *auth_, access_cache_, metrics_, clock_, limits,
                                        epoch_, std::move(hooks));
}

Status App::record_read(const Device& device, const std::string& bucket, size_t changes,
                        const std::string& blob) {
  Status s = auth_->log_read(now_ms(), device.person, device.device_id, bucket, changes, blob);
  metrics_.set_gauge("werkex_access_log_buffered_rows", "", double(auth_->buffered_reads()));
  return s;
}

Status App::record_staff_read(const std::string& person, const std::string& page,
                              const std::string& bucket, size_t changes) {
  Status s = auth_->log_read(now_ms(), person, page, bucket, changes);
  metrics_.set_gauge("werkex_access_log_buffered_rows", "", double(auth_->buffered_reads()));
  return s;
}

uint64_t App::now_ms() {
  return clock_.now_millis();
}

void App::register_routes(http::Router& router) {
  register_blob_routes(router);
  router.add(bhttp::verb::post, "/v1/sync",
             [this](const http::Request& r, const http::RouteParams&, http::RequestLog& l) {
               return handle_sync(r, l);  // durable: it waits for its own marks
             });
  router.add(bhttp::verb::post, "/v1/enroll",
             [this](const http::Request& r, const http::RouteParams&, http::RequestLog& l) {
               return handle_enroll(r, l);
             });
  router.add(bhttp::verb::post, "/v1/keys",
             [this](const http::Request& r, const http::RouteParams&, http::RequestLog& l) {
               return durable(r, [&] { return handle_keys(r, l); });
             });
  router.add(bhttp::verb::get, "/v1/notifications",
             [this](const http::Request& r, const http::RouteParams&, http::RequestLog& l) {
               return handle_notifications(r, l);
             });
  router.add(bhttp::verb::post, "/v1/signoffs/{id}/dispute",
             [this](const http::Request& r, const http::RouteParams& p, http::RequestLog& l) {
               return durable(r, [&] { return handle_dispute(r, p.at("id"), l); });
             });
  router.add(bhttp::verb::get, "/healthz",
             [this](const http::Request& r, const http::RouteParams&, http::RequestLog&) {
               return health(r);
             });
  router.add(bhttp::verb::get, "/metrics",
             [this](const http::Request& r, const http::RouteParams&, http::RequestLog&) {
               http::Response res{bhttp::status::ok, r.version()};
               res.set(bhttp::field::content_type, "text/plain; version=0.0.4");
               res.keep_alive(r.keep_alive());
               res.body() = metrics_.render();
               res.prepare_payload();
               return res;
             });
}

// 200 while the dossier store answers; 503 with the reason when it does not (a load balancer
// then sends devices to another process).
http::Response App::health(const http::Request& req) {
  Status reachable = Status::ok();
  {
    std::lock_guard lock(mu_);
    reachable = store_->check_connection();
  }
  if (!reachable) {
    json body = http::error_body(reachable.error(), http::message_language(req));
    body["status"] = "unavailable";
    body["store"] = config_.store.engine;
    return http::json_response(req, 503, body);
  }
  return http::json_response(
      req, 200, {{"status", "ok"}, {"store", config_.store.engine}, {"server_clock", now_ms()}});
}

Result<Device> App::authenticate(const http::Request& req, http::RequestLog& log) {
  auto auth = req[bhttp::field::authorization];
  constexpr std::string_view kBearer = "Bearer ";
  if (auth.size() <= kBearer.size() || auth.substr(0, kBearer.size()) != kBearer)
    return make_error(WX_UNAUTHENTICATED, "missing 'Authorization: Bearer <device token>'");
  WX_ASSIGN_OR_RETURN(Device d, auth_->authenticate(std::string(auth.substr(kBearer.size())),
                                                    now_ms(), config_.token_idle_expiry_ms));
  log.user = d.person;
  log.device = d.device_id;
  // Keyed by the token, not by the replica id a request could name (issue 10 item 9).
  if (uint32_t wait_s = limiter_.acquire(d.token_key, now_ms())) {
    metrics_.add("werkex_rate_limited_total", "");
    return make_error(WX_RATE_LIMITED, "this device sent too many requests; retry in " +
                                           std::to_string(wait_s) + " s");
  }
  return d;
}

http::Response App::refuse(const http::Request& req, const Error& e) {
  http::Response res = http::error_response(req, e);
  if (e.code == WX_RATE_LIMITED) {
    // The time one token takes to come back bounds the wait; the message has the exact one.
    double per_token_s = 60.0 / std::max(config_.rate_limit.per_minute, 1e-3);
    res.set(bhttp::field::retry_after,
            std::to_string(static_cast<uint64_t>(std::max(1.0, std::ceil(per_token_s)))));
  }
  return res;
}

http::Response App::handle_enroll(const http::Request& req, http::RequestLog& log) {
  // Unauthenticated, and a code is a secret that can be guessed: attempts are limited per
  // client address (a school behind one NAT address enrols a class within the burst).
  if (uint32_t wait_s = enroll_limiter_.acquire(log.client_address, now_ms())) {
    metrics_.add("werkex_enroll_rate_limited_total", "");
    http::Response res = http::error_response(
        req,
        make_error(WX_RATE_LIMITED, "too many enrolment attempts from this address; retry in " +
                                        std::to_string(wait_s) + " s"));
    res.set(bhttp::field::retry_after, std::to_string(wait_s));
    return res;
  }
  http::DecodedBody decoded = http::decode_request(req);
  if (decoded.refusal) return std::move(*decoded.refusal);
  json* body = &decoded.value;
  if (!body->is_object() || !(*body)["code"].is_string() || !(*body)["replica"].is_string() ||
      !replica_from_hex((*body)["replica"].get<std::string>()))
    return http::error_response(
        req,
        make_error(WX_INVALID_ARGUMENT,
                   "expected {\"code\": \"<enrolment code>\", \"replica\": \"<16 hex digits>\"}"));
  auto redeemed = auth_->redeem_invite((*body)["code"].get<std::string>(),
                                       (*body)["replica"].get<std::string>(), now_ms());
  if (!redeemed) return http::error_response(req, redeemed.error());
  auto [token, person] = *redeemed;
  log.user = person;
  // Enrolments are in the audit log (Inzage): which device got a token for whom. A device
  // enrolling again replaces its earlier tokens, so this line also marks their revocation.
  if (Status s = auth_->audit(now_ms(), person, "device_enrolled", person,
                              "device " + (*body)["replica"].get<std::string>());
      !s)
    return http::error_response(req, s.error());
  std::lock_guard lock(mu_);
  auto access = access_of(person);
  if (!access) return http::error_response(req, access.error());
  const Access& a = **access;
  protocol::EnrollResponse out{token, {person, a.role, a.own_bucket(), a.school_bucket}};
  return http::negotiated_response(req, 200, protocol::to_json(out));
}

Result<AccessPtr> App::access_of(const std::string& person) {
  return access_cache_.get(*store_, person, rfc3339_utc(now_ms()).substr(0, 10),
                           config_.supervisor_grace_days);
}

}  // namespace werkex::server
