// AccessLogBuffer: what both AuthStore engines do with an access-log row they cannot write
// (a full disk, a lost database connection): keep it in memory, loudly, and write it before
// any later row once writing works again, so reads go on being served and are still recorded;
// only when `max` rows wait does a read fail (WX_UNAVAILABLE: fail closed). Rows still waiting
// when the store closes go to stderr as JSON lines, never dropped silently.
//
// The engine supplies the write: every buffered row, oldest first, in one transaction (all
// or none). Not thread-safe: the store calls it under its own lock.
#pragma once

#include <deque>
#include <functional>
#include <string>

#include "auth_store.hpp"

namespace werkex::server {

class AccessLogBuffer {
 public:
  using Write = std::function<Status(const std::deque<AccessRead>& rows)>;

  // `where` names the log in messages ("server.db", "the database").
  explicit AccessLogBuffer(std::string where) : where_(std::move(where)) {}

  // log_read: `row` after every row still waiting.
  Status add(AccessRead row, const Write& write);
  // Before the log is read: whatever waits is written first (nothing to do when none waits).
  Status flush(const Write& write);
  // At the store's close: written if it can be, else printed to stderr.
  void flush_or_print(const Write& write);

  void set_max(size_t rows) { max_ = rows; }
  size_t size() const { return rows_.size(); }

 private:
  std::string where_;
  std::deque<AccessRead> rows_;  // oldest first
  size_t max_ = 100000;          // ~10 MB of memory
};

}  // namespace werkex::server
