// werkex-admin nightly: the school's nightly job, run from cron against the running server's
// admin API (admin_listen); what it did goes to stdout (a short summary), progress to stderr
// (admin_client.hpp), and the whole answer to --report FILE as JSON.
//
// Steps, in this order, each only when asked: --export (the dossiers that changed), the roster
// (--roster or --sis; then the dossiers of who just left are exported once more, before
// their access ends), --retention, --backup.
// Exit codes: 0 done; 2 usage; 3 bad input, nothing applied (every problem on stderr and in
// the report); 4 partly failed export (the other steps ran; the report names each failed
// dossier); 5 server unreachable; 10 + error code for any other refusal (exit_codes.hpp).
#include "nightly.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "admin_client.hpp"
#include "exit_codes.hpp"
#include "export/letters.hpp"
#include "werkex/clock.hpp"
#include "werkex/protocol.hpp"

namespace werkex::admin {

namespace {

using tools::exit_code_for;
using tools::kExitBadInput;
using tools::kExitPartlyFailed;
using tools::kExitUnreachable;
using tools::kExitUsage;

struct NightlyArgs {
  std::string server, token, roster_dir, sis_file, mapping_file, letters_dir, report_file;
  // OneRoster's one `administrator` role: "counsellor" (the server's default) or "manager";
  // `managers`: comma-separated users.csv sourcedIds of staff who are manager whatever their
  // OneRoster role (a directeur the school system lists as teacher).
  std::string administrators_are, managers;
  std::string wait_busy = "0";  // seconds to keep trying a step another admin job holds up
  bool backup = false, retention = false, export_dossiers = false;
};

int usage(const std::string& why) {
  std::fprintf(stderr,
               "werkex-admin nightly: %s\n"
               "usage: werkex-admin nightly --server URL [--roster DIR | --sis FILE --mapping "
               "FILE]\n"
               "         [--administrators-are counsellor|manager] [--managers ID,ID,...]\n"
               "         [--export] [--retention] [--backup] [--token-file FILE] [--letters DIR] "
               "[--report FILE]\n"
               "         [--wait-busy SECONDS]: try a step another admin job holds up again "
               "until then\n"
               "The admin token comes from --token-file or $WERKEX_ADMIN_TOKEN "
               "(werkex-admin --data DIR admin-token LABEL makes one).\n",
               why.c_str());
  return kExitUsage;
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(WX_NOT_FOUND, "cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Flags into NightlyArgs; an empty optional means a usage error was printed.
std::optional<NightlyArgs> parse(int argc, char** argv, int& exit_code) {
  NightlyArgs a;
  const std::map<std::string, std::string NightlyArgs::*> flags = {
      {"--server", &NightlyArgs::server},
      {"--token-file", &NightlyArgs::token},
      {"--roster", &NightlyArgs::roster_dir},
      {"--sis", &NightlyArgs::sis_file},
      {"--mapping", &NightlyArgs::mapping_file},
      {"--letters", &NightlyArgs::letters_dir},
      {"--report", &NightlyArgs::report_file},
      {"--administrators-are", &NightlyArgs::administrators_are},
      {"--managers", &NightlyArgs::managers},
      {"--wait-busy", &NightlyArgs::wait_busy}};
  for (int i = 0; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--backup" || flag == "--retention" || flag == "--export") {
      (flag == "--backup"      ? a.backup
       : flag == "--retention" ? a.retention
                               : a.export_dossiers) = true;
      continue;
    }
    auto f = flags.find(argv[i]);
    if (f == flags.end() || i + 1 == argc) {
      exit_code = usage(f == flags.end() ? std::string("unknown argument '") + argv[i] + "'"
                                         : std::string(argv[i]) + " needs a value");
      return std::nullopt;
    }
    a.*(f->second) = argv[++i];
  }
  std::string why;
  if (a.server.empty()) why = "--server URL is required";
  if (!a.roster_dir.empty() && !a.sis_file.empty())
    why = "give --roster DIR or --sis FILE, not both";
  if (a.roster_dir.empty() && a.sis_file.empty() && !a.backup && !a.retention && !a.export_dossiers)
    why = "nothing to do: give --export, --roster DIR, --sis FILE, --retention or --backup";
  if (!a.sis_file.empty() && a.mapping_file.empty()) why = "--sis needs --mapping FILE";
  if ((!a.administrators_are.empty() || !a.managers.empty()) && a.roster_dir.empty())
    why = "--administrators-are and --managers go with --roster DIR (OneRoster)";
  if (a.wait_busy.empty() || a.wait_busy.find_first_not_of("0123456789") != std::string::npos ||
      a.wait_busy.size() > 6)
    why = "--wait-busy takes whole seconds (0 to 999999)";
  if (!why.empty()) {
    exit_code = usage(why);
    return std::nullopt;
  }
  return a;
}

Result<std::string> admin_token(const NightlyArgs& a) {
  if (!a.token.empty()) {
    WX_ASSIGN_OR_RETURN(std::string t, read_file(a.token));
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
    return t;
  }
  if (const char* env = std::getenv("WERKEX_ADMIN_TOKEN"); env && *env) return std::string(env);
  return make_error(WX_UNAUTHENTICATED, "no admin token: --token-file FILE or $WERKEX_ADMIN_TOKEN");
}

// {"administrator": ..., "managers": [...]}: the server checks the values.
json role_mapping(const NightlyArgs& a) {
  json roles = {{"managers", json::array()}};
  if (!a.administrators_are.empty()) roles["administrator"] = a.administrators_are;
  std::stringstream list(a.managers);
  for (std::string id; std::getline(list, id, ',');)
    if (!id.empty()) roles["managers"].push_back(id);
  return roles;
}

// The request body: the roster folder's CSV files, or the SIS export with its mapping.
Result<json> roster_request(const NightlyArgs& a) {
  json files = json::object();
  if (!a.roster_dir.empty()) {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(a.roster_dir, ec)) {
      if (e.path().extension() != ".csv") continue;
      WX_ASSIGN_OR_RETURN(std::string text, read_file(e.path().string()));
      files[e.path().filename().string()] = text;
    }
    if (ec) return make_error(WX_NOT_FOUND, "cannot read folder " + a.roster_dir);
    if (files.empty()) return make_error(WX_NOT_FOUND, "no .csv files in " + a.roster_dir);
    json body = {{"format", "oneroster"}, {"files", files}};
    if (!a.administrators_are.empty() || !a.managers.empty()) body["roles"] = role_mapping(a);
    return body;
  }
  WX_ASSIGN_OR_RETURN(std::string mapping_text, read_file(a.mapping_file));
  json mapping = json::parse(mapping_text, nullptr, false);
  if (!mapping.is_object())
    return make_error(WX_INVALID_ARGUMENT, a.mapping_file + " is not a JSON object");
  WX_ASSIGN_OR_RETURN(std::string text, read_file(a.sis_file));
  files[std::filesystem::path(a.sis_file).filename().string()] = text;
  return json{{"format", "sis"}, {"mapping", mapping}, {"files", files}};
}

void write_report(const NightlyArgs& a, const json& report) {
  if (a.report_file.empty()) return;
  std::ofstream out(a.report_file, std::ios::binary | std::ios::trunc);
  out << report.dump(2) << "\n";
  if (!out) std::fprintf(stderr, "nightly: cannot write the report %s\n", a.report_file.c_str());
}

void print_summary(const json& r) {
  auto line = [&](const char* what) {
    const json& t = r[what];
    std::printf("  %-8s %4d new, %4d changed, %4d left, %4d unchanged\n", what,
                t.value("created", 0), t.value("updated", 0), t.value("left", 0),
                t.value("unchanged", 0));
  };
  std::printf("roster: %d change(s)\n", r.value("changes", 0));
  for (const char* what : {"schools", "groups", "persons"}) line(what);
  std::printf("  %zu new person(s) with an enrolment code\n", r["new_people"].size());
}

// One step's bookkeeping: the report, and the exit code of a failure.
struct Call {
  const NightlyArgs& args;
  AdminClient& client;
  json& report;

