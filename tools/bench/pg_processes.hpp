// What the PostgreSQL bench (pg_bench.hpp) runs outside this process: a throwaway cluster
// (tests/pg/cluster.sh, fsync on) and werkex-server processes on it, each with the CPU it has
// used so far (/proc), so CPU per sync is measured per process, not guessed.
#pragma once

#include <sys/types.h>

#include <string>

namespace bench {

// CPU seconds (user + system) process `pid` has used; 0 once it is gone.
double process_cpu_seconds(pid_t pid);

// A PostgreSQL cluster in /tmp for this run, stopped and removed at scope end.
class PgCluster {
 public:
  PgCluster();
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  // A libpq connection string to `database` ("postgres": the maintenance one).
  std::string conninfo(const std::string& database) const;
  // CPU seconds of the postmaster and every backend it started (the database's share).
  double cpu_seconds() const;

 private:
  std::string dir_, conninfo_;
  pid_t postmaster_ = 0;
};

// werkex-server --data DATA --config (a file with `config`) on 127.0.0.1, a free port; its
// output to DATA.<name>.log. SIGTERM and wait at scope end.
class ServerChild {
 public:
  ServerChild(const std::string& data, const std::string& name, const std::string& config);
  ~ServerChild();
  ServerChild(const ServerChild&) = delete;
  ServerChild& operator=(const ServerChild&) = delete;

  unsigned short port() const { return port_; }
  double cpu_seconds() const { return process_cpu_seconds(pid_); }

 private:
  pid_t pid_ = -1;
  unsigned short port_ = 0;
};

}  // namespace bench
