// PgAuthStore's helpers shared by its files (auth_store_pg*.cpp): reading columns, inserting
// many rows in few statements, the advisory locks that make its check-then-write steps atomic
// across processes; the code and HMAC helpers are both engines' (auth_codes.hpp).
// Private to werkex_pg: not installed, not included by anything outside server/pg.
#pragma once

#include <string>
#include <vector>

#include "pg_conn.hpp"

namespace werkex::server::pg_auth {

// An unsigned integer column (a time in ms, a count); WX_CORRUPT if it is not one.
Result<uint64_t> u64(const pg::Rows& rows, int row, int col);
// Column `col` of every row, as text.
std::vector<std::string> texts(const pg::Rows& rows, int col = 0);
// A nullable text parameter: NULL for "" (what SQLite's nullif(?, '') stores).
pg::Param null_if_empty(const std::string& text);

// `head` ("INSERT INTO t(a, b)") with VALUES for every `columns` parameters in `values`, a
// few hundred rows per statement. Run it in a transaction when all must go or none.
Status insert_rows(pg::Conn& conn, std::string_view head, size_t columns,
                   const std::vector<pg::Param>& values);

// What a transaction-level advisory lock serialises: one replica id's enrolments, one
// label's admin tokens. Held until the transaction ends.
enum class LockKind : int { replica = 0x77780001, admin_label = 0x77780002 };
Status lock_key(pg::Conn& conn, LockKind kind, const std::string& key);

}  // namespace werkex::server::pg_auth
