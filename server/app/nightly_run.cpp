// The in-server nightly run (nightly_run.hpp).
#include "nightly_run.hpp"

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app.hpp"
#include "export/letters.hpp"
#include "school/oneroster.hpp"

namespace werkex::server {

namespace {

Error bad(const std::string& why) {
  return make_error(WX_INVALID_ARGUMENT, "config 'nightly': " + why);
}

bool is_hh_mm(const std::string& s) {
  return s.size() == 5 && s[2] == ':' && std::isdigit(s[0]) && std::isdigit(s[1]) &&
         std::isdigit(s[3]) && std::isdigit(s[4]) && std::stoi(s.substr(0, 2)) < 24 &&
         std::stoi(s.substr(3)) < 60;
}

// The folder's .csv files by name.
Result<std::map<std::string, std::string>> read_folder(const std::string& dir) {
  std::map<std::string, std::string> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().extension() != ".csv") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) return make_error(WX_IO, "cannot read " + e.path().string());
    files[e.path().filename().string()] = text.str();
  }
  if (ec) return make_error(WX_NOT_FOUND, "cannot read the roster folder " + dir);
  return files;
}

}  // namespace

Result<NightlySchedule> parse_nightly_schedule(const json& config) {
  NightlySchedule s;
  if (config.is_null()) return s;
  if (!config.is_object()) return bad("expected an object");
  for (auto& [k, v] : config.items()) {
    if ((k == "at" || k == "roster_dir" || k == "letters_dir") && v.is_string()) {
      (k == "at" ? s.at : k == "roster_dir" ? s.roster_dir : s.letters_dir) = v.get<std::string>();
    } else if ((k == "export" || k == "retention" || k == "backup") && v.is_boolean()) {
      (k == "export"      ? s.export_dossiers
       : k == "retention" ? s.retention
                          : s.backup) = v.get<bool>();
    } else {
      return bad("unknown or mistyped key '" + k +
                 "' (at, roster_dir, letters_dir: strings; export, retention, backup: booleans)");
    }
  }
  if (!s.at.empty() && !is_hh_mm(s.at)) return bad("'at' must be HH:MM, not '" + s.at + "'");
  return s;
}

uint64_t next_run_ms(uint64_t now_ms, const std::string& at) {
  const int hh = std::stoi(at.substr(0, 2)), mm = std::stoi(at.substr(3));
  std::time_t now = static_cast<std::time_t>(now_ms / 1000);
  for (int day = 0; day < 3; ++day) {
    std::tm local{};
    localtime_r(&now, &local);
    local.tm_mday += day;
    local.tm_hour = hh;
    local.tm_min = mm;
    local.tm_sec = 0;
    local.tm_isdst = -1;  // whatever daylight saving time says on that day
    std::time_t when = std::mktime(&local);
    if (when != -1 && static_cast<uint64_t>(when) * 1000 > now_ms)
      return static_cast<uint64_t>(when) * 1000;
  }
  return now_ms + 24ull * 3600 * 1000;
}

std::string local_date(uint64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm local{};
  localtime_r(&t, &local);
  char out[16];
  std::strftime(out, sizeof out, "%Y-%m-%d", &local);
  return out;
}

NightlyRunner::NightlyRunner(App& app, NightlySchedule schedule, Log log)
    : app_(app), schedule_(std::move(schedule)), log_(std::move(log)) {}

NightlyRunner::~NightlyRunner() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void NightlyRunner::start() {
  if (!schedule_.at.empty()) thread_ = std::thread([this] { timer_loop(); });
}

void NightlyRunner::timer_loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const uint64_t now = app_.now_ms(), when = next_run_ms(now, schedule_.at);
    if (cv_.wait_for(lock, std::chrono::milliseconds(when - now), [&] { return stopping_; }))
      return;
    lock.unlock();
    run_once(local_date(when));
    lock.lock();
  }
}

// Every process sharing the store fires at `at`; the first to claim the day, holding the job
// lock, runs it, and the others find it claimed. One held off by another job (a manual export,
// or the nightly running in another process) waits for it to end, then claims.
void NightlyRunner::run_once(const std::string& day) {
  std::string skipped;
  for (;;) {
    skipped.clear();
    auto ran = app_.admin_jobs().run("nightly", [&](JobProgress& p) -> AdminAnswer {
      auto claimed = app_.auth().claim_run("nightly", day);
      if (!claimed)
        skipped = claimed.error().message;
      else if (!*claimed)
        skipped = "another server process ran the nightly of " + day;
      if (!skipped.empty()) return AdminAnswer{200, json::object()};
      return AdminAnswer{200, run(p)};
    });
    if (ran || ran.error().code != WX_CONFLICT) {
      if (!ran) skipped = ran.error().message;
      break;
    }
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, kBusyRetry, [&] { return stopping_; })) return;
  }
  if (!skipped.empty()) log_(json{{"event", "nightly_skipped"}, {"reason", skipped}}.dump());
}

json NightlyRunner::run(JobProgress& progress) {
  const uint64_t started = app_.now_ms();
  json report = run_steps(progress);
  report["started_at"] = rfc3339_utc(started);
  report["seconds"] = double(app_.now_ms() - started) / 1000.0;
  const std::string dir = app_.config().data_dir + "/nightly";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::ofstream(dir + "/" + rfc3339_utc(started).substr(0, 10) + ".json") << report.dump(2);
  log_(json{{"event", "nightly"}, {"report", report}}.dump());
  return report;
}

json NightlyRunner::run_steps(JobProgress& progress) {
  json report = json::object();
  auto step = [&](const char* name, Result<json> r) {
    report[name] = r ? std::move(r).value() : http::error_body(r.error());
  };
  if (schedule_.export_dossiers) step("export", app_.export_now({}, false, "nightly", &progress));
  if (!schedule_.roster_dir.empty()) {
    step("roster", [&]() -> Result<json> {
      WX_ASSIGN_OR_RETURN(auto files, read_folder(schedule_.roster_dir));
      school::RosterRead read = school::read_oneroster(files);
      if (!read.ok()) {
        json problems = json::array();
        for (const auto& p : read.problems) problems.push_back(p.to_string());
        return json{{"applied", false}, {"problems", problems}};
      }
      WX_ASSIGN_OR_RETURN(json out, app_.import_roster(read.roster, "nightly", &progress));
      const std::string letters = schedule_.letters_dir.empty()
                                      ? app_.config().data_dir + "/letters"
                                      : schedule_.letters_dir;
      if (!out["new_people"].empty())
        WX_RETURN_IF_ERROR(exporter::write_letters(letters, out["new_people"]).status());
      for (json& p : out["new_people"]) p.erase("code");  // the codes are on the letters only
      return out;
    }());
    json left = report["roster"].value("left_people", json::array());
    if (schedule_.export_dossiers && !left.empty())
      step("export_leavers",
           app_.export_now(left.get<std::vector<std::string>>(), false, "nightly", &progress));
  }
  if (schedule_.retention) {
    auto r = app_.apply_retention(app_.config().retention, "nightly", &progress);
    step("retention", r ? Result<json>(r->to_json()) : Result<json>(r.error()));
  }
  if (schedule_.backup) step("backup", app_.backup_now("nightly", &progress));
  return report;
}

}  // namespace werkex::server

namespace werkex::server {

void App::start_nightly(std::function<void(const std::string&)> log) {
  if (!config_.nightly.enabled()) return;
  nightly_ = std::make_unique<NightlyRunner>(*this, config_.nightly, std::move(log));
  nightly_->start();
}

}  // namespace werkex::server
