#include "migrate.hpp"

#include <cstdio>
#include <cstring>
#include <string>

#include "exit_codes.hpp"
#ifdef WERKEX_HAVE_POSTGRES
#include "pg_schema.hpp"
#endif

namespace werkex::admin {

namespace {

int fail(const Error& e) {
  std::fprintf(stderr, "werkex-admin migrate: %s: %s\n", error_code_name(e.code),
               e.message.c_str());
  return tools::exit_code_for(e.code);
}

}  // namespace

int migrate_main(int argc, char** argv) {
  if (argc != 2 || std::strcmp(argv[0], "--postgres") != 0 || argv[1][0] == '\0') {
    std::fprintf(stderr, "usage: werkex-admin migrate --postgres CONNINFO\n");
    return tools::kExitUsage;
  }
#ifdef WERKEX_HAVE_POSTGRES
  auto conn = server::pg::Conn::connect(argv[1]);
  if (!conn) return fail(conn.error());
  auto applied = server::pg::migrate(*conn);
  if (!applied) return fail(applied.error());
  std::printf("schema at version %d (%d migration%s applied)\n",
              server::pg::latest_schema_version(), *applied, *applied == 1 ? "" : "s");
  return tools::kExitOk;
#else
  return fail(make_error(WX_INVALID_ARGUMENT,
                         "this build has no PostgreSQL engine (WERKEX_WITH_POSTGRES=OFF)"));
#endif
}

}  // namespace werkex::admin
