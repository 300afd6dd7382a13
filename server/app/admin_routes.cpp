// The admin listener's routes, and how an admin step runs as a job (admin_jobs.hpp):
//   POST /v1/admin/{roster,export,retention,backup,nightly}  (admin_handler.cpp)
//        with `Prefer: respond-async`: 202, Location: /v1/admin/jobs/{id}, the job's state
//        without it: the step's answer once it ended (what werkex-admin before 0.x did)
//        either way 409 while another admin job runs
//   GET  /v1/admin/jobs       the recent jobs, newest first
//   GET  /v1/admin/jobs/{id}  one job: step, n of N, rate, time left; once done its answer
//   GET  /healthz
#include <algorithm>
#include <cctype>

#include "app.hpp"

namespace werkex::server {

namespace bhttp = boost::beast::http;

namespace {

// RFC 7240: Prefer is a comma-separated list of preferences, each maybe with parameters.
bool prefers_async(const http::Request& req) {
  std::string prefer(req[bhttp::field::prefer]);
  std::transform(prefer.begin(), prefer.end(), prefer.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  size_t at = 0;
  while (at <= prefer.size()) {
    size_t end = prefer.find(',', at);
    if (end == std::string::npos) end = prefer.size();
    std::string item = prefer.substr(at, std::min(prefer.find(';', at), end) - at);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item == "respond-async") return true;
    at = end + 1;
  }
  return false;
}

}  // namespace

// A backup copies the SQLite files; on PostgreSQL the database is backed up with pg_dump
// (README), and POST /v1/admin/backup answers 501. Every other step runs on either engine.
http::Response App::not_on_this_engine(const http::Request& req) {
  json body = {{"error",
                {{"code", "not_implemented"},
                 {"key", "not_implemented"},
                 {"message", "this step does not run on the '" + config_.store.engine +
                                 "' store engine yet (docs/design.md, Status)"}}}};
  return http::json_response(req, 501, body);
}

http::Response App::admin_step(const http::Request& req, const std::string& kind,
                               AdminJobs::Work work, const AdminPrincipal& admin,
                               http::RequestLog& log) {
  if (prefers_async(req)) {
    auto id = jobs_->start(kind, std::move(work), admin.school);
    if (!id) return http::error_response(req, id.error());
    log.note = kind + ": job " + *id;
    http::Response res = http::json_response(req, 202, *jobs_->status(*id, admin.school));
    res.set(bhttp::field::location, "/v1/admin/jobs/" + *id);
    res.set("Preference-Applied", "respond-async");
    return res;
  }
  auto answer = jobs_->run(kind, work, admin.school);
  if (!answer) return http::error_response(req, answer.error());
  log.note = kind + ": " + std::to_string(answer->status);
  return http::json_response(req, answer->status, answer->body);
}

http::Response App::handle_jobs(const http::Request& req, const std::string& id,
                                http::RequestLog& log) {
  auto admin = authenticate_admin(req, log);
  if (!admin) return http::error_response(req, admin.error());
  // A school's token sees its school's jobs only: a roster job's answer holds the codes.
  if (id.empty()) return http::json_response(req, 200, {{"jobs", jobs_->list(admin->school)}});
  auto job = jobs_->status(id, admin->school);
  if (!job)
    return http::error_response(
        req, make_error(WX_NOT_FOUND, "no admin job '" + id + "' (the last " +
                                          std::to_string(AdminJobs::kRecentJobs) + " are kept)"));
  return http::json_response(req, 200, *job);
}

void App::register_admin_routes(http::Router& router) {
  using Handler = http::Response (App::*)(const http::Request&, http::RequestLog&);
  struct Step {
    const char* path;
    const char* name;
    Handler handler;
    bool sqlite_only;     // copies the SQLite files (not_on_this_engine)
    bool for_deployment;  // not a school's token's (authenticate_deployment_admin)
  };
  const Step steps[] = {{"/v1/admin/nightly", "nightly", &App::handle_nightly, false, true},
                        {"/v1/admin/export", "export", &App::handle_export, false, false},
                        {"/v1/admin/retention", "retention", &App::handle_retention, false, false},
                        {"/v1/admin/backup", "backup", &App::handle_backup, true, true},
                        {"/v1/admin/roster", "roster", &App::handle_roster, false, false}};
  for (const Step& step : steps) {
    router.add(bhttp::verb::post, step.path,
               [this, step](const http::Request& r, const http::RouteParams&, http::RequestLog& l) {
                 if (step.sqlite_only && !on_sqlite()) {
                   // Who asks is judged first: 401 and 403 mean the same on every engine.
                   auto who = step.for_deployment ? authenticate_deployment_admin(r, step.name, l)
                                                  : authenticate_admin(r, l);
                   if (!who) return http::error_response(r, who.error());
                   return not_on_this_engine(r);
                 }
                 return (this->*step.handler)(r, l);
               });
  }
  router.add(bhttp::verb::get, "/v1/admin/jobs",
             [this](const http::Request& r, const http::RouteParams&, http::RequestLog& l) {
               return handle_jobs(r, "", l);
             });
  router.add(bhttp::verb::get, "/v1/admin/jobs/{id}",
             [this](const http::Request& r, const http::RouteParams& p, http::RequestLog& l) {
               return handle_jobs(r, p.at("id"), l);
             });
  router.add(bhttp::verb::get, "/healthz",
             [this](const http::Request& r, const http::RouteParams&, http::RequestLog&) {
               return health(r);
             });
}

}  // namespace werkex::server
