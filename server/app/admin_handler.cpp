// The admin API (issue 11), served only on the admin listener (`admin_listen`: loopback by
// default) and only to an admin token made offline by `werkex-admin admin-token`:
//   POST /v1/admin/roster  {"format": "oneroster", "files": {"manifest.csv": "...", ...}}
//                          {"format": "sis", "mapping": {...}, "files": {"export.csv": "..."}}
//   POST /v1/admin/backup  a backup of the data folder while the server serves (backup.hpp)
//   POST /v1/admin/retention  erase who left long enough ago, prune the logs (retention.hpp)
// reads the roster (every problem listed: 422 and nothing applied), applies it in one
// transaction (roster_import.hpp), and gives each new person a one-time enrolment code for
// the letters the caller prints. Codes exist only in this answer and as hashes in server.db.
#include "app.hpp"
#include "backup.hpp"
#include "http/negotiation.hpp"
#include "roster_import.hpp"
#include "school/oneroster.hpp"
#include "school/sis_export.hpp"

namespace werkex::server {

namespace bhttp = boost::beast::http;

namespace {

constexpr int kLetterCodeHours = 14 * 24;  // two weeks to hand the letters out in class

Error bad(const std::string& why) {
  return make_error(WX_INVALID_ARGUMENT,
                    "expected {\"format\": \"oneroster\"|\"sis\", \"files\": {NAME: TEXT, ...}"
                    "[, \"mapping\": {...}]}: " +
                        why);
}

// The request's shape, checked strictly; the readers judge the contents.
Result<school::RosterRead> read_roster(const json& body) {
  if (!body.is_object()) return bad("the body is not an object");
  for (auto& [k, _] : body.items())
    if (k != "format" && k != "files" && k != "mapping") return bad("unknown key '" + k + "'");
  const std::string format = body.value("format", "");
  auto files = body.find("files");
  if (files == body.end() || !files->is_object() || files->empty())
    return bad("'files' must be an object naming at least one file");
  std::map<std::string, std::string> texts;
  for (auto& [name, text] : files->items()) {
    if (!text.is_string()) return bad("file '" + name + "' is not a string");
    texts[name] = text.get<std::string>();
  }
  if (format == "oneroster") {
    if (body.contains("mapping")) return bad("'mapping' goes with format \"sis\"");
    return school::read_oneroster(texts, school::RoleMapping{});
  }
  if (format == "sis") {
    if (!body.contains("mapping") || !body["mapping"].is_object())
      return bad("format \"sis\" needs a 'mapping' object");
    if (texts.size() != 1) return bad("format \"sis\" takes exactly one file");
    return school::read_sis_export(body["mapping"].dump(), texts.begin()->second,
                                   texts.begin()->first);
  }
  return bad("'format' must be \"oneroster\" or \"sis\"");
}

http::Response problems_response(const http::Request& req, const school::RosterRead& read) {
  json list = json::array();
  for (const auto& p : read.problems) list.push_back(p.to_string());
  return http::json_response(
      req, 422,
      {{"error",
        {{"code", "invalid_argument"},
         {"message", "the roster has " + std::to_string(read.problems.size()) +
                         " problem(s); nothing was applied"}}},
       {"problems", list}});
}

}  // namespace

Result<std::string> App::authenticate_admin(const http::Request& req, http::RequestLog& log) {
  auto auth = req[bhttp::field::authorization];
  constexpr std::string_view kBearer = "Bearer ";
  if (auth.size() <= kBearer.size() || auth.substr(0, kBearer.size()) != kBearer)
    return make_error(WX_UNAUTHENTICATED, "missing 'Authorization: Bearer <admin token>'");
  WX_ASSIGN_OR_RETURN(std::string label,
                      auth_->authenticate_admin(std::string(auth.substr(kBearer.size()))));
  log.user = "admin:" + label;
  return label;
}

http::Response App::handle_roster(const http::Request& req, http::RequestLog& log) {
  auto admin = authenticate_admin(req, log);
  if (!admin) return http::error_response(req, admin.error());
  http::DecodedBody body = http::decode_request(req);
  if (body.refusal) return std::move(*body.refusal);
  auto read = read_roster(body.value);
  if (!read) return http::error_response(req, read.error());
  if (!read->ok()) return problems_response(req, *read);

  std::lock_guard lock(mu_);
  const uint64_t now = now_ms();
  auto outcome = apply_roster(*dossiers_, read->roster, rfc3339_utc(now).substr(0, 10), now);
  if (!outcome) return http::error_response(req, outcome.error());
  json out = outcome->to_json();
  out["new_people"] = json::array();
  for (const NewPerson& p : outcome->new_people) {
    auto code = auth_->create_invite(p.id, kLetterCodeHours, now, "roster");
    if (!code) return http::error_response(req, code.error());
    out["new_people"].push_back({{"id", p.id},
                                 {"external_id", p.external_id},
                                 {"name", p.name},
                                 {"role", p.role},
                                 {"groups", p.groups},
                                 {"code", *code}});
  }
  if (Status s =
          auth_->audit(now, "admin:" + *admin, "roster_imported", "", outcome->to_json().dump());
      !s)
    return http::error_response(req, s.error());
  log.note = "roster: " + std::to_string(outcome->changes()) + " changes";
  return http::json_response(req, 200, out);
}

http::Response App::handle_backup(const http::Request& req, http::RequestLog& log) {
  auto admin = authenticate_admin(req, log);
  if (!admin) return http::error_response(req, admin.error());
  // Not under the dossier lock: the backup reads through its own connections (WAL), so
  // phones keep syncing while it runs.
  BackupOptions options{
      config_.backup_dir.empty() ? config_.data_dir + "/backups" : config_.backup_dir,
      config_.backup_keep};
  const uint64_t now = now_ms();
  auto report = make_backup(config_.data_dir, options, now);
  if (!report) return http::error_response(req, report.error());
  if (Status s = auth_->audit(now, "admin:" + *admin, "backup_made", report->folder); !s)
    return http::error_response(req, s.error());
  log.note = "backup " + report->folder;
  return http::json_response(req, 200, report->to_json());
}

http::Response App::handle_retention(const http::Request& req, http::RequestLog& log) {
  auto admin = authenticate_admin(req, log);
  if (!admin) return http::error_response(req, admin.error());
  auto report = apply_retention(config_.retention, "admin:" + *admin);
  if (!report) return http::error_response(req, report.error());
  log.note = "retention: " + std::to_string(report->dossiers_erased) + " erased";
  return http::json_response(req, 200, report->to_json());
}

void App::register_admin_routes(http::Router& router) {
  router.add(bhttp::verb::post, "/v1/admin/retention",
             [this](const http::Request& r, const http::RouteParams&, http::RequestLog& l) {
               return durable(r, [&] { return handle_retention(r, l); });
             });
  router.add(bhttp::verb::post, "/v1/admin/backup",
             [this](const http::Request& r, const http::RouteParams&, http::RequestLog& l) {
               return handle_backup(r, l);
             });
  router.add(bhttp::verb::post, "/v1/admin/roster",
             [this](const http::Request& r, const http::RouteParams&, http::RequestLog& l) {
               return durable(r, [&] { return handle_roster(r, l); });
             });
  router.add(bhttp::verb::get, "/healthz",
             [this](const http::Request& r, const http::RouteParams&, http::RequestLog&) {
               return http::json_response(r, 200, {{"status", "ok"}, {"server_clock", now_ms()}});
             });
}

}  // namespace werkex::server
