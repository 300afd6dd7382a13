// The admin API (issue 11), served only on the admin listener (`admin_listen`: loopback by
// default) and only to an admin token made offline by `werkex-admin admin-token`:
//   POST /v1/admin/roster  {"format": "oneroster", "files": {"manifest.csv": "...", ...}}
//                          {"format": "sis", "mapping": {...}, "files": {"export.csv": "..."}}
//   POST /v1/admin/backup  a backup of the data folder while the server serves (backup.hpp)
//   POST /v1/admin/retention  erase who left long enough ago, prune the logs (retention.hpp)
//   POST /v1/admin/export  {"only": [PUPIL_ID, ...], "force": false}: the dossiers that
//                          changed since the last run into export_dir (export/export_run.hpp)
//   POST /v1/admin/nightly the config's in-server nightly run, now (nightly_run.hpp)
// reads the roster (every problem listed: 422 and nothing applied), applies it in one
// transaction (roster_import.hpp), and gives each new person a one-time enrolment code for
// the letters the caller prints. Codes exist only in this answer and as hashes in server.db.
#include "app.hpp"
#include "backup.hpp"
#include "export/export_run.hpp"
#include "export/pupil_folder.hpp"
#include "http/negotiation.hpp"
#include "roster_import.hpp"
#include "school/oneroster.hpp"
#include "school/sis_export.hpp"
#include "werkex/json_object.hpp"
#include "werkex/messages.hpp"

