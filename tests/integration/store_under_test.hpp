// The store engine the integration tests run the server on (server_process.hpp).
//
// Unset WERKEX_TEST_STORE: the server's default, SQLite files in the data folder, and
// store_under_test() is null. WERKEX_TEST_STORE=postgres@DIR: a database in the throwaway
// cluster in DIR that the ctest fixture "pg" started (tests/pg/cluster.sh), one per data folder,
// made on first use and migrated with the real `werkex-admin migrate --postgres`, so a server
// restarted on the same folder, or a second process given it, finds the same dossiers.
#pragma once

#include <sodium.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "test_support.hpp"

#ifdef WERKEX_TEST_PG
#include "pg_conn.hpp"
#endif

namespace werkex::test {

// The cluster folder of WERKEX_TEST_STORE=postgres@DIR; "" for the default engine.
inline std::string postgres_cluster_under_test() {
  const char* store = std::getenv("WERKEX_TEST_STORE");
  const std::string prefix = "postgres@";
  if (!store || std::string(store).rfind(prefix, 0) != 0) return "";
  return std::string(store).substr(prefix.size());
}

inline bool store_is_postgres() {
  return !postgres_cluster_under_test().empty();
}

#ifdef WERKEX_TEST_PG
// Runs `werkex-admin migrate --postgres CONNINFO` (no shell: the connection string has spaces).
inline void migrate_with_admin(const std::string& conninfo) {
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    execl(WERKEX_ADMIN, WERKEX_ADMIN, "migrate", "--postgres", conninfo.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
}

// The database of `data_dir`, made and migrated if it does not exist yet.
inline std::string postgres_database_for(const std::string& data_dir) {
  std::ifstream in(postgres_cluster_under_test() + "/conninfo");
  std::string admin_conninfo;
  std::getline(in, admin_conninfo);
  REQUIRE(!admin_conninfo.empty());
  REQUIRE(sodium_init() >= 0);
  unsigned char hash[8];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(data_dir.data()),
                     data_dir.size(), nullptr, 0);
  char hex[sizeof hash * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  const std::string name = std::string("wx_it_") + hex;
  const std::string conninfo = admin_conninfo + " dbname=" + name;  // the last dbname wins
  auto admin = server::pg::Conn::connect(admin_conninfo);
  if (!admin) FAIL(admin.error().message);
  auto known = admin->exec("SELECT 1 FROM pg_database WHERE datname = $1", {name});
  if (!known) FAIL(known.error().message);
  if (known->empty()) {
    auto made = admin->exec("CREATE DATABASE " + name);
    if (!made) FAIL(made.error().message);
    migrate_with_admin(conninfo);
  }
  return conninfo;
}
#endif

// The "store" entry of the server's config for `data_dir`: null for the default engine.
inline json store_under_test(const std::string& data_dir) {
  if (!store_is_postgres()) return json();
#ifdef WERKEX_TEST_PG
  return {{"engine", "postgres"}, {"conninfo", postgres_database_for(data_dir)}};
#else
  (void)data_dir;
  FAIL("WERKEX_TEST_STORE names PostgreSQL, but the tests were built without it");
  return json();
#endif
}

// werkex-admin's arguments for the stores of `data_dir`, padded with spaces for a shell command:
// " --data DIR " and, on PostgreSQL, "--postgres 'CONNINFO' " (stores.hpp of werkex-admin).
inline std::string admin_store_args(const std::string& data_dir) {
  std::string args = " --data " + data_dir + " ";
  if (json store = store_under_test(data_dir); !store.is_null())
    args += "--postgres '" + store["conninfo"].get<std::string>() + "' ";
  return args;
}

#ifdef WERKEX_TEST_PG
// The rows of `table` in the server's own records of `data_dir` on PostgreSQL; -1 if unread.
inline long long postgres_rows(const std::string& data_dir, const std::string& table) {
  auto conn = server::pg::Conn::connect(postgres_database_for(data_dir));
  if (!conn) return -1;
  auto rows = conn->exec("SELECT count(*) FROM " + table);
  if (!rows) return -1;
  auto n = rows->int64(0, 0);
  return n ? *n : -1;
}
#endif

}  // namespace werkex::test
