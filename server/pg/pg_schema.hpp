// The PostgreSQL engine's schema and its versions (docs/design.md §2). Each migration is one
// transaction and is recorded in schema_version(version, name, applied_at); migrate() applies
// the missing ones under an advisory lock, so server processes starting together and
// `werkex-admin migrate` migrate once between them. A database newer than this build is
// refused (WX_CONFLICT naming both versions): an old binary must not write a schema it does
// not know.
#pragma once

#include <vector>

#include "pg_conn.hpp"

namespace werkex::server::pg {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// Every migration this build knows, in version order from 1.
const std::vector<Migration>& migrations();
int latest_schema_version();
// The version the database is at; 0 for one werkex never migrated.
Result<int> schema_version(Conn& conn);
// Brings the database to latest_schema_version(); returns how many migrations it applied.
Result<int> migrate(Conn& conn);
// OK when the database is at latest_schema_version(); WX_CONFLICT naming both versions and
// what to do otherwise. The stores open only on such a database: a server never migrates on
// its own (docs/design.md §2).
Status require_latest_schema(Conn& conn);

}  // namespace werkex::server::pg