namespace werkex::server {

namespace bhttp = boost::beast::http;

namespace {

constexpr int kLetterCodeHours = 14 * 24;  // two weeks to hand the letters out in class

constexpr std::string_view kRosterShape =
    "expected {\"format\": \"oneroster\"|\"sis\", \"files\": {NAME: TEXT, ...}"
    "[, \"mapping\": {...}][, \"roles\": {\"administrator\": ROLE, "
    "\"managers\": [ID, ...]}]}";

Error bad(const std::string& why) {
  return json_object::invalid(kRosterShape, why);
}

// OneRoster's role mapping (oneroster.hpp): {"administrator": "counsellor"|"manager",
// "managers": [users.csv sourcedId, ...]}, both optional; read_oneroster judges the role.
Result<school::RoleMapping> read_roles(const json& roles) {
  school::RoleMapping m;
  if (!roles.is_object()) return bad("'roles' is not an object");
  for (auto& [k, v] : roles.items()) {
    if (k == "administrator" && v.is_string()) {
      m.administrator = v.get<std::string>();
    } else if (k == "managers" && v.is_array()) {
      for (const json& id : v) {
        if (!id.is_string() || id.get<std::string>().empty())
          return bad("'roles.managers' holds sourcedIds (non-empty strings)");
        m.managers.insert(id.get<std::string>());
      }
    } else {
      return bad("'roles." + k + "' is unknown or of the wrong kind");
    }
  }
  return m;
}

// The request's shape, checked strictly; the readers judge the contents.
Result<school::RosterRead> read_roster(const json& body) {
  WX_RETURN_IF_ERROR(
      json_object::require_object(body, {"format", "files", "mapping", "roles"}, kRosterShape));
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
    school::RoleMapping roles;
    if (body.contains("roles")) {
      WX_ASSIGN_OR_RETURN(roles, read_roles(body["roles"]));
    }
    return school::read_oneroster(texts, roles);
  }
  if (format == "sis") {
    if (body.contains("roles")) return bad("'roles' goes with format \"oneroster\"");
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
  json body = http::error_body(error_of(WX_INVALID_ARGUMENT, Msg::roster_problems,
                                        {{"count", std::to_string(read.problems.size())}}),
                               http::message_language(req));
  body["problems"] = list;
  return http::json_response(req, 422, body);
}

}  // namespace

Result<json> App::import_roster(const school::Roster& roster, const std::string& actor,
                                JobProgress* progress, const std::string& only_school) {
  if (progress) progress->step("roster", roster.persons.size());
  const uint64_t now = now_ms();
  std::vector<std::string> codes;
  auto make_codes = [&](const RosterOutcome& outcome) -> Status {
    std::vector<std::string> ids;
    for (const NewPerson& p : outcome.new_people) ids.push_back(p.id);
    WX_ASSIGN_OR_RETURN(codes, auth_->create_invites(ids, kLetterCodeHours, now, "roster"));
    // Who left signs out of the dashboard too (each request rechecks the roster anyway).
    for (const std::string& id : outcome.left_people)
      WX_RETURN_IF_ERROR(auth_->end_person_staff_sessions(id));
    return auth_->audit(now, actor, "roster_imported", "", outcome.to_json().dump());
  };
  RosterOutcome outcome;
  int64_t written;
  {
    std::lock_guard lock(mu_);
    // The codes and the audit line are made inside the import's transaction: if they cannot
    // be, nothing is imported, and a rerun imports these people again, codes and all. (If
    // the import's own commit fails after that, the codes exist only as hashes no one was
    // ever shown.)
    WX_ASSIGN_OR_RETURN(outcome, apply_roster(*store_, roster, rfc3339_utc(now).substr(0, 10), now,
                                              make_codes, only_school));
    written = commits_->mark();
  }
  WX_RETURN_IF_ERROR(commits_->wait_durable(written));
  if (progress) progress->advance(roster.persons.size(), roster.persons.size());
  json out = outcome.to_json();
  out["new_people"] = json::array();
  for (size_t i = 0; i < outcome.new_people.size(); ++i) {
    const NewPerson& p = outcome.new_people[i];
    out["new_people"].push_back({{"id", p.id},
                                 {"external_id", p.external_id},
                                 {"name", p.name},
                                 {"role", p.role},
                                 {"groups", p.groups},
                                 {"code", codes[i]}});
  }
  out["left_people"] = outcome.left_people;
  return out;
}

Result<AdminPrincipal> App::authenticate_admin(const http::Request& req, http::RequestLog& log) {
  auto auth = req[bhttp::field::authorization];
  constexpr std::string_view kBearer = "Bearer ";
  if (auth.size() <= kBearer.size() || auth.substr(0, kBearer.size()) != kBearer)
    return make_error(WX_UNAUTHENTICATED, "missing 'Authorization: Bearer <admin token>'");
  WX_ASSIGN_OR_RETURN(AdminPrincipal who,
                      auth_->authenticate_admin(std::string(auth.substr(kBearer.size()))));
  log.user = "admin:" + who.label + (who.for_deployment() ? "" : "@" + who.school);
  return who;
}

Result<AdminPrincipal> App::authenticate_deployment_admin(const http::Request& req,
                                                          const std::string& step,
                                                          http::RequestLog& log) {
  WX_ASSIGN_OR_RETURN(AdminPrincipal who, authenticate_admin(req, log));
  if (!who.for_deployment())
    return make_error(WX_PERMISSION_DENIED,
                      "this admin token acts for school " + who.school + " only; the " + step +
                          " is the whole deployment's: use the deployment's admin token "
                          "(werkex-admin admin-token LABEL, without --school)");
  return who;
}

namespace {

// A school of the deployment, as the export files it.
struct ExportSchool {
  std::string id, name, folder;
};

// A service's result as the answer of its step.
AdminAnswer answer_of(const Result<json>& r) {
  if (!r) return {http::http_status_for(r.error().code), http::error_body(r.error())};
  return {200, *r};
}

Result<exporter::ExportOptions> export_options(const json& body) {
  exporter::ExportOptions o;
  if (!body.is_object())
    return make_error(WX_INVALID_ARGUMENT, "expected {\"only\": [ID, ...], \"force\": BOOL}");
  for (auto& [k, v] : body.items()) {
    if (k == "force" && v.is_boolean()) {
      o.force = v.get<bool>();
    } else if (k == "only" && v.is_array()) {
      for (const json& id : v) {
        if (!id.is_string())
          return make_error(WX_INVALID_ARGUMENT, "'only' lists pupil ids (strings)");
        o.only.push_back(id.get<std::string>());
      }
    } else {
      return make_error(WX_INVALID_ARGUMENT, "unknown or mistyped key '" + k +
                                                 "'; expected 'only' (array) and 'force' (bool)");
    }
  }
  return o;
}

// The schools the export keeps apart: none when the store holds one school or none (its
// pupils go straight into the export folder, as a school's own server always had it).
Result<std::vector<ExportSchool>> export_schools(const EntityReader& reader) {
  Query q;
  q.type = "school";
  WX_ASSIGN_OR_RETURN(auto docs, reader.list(q));
  std::vector<ExportSchool> out;
  if (docs.size() < 2) return out;
  for (const json& s : docs) {
    const std::string id = s.value("id", ""), name = s.value("name", "");
    const std::string tag =
        s.value("brin", "").empty() ? id.substr(id.size() - 8) : s.value("brin", "");
    out.push_back({id, name, exporter::safe_file_name(name + " (" + tag + ")")});
  }
  return out;
}

}  // namespace

http::Response App::handle_roster(const http::Request& req, http::RequestLog& log) {
  auto admin = authenticate_admin(req, log);
  if (!admin) return http::error_response(req, admin.error());
  http::DecodedBody body = http::decode_request(req);
  if (body.refusal) return std::move(*body.refusal);
  auto read = read_roster(body.value);
  if (!read) return http::error_response(req, read.error());
  if (!read->ok()) return problems_response(req, *read);
  auto roster = std::make_shared<school::Roster>(std::move(read->roster));
  return admin_step(
      req, "roster",
      [this, roster, actor = "admin:" + admin->label, school = admin->school](JobProgress& p) {
        return answer_of(import_roster(*roster, actor, &p, school));
      },
      *admin, log);
}

http::Response App::handle_backup(const http::Request& req, http::RequestLog& log) {
  auto admin = authenticate_deployment_admin(req, "backup", log);
  if (!admin) return http::error_response(req, admin.error());
  return admin_step(
      req, "backup",
      [this, actor = "admin:" + admin->label](JobProgress& p) {
        return answer_of(backup_now(actor, &p));
      },
      *admin, log);
}

http::Response App::handle_retention(const http::Request& req, http::RequestLog& log) {
  auto admin = authenticate_admin(req, log);
  if (!admin) return http::error_response(req, admin.error());
  return admin_step(
      req, "retention",
      [this, actor = "admin:" + admin->label, school = admin->school](JobProgress& p) {
        auto report = apply_retention(config_.retention, actor, &p, school);
        return answer_of(report ? Result<json>(report->to_json()) : Result<json>(report.error()));
      },
      *admin, log);
}

http::Response App::handle_export(const http::Request& req, http::RequestLog& log) {
  auto admin = authenticate_admin(req, log);
  if (!admin) return http::error_response(req, admin.error());
  http::DecodedBody body = http::decode_request(req);
  if (body.refusal) return std::move(*body.refusal);
  auto options = export_options(body.value.is_null() ? json::object() : body.value);
  if (!options) return http::error_response(req, options.error());
  return admin_step(
      req, "export",
      [this, only = options->only, force = options->force, actor = "admin:" + admin->label,
       school = admin->school](JobProgress& p) {
        return answer_of(export_now(only, force, actor, &p, school));
      },
      *admin, log);
}

http::Response App::handle_nightly(const http::Request& req, http::RequestLog& log) {
  auto admin = authenticate_deployment_admin(req, "nightly", log);
  if (!admin) return http::error_response(req, admin.error());
  if (!nightly_)
    return http::error_response(
        req, make_error(WX_NOT_FOUND, "the config has no 'nightly' entry to run"));
  return admin_step(
      req, "nightly",
      [this](JobProgress& p) {
        return AdminAnswer{200, nightly_->run(p)};
      },
      *admin, log);
}

Result<json> App::export_now(std::vector<std::string> only, bool force, const std::string& actor,
                             JobProgress* progress, const std::string& only_school) {
  exporter::ExportOptions options;
  options.only = std::move(only);
  options.force = force;
  options.history = epoch_;  // a restore renews it: the export state's seq is then not trusted
  // Its own connection, outside the dossier lock: phones keep syncing while the portfolios
  // are made (a WAL reader sees committed transactions only).
  WX_ASSIGN_OR_RETURN(auto reader, open_reader());
  // The state's seq counts in this store's cursors: the Replica's own, or the database's.
  options.store = on_sqlite() ? std::to_string(reader->replica_id()) : "postgres";
  options.now_ms = now_ms();
  const std::string out =
      config_.export_dir.empty() ? config_.data_dir + "/exports" : config_.export_dir;
  const std::string step = options.only.empty() ? "export" : "export of who left";
  if (progress)
    options.progress = [progress](size_t done, size_t total) { progress->advance(done, total); };
  // Each school is its board's: a deployment of several exports each into its own folder.
  WX_ASSIGN_OR_RETURN(auto schools, export_schools(*reader));
  if (!only_school.empty()) {
    std::erase_if(schools, [&](const ExportSchool& s) { return s.id != only_school; });
    auto doc = reader->get(only_school);
    if (!doc || doc->value("type", "") != "school")
      return make_error(WX_NOT_FOUND, "no school " + only_school + " in this deployment");
    if (schools.empty()) schools.push_back({only_school, doc->value("name", ""), ""});
  }
  if (schools.empty()) schools.push_back({"", "", ""});
  exporter::ExportReport total;
  json per_school = json::array();
  for (const ExportSchool& s : schools) {
    if (progress) progress->step(s.id.empty() ? step : step + ": " + s.name);
    options.school_bucket = s.id.empty() ? "" : "school:" + s.id;
    const std::string dir = s.folder.empty() ? out : out + "/" + s.folder;
    WX_ASSIGN_OR_RETURN(
        auto report, exporter::export_dossiers(*reader, config_.blobs(), dir, options));
    total.add(report, s.folder);
    if (!s.folder.empty())
      per_school.push_back({{"school", s.id},
                            {"name", s.name},
                            {"folder", dir},
                            {"pupils", report.pupils},
                            {"written", report.written},
                            {"failed", report.failed.size()}});
    WX_RETURN_IF_ERROR(auth_->audit(options.now_ms, actor, "dossiers_exported", dir,
                                    std::to_string(report.written) + " written"));
  }
  json answer = total.to_json();
  answer["folder"] = out;
  if (!per_school.empty()) answer["schools"] = per_school;
  return answer;
}

Result<json> App::backup_now(const std::string& actor, JobProgress* progress) {
  if (!on_sqlite())  // the nightly's backup step on PostgreSQL
    return make_error(WX_INVALID_ARGUMENT,
                      "a PostgreSQL deployment is backed up with pg_dump (README), not by "
                      "werkex-server: take 'backup' out of the nightly config");
  // Not under the dossier lock: the backup reads through its own connections (WAL), so
  // phones keep syncing while it runs.
  BackupOptions options;
  options.dir = config_.backup_dir.empty() ? config_.data_dir + "/backups" : config_.backup_dir;
  options.keep = config_.backup_keep;
  if (progress) {
    options.progress = [progress](const char* step, size_t done, size_t total) {
      if (done == 0) progress->step(std::string("backup: ") + step, total);
      progress->advance(done, total);
    };
  }
  const uint64_t now = now_ms();
  WX_ASSIGN_OR_RETURN(BackupReport report, make_backup(config_.data_dir, options, now));
  WX_RETURN_IF_ERROR(auth_->audit(now, actor, "backup_made", report.folder));
  return report.to_json();
}

}  // namespace werkex::server
