// RAII over libpq for the server's PostgreSQL engine (docs/design.md): a connection, the rows
// of one statement, and a transaction that rolls back unless committed. Every failure comes
// back as a werkex Error naming PostgreSQL's SQLSTATE and message, its code chosen in one
// place (error_of_sqlstate): transient ones (connection lost, serialization failure,
// deadlock, the server shutting down) are WX_UNAVAILABLE so callers retry; a broken unique
// or foreign key WX_CONFLICT; bad data WX_INVALID_ARGUMENT; anything else WX_IO.
//
// Parameters go as text ($1, $2 …) except bytea, which goes binary; results come back as
// text, bytea decoded from its hex form. Not thread-safe: one connection per thread, or a
// lock around it (libpq's own rule).
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "werkex/error.hpp"

namespace werkex::server::pg {

// One statement parameter, owning its text (a statement's parameters are few and small next
// to a round trip to the database).
class Param {
 public:
  Param(std::string_view text) : value_(text) {}    // NOLINT: implicit on purpose
  Param(const char* text) : value_(text) {}         // NOLINT
  Param(const std::string& text) : value_(text) {}  // NOLINT
  Param(int64_t n) : value_(std::to_string(n)) {}   // NOLINT
  Param(uint64_t n) : value_(std::to_string(n)) {}  // NOLINT
  Param(int n) : value_(std::to_string(n)) {}       // NOLINT
  Param(bool b) : value_(b ? "true" : "false") {}   // NOLINT
  static Param bytes(std::string_view b) {
    Param p{b};
    p.binary_ = true;
    return p;
  }
  static Param null() {
    Param p{std::string_view()};
    p.null_ = true;
    return p;
  }
  const std::string& value() const { return value_; }
  bool binary() const { return binary_; }
  bool is_null() const { return null_; }

 private:
  std::string value_;
  bool binary_ = false, null_ = false;
};

// The rows of one statement (text format). Columns and rows are 0-based.
class Rows {
 public:
  explicit Rows(PGresult* r = nullptr) : r_(r, &PQclear) {}
  int size() const { return r_ ? PQntuples(r_.get()) : 0; }
  bool empty() const { return size() == 0; }
  bool is_null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  std::string_view text(int row, int col) const;
  // An integer column (int, bigint, numeric without a fraction); WX_CORRUPT otherwise.
  Result<int64_t> int64(int row, int col) const;
  // A bytea column, decoded from PostgreSQL's hex output.
  Result<std::string> bytes(int row, int col) const;
  // How many rows an INSERT/UPDATE/DELETE touched.
  int64_t affected() const;
  PGresult* raw() const { return r_.get(); }

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> r_;
};

class Conn {
 public:
  // Connects (a libpq connection string or URI). WX_UNAVAILABLE, naming the server libpq
  // tried, when it cannot; the password is never part of the message.
  static Result<Conn> connect(const std::string& conninfo);

  Conn(Conn&&) noexcept = default;
  Conn& operator=(Conn&&) noexcept = default;

  // One statement with parameters ($1 …). Prepared on this connection the first time its text
  // is seen (up to kMaxPrepared texts), then only executed: a sync runs some twenty statements,
  // and parsing and planning each anew cost PostgreSQL more than running them.
  Result<Rows> exec(std::string_view sql, std::initializer_list<Param> params = {});
  Result<Rows> exec(std::string_view sql, const std::vector<Param>& params);
  // Statements separated by ';', without parameters (schema migrations).
  Status run_script(std::string_view sql);
  // Whether the connection is usable; tries to reset it once if it is not (for /healthz).
  Status check();
  // The server process serving this connection (tests look it up in pg_locks).
  int backend_pid() const { return PQbackendPID(c_.get()); }
  PGconn* raw() const { return c_.get(); }

 private:
  static constexpr size_t kMaxPrepared = 256;

  explicit Conn(PGconn* c) : c_(c, &PQfinish) {}
  Result<Rows> finish(PGresult* r, std::string_view sql);
  // The prepared statement's name for `text`; "" when it is not (and will not be) prepared.
  Result<std::string> prepared(const std::string& text, int params);
  std::unique_ptr<PGconn, void (*)(PGconn*)> c_;
  std::unordered_map<std::string, std::string> prepared_;  // text → name, on this session
};

// BEGIN … COMMIT; ROLLBACK when destroyed uncommitted. `isolation` is put after BEGIN
// ("ISOLATION LEVEL REPEATABLE READ"), empty for PostgreSQL's default (READ COMMITTED).
class Transaction {
 public:
  static Result<Transaction> begin(Conn& conn, std::string_view isolation = "");
  ~Transaction();
  Transaction(Transaction&& o) noexcept : conn_(o.conn_) { o.conn_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Status commit();

 private:
  explicit Transaction(Conn& conn) : conn_(&conn) {}
  Conn* conn_;
};

// The werkex error for a failed statement: SQLSTATE (five characters, may be empty when
// the connection broke) and PostgreSQL's message.
Error error_of_sqlstate(std::string_view sqlstate, std::string_view message);

}  // namespace werkex::server::pg
