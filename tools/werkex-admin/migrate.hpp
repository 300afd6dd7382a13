// `werkex-admin migrate --postgres CONNINFO`: creates or upgrades the PostgreSQL engine's schema
// (server/pg/pg_schema.hpp; docs/design.md §2) and prints the version it is at. Safe while
// servers run and when several run it at once (an advisory lock); refuses a database newer
// than this build (exit 13, conflict). In a build without the PostgreSQL engine
// (WERKEX_WITH_POSTGRES=OFF) it says so (exit 11, invalid_argument).
#pragma once

namespace werkex::admin {

// argv holds the arguments after "migrate". Returns the process exit code.
int migrate_main(int argc, char** argv);

}  // namespace werkex::admin
