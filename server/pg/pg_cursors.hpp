// Cursors for the PostgreSQL engine's change feed (docs/design.md §3). A writing transaction
// takes its cursors as its last step before COMMIT; the counter's row lock then holds every
// other writer at take_cursors() until this transaction has committed, and PostgreSQL makes
// a transaction visible before it releases its locks. So cursors become visible in cursor
// order: a reader that has seen cursor N has seen every change at or below N, however the
// writers' transactions overlapped. Readers take no lock.
#pragma once

#include <cstdint>

#include "pg_conn.hpp"

namespace werkex::server::pg {

// Inside a transaction on `conn`: reserves `n` (>= 1) consecutive cursors and returns the
// first. Call it last, just before COMMIT: the counter stays locked until the transaction ends.
Result<uint64_t> take_cursors(Conn& conn, uint64_t n);
// The highest cursor committed. A reader cutting a page reads it *before* the changes and
// reads no change above it: every change at or below it committed with it, so the later read
// sees them all, while a change read past it could have a lower one still uncommitted beside it.
Result<uint64_t> last_cursor(Conn& conn);

}  // namespace werkex::server::pg
