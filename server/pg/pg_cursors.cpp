#include "pg_cursors.hpp"

namespace werkex::server::pg {

Result<uint64_t> take_cursors(Conn& conn, uint64_t n) {
  if (n == 0) return make_error(WX_INTERNAL, "take_cursors: asked for no cursor");
  WX_ASSIGN_OR_RETURN(auto rows,
                      conn.exec("UPDATE cursor_counter SET last = last + $1 RETURNING last", {n}));
  if (rows.size() != 1) return make_error(WX_CORRUPT, "PostgreSQL: cursor_counter has no row");
  WX_ASSIGN_OR_RETURN(int64_t last, rows.int64(0, 0));
  return static_cast<uint64_t>(last) - n + 1;
}

Result<uint64_t> last_cursor(Conn& conn) {
  WX_ASSIGN_OR_RETURN(auto rows, conn.exec("SELECT last FROM cursor_counter"));
  if (rows.size() != 1) return make_error(WX_CORRUPT, "PostgreSQL: cursor_counter has no row");
  WX_ASSIGN_OR_RETURN(int64_t last, rows.int64(0, 0));
  return static_cast<uint64_t>(last);
}

}  // namespace werkex::server::pg
