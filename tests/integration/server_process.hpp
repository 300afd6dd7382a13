// Starts the real werkex-server as a child process on 127.0.0.1 with a free port and the
// demo school, and reads its URL and enrolment codes from what it prints. Stops it with
// SIGTERM (or SIGKILL, for fault tests) at scope end.
//
// The store engine is the environment's: with WERKEX_TEST_STORE=postgres@DIR (ctest's
// "integration on pg:" run, whose fixture starts a throwaway cluster) the server runs on a
// PostgreSQL database named after the data folder, made and migrated with
// `werkex-admin migrate` on first use, so a restart on the same folder finds its dossiers.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "store_under_test.hpp"
#include "test_support.hpp"

namespace werkex::test {

class ServerProcess {
 public:
  // `config`, if not empty, is written as the server's --config JSON file next to the data
  // directory (limits, timeouts, rate limits for a test).
  explicit ServerProcess(const std::string& data_dir, const std::string& listen = "127.0.0.1:0",
                         json config = json(), bool demo = true)
      : demo_(demo) {
    if (json store = store_under_test(data_dir); !store.is_null()) {
      if (config.is_null()) config = json::object();
      config["store"] = store;
    }
    if (!config.is_null()) {
      config_path_ = data_dir + ".config.json";
      FILE* f = fopen(config_path_.c_str(), "w");
      REQUIRE(f);
      std::string text = config.dump();
      fwrite(text.data(), 1, text.size(), f);
      fclose(f);
    }
    start(data_dir, listen);
  }
  ~ServerProcess() { stop(SIGTERM); }

  // The server's output goes to a file (nobody has to drain a pipe); it is read until the
  // demo's enrolment codes are printed.
  void start(const std::string& data_dir, const std::string& listen) {
    if (log_path_.empty()) log_path_ = data_dir + ".log";
    // A restart appends to the same log: only what this start prints counts, or a slow
    // start (sanitizers) would be mistaken for the previous run's "listening".
    log_from_ = log().size();
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      FILE* log = freopen(log_path_.c_str(), "a", stdout);
      if (!log) _exit(126);
      std::vector<const char*> args = {WERKEX_SERVER, "--data", data_dir.c_str(), "--listen",
                                       listen.c_str()};
      if (!config_path_.empty()) args.insert(args.end(), {"--config", config_path_.c_str()});
      if (demo_) args.push_back("--demo");
      args.push_back(nullptr);
      execv(WERKEX_SERVER, const_cast<char* const*>(args.data()));
      _exit(127);
    }
    url_.clear();
    for (int attempt = 0; attempt < 200 && !parse_log(); ++attempt) usleep(50 * 1000);
    REQUIRE(!url_.empty());
    if (demo_) REQUIRE(codes_.size() >= 7);
  }

  // A second process on the same store and data folder (engine "postgres"): no demo (the
  // first seeded it, and a demo start would end the first's codes), its log apart.
  // `config`: more of the server's config (limits), as for the first. `own_folder`: the
  // second process runs on a data folder of its own (another machine), sharing only the
  // database and what `config` points at (a blob_dir).
  static std::unique_ptr<ServerProcess> another(const std::string& data_dir,
                                                const std::string& log_name,
                                                json config = json::object(),
                                                const std::string& own_folder = "") {
    return std::unique_ptr<ServerProcess>(new ServerProcess(
        Another{}, data_dir, data_dir + "." + log_name + ".log", std::move(config), own_folder));
  }

  std::string log() const {
    FILE* f = fopen(log_path_.c_str(), "r");
    std::string all;
    if (!f) return all;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) all.append(buf, n);
    fclose(f);
    return all;
  }

  void stop(int signal) {
    if (pid_ <= 0) return;
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  const std::string& url() const { return url_; }
  // The admin API's listener (admin_listen; "" when the config turned it off).
  const std::string& admin_url() const { return admin_url_; }
  const std::string& code(const std::string& name) const { return codes_.at(name); }

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  std::string config_path_;
  size_t log_from_ = 0;

  struct Another {};
  ServerProcess(Another, const std::string& data_dir, const std::string& log_path, json config,
                const std::string& own_folder)
      : demo_(false) {
    json store = store_under_test(data_dir);
    REQUIRE(!store.is_null());  // a second process needs a shared engine
    config_path_ = log_path + ".config.json";
    log_path_ = log_path;
    config["store"] = store;
    std::string text = config.dump();
    FILE* f = fopen(config_path_.c_str(), "w");
    REQUIRE(f);
    fwrite(text.data(), 1, text.size(), f);
    fclose(f);
    start(own_folder.empty() ? data_dir : own_folder, "127.0.0.1:0");
  }

  bool demo_ = true;

  // True once the URL (and with the demo, its codes) of this start are in the log.
  bool parse_log() {
    std::string all = log().substr(log_from_);
    size_t from = all.rfind("\"listening\"");
    if (from == std::string::npos) return false;
    if (demo_ && all.find("Try,", from) == std::string::npos) return false;
    size_t line_start = all.rfind('\n', from);
    line_start = line_start == std::string::npos ? 0 : line_start + 1;
    url_ = json::parse(all.substr(line_start, all.find('\n', from) - line_start))["url"]
               .get<std::string>();
    admin_url_.clear();
    if (size_t admin = all.find("\"admin_listening\"", from); admin != std::string::npos) {
      size_t start = all.rfind('\n', admin) + 1;
      admin_url_ =
          json::parse(all.substr(start, all.find('\n', admin) - start))["url"].get<std::string>();
    }
    codes_.clear();
    if (!demo_) return true;
    size_t pos = all.find("Enrolment codes", from);
    pos = all.find('\n', pos) + 1;
    while (pos < all.size() && all.compare(pos, 2, "  ") == 0) {
      std::string l = all.substr(pos, all.find('\n', pos) - pos);
      pos += l.size() + 1;
      // "  Name With Spaces   role        CODE": the code is the last word, the name the
      // words before the role.
      auto end = l.find_last_not_of(' ');
      auto code_at = l.find_last_of(' ', end) + 1;
      auto role_end = l.find_last_not_of(' ', code_at - 1);
      auto role_at = l.find_last_of(' ', role_end) + 1;
      auto name_end = l.find_last_not_of(' ', role_at - 1);
      codes_[l.substr(2, name_end - 1)] = l.substr(code_at, end + 1 - code_at);
    }
    return true;
  }
  std::string url_, admin_url_;
  std::map<std::string, std::string> codes_;
};

}  // namespace werkex::test
