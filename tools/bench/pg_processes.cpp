// The PostgreSQL bench's cluster and server processes (pg_processes.hpp).
#include "pg_processes.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <vector>

#include "bench.hpp"

namespace bench {

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The parent pid and CPU seconds of /proc/<pid>/stat; {-1, 0} if gone. The command name may
// hold spaces and parentheses: the fields are counted after its last ')'.
std::pair<pid_t, double> stat_of(pid_t pid) {
  const std::string stat = read_all("/proc/" + std::to_string(pid) + "/stat");
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return {-1, 0};
  std::istringstream fields(stat.substr(close + 2));
  std::vector<std::string> f;
  for (std::string x; fields >> x && f.size() < 13;) f.push_back(x);
  if (f.size() < 13) return {-1, 0};
  // After the name: state(0) ppid(1) … utime(11) stime(12), in clock ticks.
  const double ticks = double(sysconf(_SC_CLK_TCK));
  return {pid_t(std::stol(f[1])), (std::stod(f[11]) + std::stod(f[12])) / ticks};
}

}  // namespace

double process_cpu_seconds(pid_t pid) {
  return stat_of(pid).second;
}

PgCluster::PgCluster() : dir_("/tmp/werkex-bench-pg-" + std::to_string(getpid())) {
  const std::string script = std::string(WERKEX_SOURCE_DIR) + "/tests/pg/cluster.sh";
  // With WERKEX_BENCH_PG_STATEMENTS the cluster keeps statement statistics (pg_bench.cpp).
  const std::string options = std::getenv("WERKEX_BENCH_PG_STATEMENTS")
                                  ? "WERKEX_PG_OPTIONS='-c shared_preload_libraries="
                                    "pg_stat_statements' "
                                  : "";
  if (std::system((options + script + " start " + dir_ + " >&2").c_str()) != 0)
    throw Failure("could not start a PostgreSQL cluster (" + script +
                  "; tools/install-deps.sh installs PostgreSQL)");
  std::istringstream line(read_all(dir_ + "/conninfo"));
  std::getline(line, conninfo_);
  std::istringstream pid(read_all(dir_ + "/data/postmaster.pid"));
  pid >> postmaster_;
  if (conninfo_.empty() || postmaster_ <= 0) throw Failure("the cluster in " + dir_ + " is odd");
}

PgCluster::~PgCluster() {
  const std::string script = std::string(WERKEX_SOURCE_DIR) + "/tests/pg/cluster.sh";
  if (std::system((script + " stop " + dir_ + " >/dev/null").c_str()) != 0)
    std::fprintf(stderr, "werkex-bench: could not stop the cluster in %s\n", dir_.c_str());
}

std::string PgCluster::conninfo(const std::string& database) const {
  return conninfo_ + " dbname=" + database;  // the last dbname wins
}

double PgCluster::cpu_seconds() const {
  double total = process_cpu_seconds(postmaster_);
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto [parent, cpu] = stat_of(pid_t(std::stol(name)));
    if (parent == postmaster_) total += cpu;
  }
  return total;
}

ServerChild::ServerChild(const std::string& data, const std::string& name,
                         const std::string& config) {
  const std::string config_path = data + "." + name + ".json", log = data + "." + name + ".log";
  std::ofstream(config_path) << config;
  pid_ = fork();
  if (pid_ < 0) throw Failure("fork");
  if (pid_ == 0) {
    if (!std::freopen(log.c_str(), "w", stdout)) _exit(126);
    execl(WERKEX_SERVER, WERKEX_SERVER, "--data", data.c_str(), "--listen", "127.0.0.1:0",
          "--config", config_path.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int attempt = 0; attempt < 600 && !port_; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::istringstream lines(read_all(log));
    for (std::string l; std::getline(lines, l);) {
      if (l.find("\"event\":\"listening\"") == std::string::npos) continue;
      const std::string url = nlohmann::json::parse(l)["url"].get<std::string>();
      port_ = static_cast<unsigned short>(std::stoul(url.substr(url.rfind(':') + 1)));
    }
    if (!port_ && waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      throw Failure("werkex-server " + name + " did not start: " + read_all(log));
    }
  }
  if (!port_) throw Failure("werkex-server " + name + " did not say where it listens");
}

ServerChild::~ServerChild() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
}

}  // namespace bench
