// werkex-server --data DIR --listen ADDR:PORT [--config FILE] [--demo]
//
// The sync server on its embedded SQLite. --config names a JSON file with any of: listen,
// data, grace_days, max_clock_skew_s, io_threads, worker_threads, tls_cert, tls_key,
// body_limit_bytes, read_timeout_s, write_timeout_s, idle_timeout_s, rate_limit_per_minute,
// rate_limit_burst, max_blob_bytes, token_idle_days, blob_dossier_quota_bytes,
// blob_device_daily_bytes, blob_partial_max_age_s, enroll_rate_limit_per_minute,
// enroll_rate_limit_burst, access_log_buffer_rows, store (an object: engine "sqlite", the
// default, or "postgres" with conninfo, a libpq connection string), admin_listen, backup_dir,
// backup_keep, export_dir, blob_dir, retention_left_days, retention_left_days_by_school
// ({school id: days}), access_log_days, audit_log_days, nightly
// (an object: at "HH:MM", roster_dir, letters_dir, export, retention, backup), and for the
// supervisors' outbox smtp_url, smtp_from, smtp_user, smtp_password, smtp_starttls,
// smtp_retry_s, and for the staff dashboard staff_session_idle_minutes (default 30; fractions
// allowed). Flags win over the file.
// admin_listen (ADDR:PORT, or "off") is where the admin API listens (the nightly school
// sync, `werkex-admin nightly`): by default loopback on the sync port + 1 (port 0 when the
// sync port is 0), never on the sync listener itself.
// --demo seeds a demo school into an empty server and prints enrolment codes (each start
// revokes the demo codes of the previous one, so at most one set is valid). Exit codes: 0 after
// a clean shutdown, 2 for bad flags or config values, 10 + error code otherwise.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "app.hpp"
#include "demo.hpp"
#include "http/http_server.hpp"
#include "staff_site.hpp"
#include "werkex/ids.hpp"

using namespace werkex;

