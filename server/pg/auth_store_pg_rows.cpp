// PgAuthStore's shared helpers (auth_store_pg_rows.hpp).
#include "auth_store_pg_rows.hpp"

#include <algorithm>

namespace werkex::server::pg_auth {

namespace {

// Rows per INSERT: few round trips, far below PostgreSQL's 65535 parameters.
constexpr size_t kRowsPerStatement = 500;

}  // namespace

Result<uint64_t> u64(const pg::Rows& rows, int row, int col) {
  WX_ASSIGN_OR_RETURN(int64_t n, rows.int64(row, col));
  return static_cast<uint64_t>(n);
}

std::vector<std::string> texts(const pg::Rows& rows, int col) {
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(rows.size()));
  for (int r = 0; r < rows.size(); ++r) out.emplace_back(rows.text(r, col));
  return out;
}

pg::Param null_if_empty(const std::string& text) {
  return text.empty() ? pg::Param::null() : pg::Param(text);
}

Status insert_rows(pg::Conn& conn, std::string_view head, size_t columns,
                   const std::vector<pg::Param>& values) {
  const size_t rows = values.size() / columns;
  for (size_t first = 0; first < rows; first += kRowsPerStatement) {
    const size_t n = std::min(kRowsPerStatement, rows - first);
    std::string sql(head);
    sql += " VALUES ";
    for (size_t r = 0; r < n; ++r) {
      sql += r ? ", (" : "(";
      for (size_t c = 0; c < columns; ++c)
        sql += (c ? ", $" : "$") + std::to_string(r * columns + c + 1);
      sql += ")";
    }
    const auto begin = values.begin() + static_cast<std::ptrdiff_t>(first * columns);
    std::vector<pg::Param> params(begin, begin + static_cast<std::ptrdiff_t>(n * columns));
    WX_RETURN_IF_ERROR(conn.exec(sql, params).status());
  }
  return Status::ok();
}

Status lock_key(pg::Conn& conn, LockKind kind, const std::string& key) {
  // hashtext: a collision only makes two unrelated keys wait for each other.
  return conn
      .exec("SELECT pg_advisory_xact_lock($1::integer, hashtext($2))",
            {static_cast<int>(kind), key})
      .status();
}

}  // namespace werkex::server::pg_auth