  Result<std::pair<int, json>> post(const std::string& path, const json& body) {
    return client.step(path, body);
  }

  int fail(const Error& e, int exit_code) {
    std::fprintf(stderr, "werkex-admin nightly: %s: %s\n", error_code_name(e.code),
                 e.message.c_str());
    report["error"] = {{"code", error_code_name(e.code)}, {"message", e.message}};
    report["exit"] = exit_code;
    write_report(args, report);
    return exit_code;
  }

  // The server's refusal as an Error (its error body, read as the devices read it) and its
  // exit code (10 + code).
  int refused(int status, const json& r) {
    Error e = r.is_object() && r.contains("error") && r["error"].is_object()
                  ? protocol::error_from_json(r["error"], "", "")
                  : make_error(WX_INTERNAL, "HTTP " + std::to_string(status));
    return fail(e, exit_code_for(e.code));
  }
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The roster step: 0, or the exit code it failed with.
int roster_step(Call& call) {
  auto body = roster_request(call.args);
  if (!body) return call.fail(body.error(), kExitBadInput);
  std::fprintf(stderr, "nightly: roster: sending %zu file(s) to %s\n", (*body)["files"].size(),
               call.args.server.c_str());
  const auto t0 = std::chrono::steady_clock::now();
  auto answer = call.post("/v1/admin/roster", *body);
  if (!answer) return call.fail(answer.error(), kExitUnreachable);
  auto& [status, r] = *answer;
  call.report["roster"] = r;
  call.report["roster_seconds"] = seconds_since(t0);
  if (status == 422 && r.is_object()) {
    for (const json& p : r.value("problems", json::array()))
      if (p.is_string()) std::fprintf(stderr, "%s\n", p.get<std::string>().c_str());
    return call.fail(make_error(WX_INVALID_ARGUMENT, r["error"].value("message", "bad roster")),
                     kExitBadInput);
  }
  if (status != 200 || !r.is_object()) return call.refused(status, r);
  std::fprintf(stderr, "nightly: roster: applied in %.1f s\n", seconds_since(t0));
  print_summary(r);
  if (!call.args.letters_dir.empty() && !r["new_people"].empty()) {
    auto written = exporter::write_letters(call.args.letters_dir, r["new_people"]);
    if (!written) return call.fail(written.error(), exit_code_for(written.error().code));
    std::printf("  letters: %zu page(s) in %s\n", *written, call.args.letters_dir.c_str());
    call.report["letters"] = {{"dir", call.args.letters_dir}, {"pages", *written}};
  }
  return 0;
}

// The export step: 0, kExitPartlyFailed when some dossiers could not be written (the run went
// on), or the exit code it failed with.
int export_step(Call& call, const json& only, const char* key) {
  std::fprintf(stderr, "nightly: export: %s\n",
               only.empty() ? "dossiers changed since the last run" : "who just left");
  json body = json::object();
  if (!only.empty()) body["only"] = only;
  auto answer = call.post("/v1/admin/export", body);
  if (!answer) return call.fail(answer.error(), kExitUnreachable);
  auto& [status, r] = *answer;
  call.report[key] = r;
  if (status != 200 || !r.is_object()) return call.refused(status, r);
  const json failed = r.value("failed", json::array());
  std::printf("export: %zu dossier(s) written, %zu unchanged, %zu failed, in %s (%.1f s)\n",
              r.value("written", size_t{0}), r.value("unchanged", size_t{0}), failed.size(),
              r.value("folder", "").c_str(), r.value("seconds", 0.0));
  for (const json& f : failed)
    std::fprintf(stderr, "nightly: export failed: %s: %s\n", f.value("folder", "").c_str(),
                 f.value("reason", "").c_str());
  return failed.empty() ? 0 : kExitPartlyFailed;
}

int retention_step(Call& call) {
  std::fprintf(stderr, "nightly: retention: starting\n");
  auto answer = call.post("/v1/admin/retention", json::object());
  if (!answer) return call.fail(answer.error(), kExitUnreachable);
  auto& [status, r] = *answer;
  call.report["retention"] = r;
  if (status != 200 || !r.is_object()) return call.refused(status, r);
  std::printf(
      "retention: %zu dossier(s) erased, %zu photo file(s) removed, %zu access-log and "
      "%zu audit-log row(s) pruned\n",
      r.value("dossiers_erased", size_t{0}), r.value("blob_files_removed", size_t{0}),
      r.value("access_log_rows", size_t{0}), r.value("audit_log_rows", size_t{0}));
  return 0;
}

int backup_step(Call& call) {
  std::fprintf(stderr, "nightly: backup: starting\n");
  auto answer = call.post("/v1/admin/backup", json::object());
  if (!answer) return call.fail(answer.error(), kExitUnreachable);
  auto& [status, r] = *answer;
  call.report["backup"] = r;
  if (status != 200 || !r.is_object()) return call.refused(status, r);
  std::printf("backup: %s (%zu new blob file(s), %zu old folder(s) removed, %.1f s)\n",
              r.value("folder", "").c_str(), r.value("blobs_copied", size_t{0}),
              r.value("removed", size_t{0}), r.value("seconds", 0.0));
  return 0;
}

}  // namespace

int nightly_main(int argc, char** argv) {
  int code = 0;
  auto args = parse(argc, argv, code);
  if (!args) return code;
  auto token = admin_token(*args);
  if (!token) return usage(token.error().message);
  json report = {{"started_at", rfc3339_utc(SystemClockSource().now_millis())}};
  AdminClient client(args->server, *token, std::chrono::seconds(std::stol(args->wait_busy)));
  Call call{*args, client, report};
  int partly = 0;  // a partly failed export lets the other steps run, and is the exit code
  auto exported = [&](int code) {
    if (code == kExitPartlyFailed) partly = code;
    return code == 0 || code == kExitPartlyFailed;
  };
  if (args->export_dossiers)
    if (int code = export_step(call, json::array(), "export"); !exported(code)) return code;
  if (!args->roster_dir.empty() || !args->sis_file.empty()) {
    if (int failed = roster_step(call)) return failed;
    json left = report["roster"].value("left_people", json::array());
    if (args->export_dossiers && !left.empty())
      if (int code = export_step(call, left, "export_leavers"); !exported(code)) return code;
  }
  // Order: the roster (who left is marked), then retention, then the backup of the result.
  if (args->retention)
    if (int failed = retention_step(call)) return failed;
  if (args->backup)
    if (int failed = backup_step(call)) return failed;
  report["exit"] = partly;
  write_report(*args, report);
  return partly;
}

}  // namespace werkex::admin