namespace {

int fail(const Error& e) {
  std::fprintf(stderr, "werkex-server: %s\n", e.to_string().c_str());
  return 10 + static_cast<int>(e.code);
}

// A whole number >= 0 (at least `min`) under `key`, or `fallback` when absent. Anything else
// throws, which main() answers as a usage error (exit 2) naming the key.
uint64_t whole_number(const json& config, const char* key, uint64_t fallback, uint64_t min = 0) {
  auto it = config.find(key);
  if (it == config.end()) return fallback;
  if (!it->is_number_unsigned() || it->get<uint64_t>() < min)
    throw std::invalid_argument(std::string(key) + " must be a whole number >= " +
                                std::to_string(min) + ", not " + it->dump());
  return it->get<uint64_t>();
}

// A text setting (a folder, an address): `fallback` when absent, refused naming `key` if not text.
std::string text_value(const json& config, const char* key, const std::string& fallback = "") {
  auto it = config.find(key);
  if (it == config.end()) return fallback;
  if (!it->is_string())
    throw std::invalid_argument(std::string(key) + " must be text, not " + it->dump());
  return it->get<std::string>();
}

// "store": where the dossiers live (app.hpp StoreConfig). Unknown keys are refused: a typo
// must not start a server on the wrong engine.
Result<server::StoreConfig> store_config(const json& config) {
  server::StoreConfig store;
  auto it = config.find("store");
  if (it == config.end()) return store;
  if (!it->is_object()) return make_error(WX_INVALID_ARGUMENT, "store must be an object");
  for (const auto& [key, value] : it->items()) {
    if ((key != "engine" && key != "conninfo") || !value.is_string())
      return make_error(WX_INVALID_ARGUMENT,
                        "store." + key + ": only engine and conninfo (strings) are known");
  }
  store.engine = it->value("engine", store.engine);
  store.conninfo = it->value("conninfo", "");
  if (store.engine != "sqlite" && store.engine != "postgres")
    return make_error(WX_INVALID_ARGUMENT, "store.engine must be sqlite or postgres");
  if (store.engine == "postgres" && store.conninfo.empty())
    return make_error(WX_INVALID_ARGUMENT, "store.engine postgres needs store.conninfo");
  return store;
}

// The admin listener's options: plain HTTP on the address admin_listen names (loopback by
// default). Empty `address`: the admin API is off. Throws on a malformed value (exit 2).
http::ServerOptions admin_options(const json& config, const http::ServerOptions& sync) {
  http::ServerOptions admin = sync;
  admin.tls_cert_file.clear();
  admin.tls_key_file.clear();
  admin.io_threads = 1;
  admin.worker_threads = 2;
  admin.body_limit = std::max<size_t>(sync.body_limit, 64u << 20);  // a whole school's CSV
  admin.read_timeout = std::chrono::seconds(300);
  std::string listen = config.value(
      "admin_listen",
      "127.0.0.1:" + std::to_string(sync.port == 0 ? 0 : static_cast<unsigned>(sync.port) + 1));
  if (listen == "off") {
    admin.address.clear();
    return admin;
  }
  auto colon = listen.rfind(':');
  if (colon == std::string::npos)
    throw std::invalid_argument("admin_listen wants ADDR:PORT or \"off\", not " + listen);
  admin.address = listen.substr(0, colon);
  admin.port = static_cast<unsigned short>(std::stoul(listen.substr(colon + 1)));
  return admin;
}

int usage(const std::string& why) {
  std::fprintf(stderr,
               "werkex-server: %s\nusage: werkex-server --data DIR --listen ADDR:PORT [--config "
               "FILE] [--demo]\n",
               why.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  json config = json::object();
  json flags = json::object();
  bool demo = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--demo") {
      demo = true;
    } else if (a == "--data" || a == "--listen" || a == "--config") {
      if (i + 1 == argc) return usage(a + " needs a value");
      flags[a.substr(2)] = argv[++i];
    } else {
      return usage("unknown argument '" + a + "'");
    }
  }
  if (flags.contains("config")) {
    std::ifstream in(flags["config"].get<std::string>());
    if (!in)
      return fail(make_error(WX_NOT_FOUND,
                             "cannot read config file " + flags["config"].get<std::string>()));
    std::stringstream ss;
    ss << in.rdbuf();
    config = json::parse(ss.str(), nullptr, false);
    if (!config.is_object())
      return fail(make_error(WX_INVALID_ARGUMENT, "config file is not a JSON object"));
  }
  config.update(flags);
  std::string data = config.value("data", "");
  std::string listen = config.value("listen", "127.0.0.1:8080");
  if (data.empty()) return usage("--data DIR is required");
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return usage("--listen wants ADDR:PORT, e.g. 127.0.0.1:8080");

