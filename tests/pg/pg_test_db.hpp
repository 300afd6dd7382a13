// A database of its own for one test, in the throwaway cluster the ctest fixture "pg"
// started (cluster.sh; WERKEX_PG_CLUSTER names its folder). Made empty on construction,
// dropped on destruction, so tests run in parallel and leave nothing behind.
#pragma once

#include <sodium.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <string>

#include "pg_conn.hpp"

namespace werkex::test {

// The cluster's connection string (to its `postgres` database).
inline std::string pg_cluster_conninfo() {
  const char* dir = std::getenv("WERKEX_PG_CLUSTER");
  REQUIRE(dir != nullptr);  // run through ctest, which starts the cluster
  std::ifstream in(std::string(dir) + "/conninfo");
  std::string conninfo;
  std::getline(in, conninfo);
  REQUIRE(!conninfo.empty());
  return conninfo;
}

inline server::pg::Conn pg_connect(const std::string& conninfo) {
  auto c = server::pg::Conn::connect(conninfo);
  if (!c) FAIL(c.error().message);
  return std::move(c).value();
}

class TestDatabase {
 public:
  TestDatabase() : admin_(pg_connect(pg_cluster_conninfo())) {
    REQUIRE(sodium_init() >= 0);
    name_ = "wx_test_" + std::to_string(randombytes_random()) + "_" +
            std::to_string(randombytes_random());
    auto made = admin_.exec("CREATE DATABASE " + name_);
    if (!made) FAIL(made.error().message);
    conninfo_ = pg_cluster_conninfo() + " dbname=" + name_;  // the last dbname wins
  }
  ~TestDatabase() { (void)admin_.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)"); }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& conninfo() const { return conninfo_; }
  const std::string& name() const { return name_; }
  server::pg::Conn connect() const { return pg_connect(conninfo_); }

 private:
  server::pg::Conn admin_;
  std::string name_, conninfo_;
};

}  // namespace werkex::test