  http::ServerOptions options;
  try {
    options.address = listen.substr(0, colon);
    if (options.address.size() > 2 && options.address.front() == '[')
      options.address = options.address.substr(1, options.address.size() - 2);
    options.port = static_cast<unsigned short>(std::stoul(listen.substr(colon + 1)));
    options.io_threads = config.value("io_threads", 2);
    options.worker_threads = config.value("worker_threads", options.worker_threads);
    options.tls_cert_file = config.value("tls_cert", "");
    options.tls_key_file = config.value("tls_key", "");
    options.body_limit = config.value("body_limit_bytes", options.body_limit);
    options.read_timeout = std::chrono::seconds(config.value("read_timeout_s", 30));
    options.write_timeout = std::chrono::seconds(config.value("write_timeout_s", 30));
    options.idle_timeout = std::chrono::seconds(config.value("idle_timeout_s", 60));
  } catch (const std::exception& e) {
    return usage(std::string("bad listen address or config value: ") + e.what());
  }
  http::ServerOptions admin_opts;
  try {
    admin_opts = admin_options(config, options);
  } catch (const std::exception& e) {
    return usage(std::string("bad admin_listen: ") + e.what());
  }
  server::AppConfig app_config;
  app_config.data_dir = data;
  auto store = store_config(config);
  if (!store) return usage(store.error().message);
  app_config.store = *store;
  server::StaffConfig staff_config;
  try {
    double idle_minutes = config.value("staff_session_idle_minutes", 30.0);
    if (!(idle_minutes > 0) || idle_minutes > 24 * 60)
      return usage("staff_session_idle_minutes must be more than 0 and at most 1440");
    staff_config.idle_ms = static_cast<uint64_t>(idle_minutes * 60000.0);
    app_config.supervisor_grace_days = config.value("grace_days", 14);
    app_config.max_clock_skew_ms = config.value("max_clock_skew_s", 600) * 1000ull;
    app_config.rate_limit.per_minute =
        config.value("rate_limit_per_minute", app_config.rate_limit.per_minute);
    app_config.rate_limit.burst = config.value("rate_limit_burst", app_config.rate_limit.burst);
    app_config.token_idle_expiry_ms =
        static_cast<uint64_t>(config.value("token_idle_days", 180.0) * 86400000.0);
    app_config.max_blob_bytes = config.value("max_blob_bytes", app_config.max_blob_bytes);
    app_config.blob_dossier_quota_bytes =
        whole_number(config, "blob_dossier_quota_bytes", app_config.blob_dossier_quota_bytes);
    app_config.blob_device_daily_bytes =
        whole_number(config, "blob_device_daily_bytes", app_config.blob_device_daily_bytes);
    app_config.blob_partial_max_age_ms =
        whole_number(config, "blob_partial_max_age_s", app_config.blob_partial_max_age_ms / 1000,
                     1) *
        1000;
    app_config.enroll_limit.per_minute = static_cast<double>(whole_number(
        config, "enroll_rate_limit_per_minute", uint64_t(app_config.enroll_limit.per_minute)));
    app_config.enroll_limit.burst = static_cast<double>(whole_number(
        config, "enroll_rate_limit_burst", uint64_t(app_config.enroll_limit.burst), 1));
    app_config.access_log_buffer_rows =
        whole_number(config, "access_log_buffer_rows", app_config.access_log_buffer_rows);
    server::MailConfig& mail = app_config.mail;
    mail.smtp_url = config.value("smtp_url", "");
    mail.from = config.value("smtp_from", "");
    mail.user = config.value("smtp_user", "");
    mail.password = config.value("smtp_password", "");
    mail.starttls = config.value("smtp_starttls", true);
    mail.retry_ms =
        static_cast<uint64_t>(std::max(1.0, config.value("smtp_retry_s", 60.0)) * 1000.0);
    app_config.backup_dir = text_value(config, "backup_dir");
    app_config.export_dir = text_value(config, "export_dir");
    app_config.blob_dir = text_value(config, "blob_dir");
    if (!app_config.blob_dir.empty() && app_config.store.engine == "sqlite")
      return usage(
          "blob_dir is for the postgres store engine (processes on several machines); on "
          "sqlite the blobs stay in the data folder, where backups find them");
    auto nightly = server::parse_nightly_schedule(config.value("nightly", json()));
    if (!nightly) return usage(nightly.error().message);
    app_config.nightly = *nightly;
    if (nightly->backup && app_config.store.engine != "sqlite")
      return usage(
          "nightly: 'backup' copies the SQLite files; a postgres deployment is backed up "
          "with pg_dump (README)");
    app_config.backup_keep = whole_number(config, "backup_keep", app_config.backup_keep, 1);
    server::RetentionPolicy& keep = app_config.retention;
    keep.left_days = whole_number(config, "retention_left_days", keep.left_days);
    if (auto it = config.find("retention_left_days_by_school"); it != config.end()) {
      if (!it->is_object())
        throw std::invalid_argument("retention_left_days_by_school must be an object");
      for (const auto& [school, days] : it->items()) {
        if (!werkex::is_valid_entity_id(school))
          throw std::invalid_argument("retention_left_days_by_school: '" + school +
                                      "' is not a school id");
        keep.left_days_of_school[school] = whole_number(*it, school.c_str(), keep.left_days);
      }
    }
    keep.access_log_days = whole_number(config, "access_log_days", keep.access_log_days, 1);
    keep.audit_log_days = whole_number(config, "audit_log_days", keep.audit_log_days, 1);
    if (mail.enabled() && mail.from.empty())
      return usage("smtp_url needs smtp_from (the address the notes come from)");
  } catch (const std::exception& e) {
    return usage(std::string("bad config value: ") + e.what());
  }

  http::Metrics metrics;
  auto app = server::App::open(app_config, metrics);
  if (!app) return fail(app.error());
  http::Router router;
  (*app)->register_routes(router);
  staff_config.secure_cookie = !options.tls_cert_file.empty();
  staff_config.signin_limit = app_config.enroll_limit;
  auto staff = std::make_unique<server::StaffSite>(**app, staff_config);
  staff->register_routes(router);
  if (!staff->has_chart_js())
    std::fprintf(stdout,
                 "{\"event\":\"warning\",\"message\":\"%s not found: the staff pages "
                 "have no charts (apt-get install libjs-chart.js)\"}\n",
                 staff_config.chart_js_path.c_str());
  http::HttpServer server(options, router, metrics, [](const std::string& line) {
    std::fprintf(stdout, "%s\n", line.c_str());
    std::fflush(stdout);
  });
  if (Status s = server.start(); !s) return fail(s.error());
  std::string scheme = options.tls_cert_file.empty() ? "http" : "https";
  std::string url = scheme + "://" + options.address + ":" + std::to_string(server.port());
  std::fprintf(stdout, "{\"event\":\"listening\",\"url\":\"%s\",\"data\":\"%s\"}\n", url.c_str(),
               data.c_str());
  std::fflush(stdout);  // whoever reads a pipe learns the URL now, not at the first request
  http::Router admin_router;
  (*app)->register_admin_routes(admin_router);
  std::unique_ptr<http::HttpServer> admin;
  std::thread admin_thread;
  if (!admin_opts.address.empty()) {
    admin = std::make_unique<http::HttpServer>(admin_opts, admin_router, metrics,
                                               [](const std::string& line) {
                                                 std::fprintf(stdout, "%s\n", line.c_str());
                                                 std::fflush(stdout);
                                               });
    if (Status s = admin->start(); !s) return fail(s.error());
    std::fprintf(stdout, "{\"event\":\"admin_listening\",\"url\":\"http://%s:%u\"}\n",
                 admin_opts.address.c_str(), static_cast<unsigned>(admin->port()));
    std::fflush(stdout);
    admin_thread = std::thread([&admin] { admin->run_until_signal(); });
  }
  if (demo) {
    auto people = server::seed_demo_school(**app);
    if (!people) return fail(people.error());
    std::printf("\nwerkex-server is running at %s with the demo school 'Vmbo De Brug'.\n",
                url.c_str());
    std::printf("Enrolment codes (one use each, valid 7 days):\n");
    for (auto& p : *people)
      std::printf("  %-16s %-11s %s\n", p.name.c_str(), p.role.c_str(), p.code.c_str());
    std::printf(
        "\nTry, in another terminal:\n"
        "  build/default/tools/werkex/werkex --db sem.db init --server %s\n"
        "  build/default/tools/werkex/werkex --db sem.db enroll <Sem's code>\n"
        "  build/default/tools/werkex/werkex --db sem.db activity --kind snuffelstage --title "
        "\"Bistro Noord\"\n"
        "  build/default/tools/werkex/werkex --db sem.db sync\n"
        "Health: %s/healthz   Metrics: %s/metrics   Stop: Ctrl-C (finishes requests in flight)\n\n",
        url.c_str(), url.c_str(), url.c_str());
    std::fflush(stdout);
  }
  (*app)->start_nightly([](const std::string& line) {
    std::fprintf(stdout, "%s\n", line.c_str());
    std::fflush(stdout);
  });
  server.run_until_signal();
  if (admin) {
    admin->stop();
    admin_thread.join();
  }
  std::fprintf(stdout, "{\"event\":\"stopped\"}\n");
  return 0;
}
