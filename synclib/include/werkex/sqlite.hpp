// RAII over the SQLite C API, used by synclib and the server (apps go through Replica): a
// connection, prepared statements (kept per connection for SQL that runs again and again),
// and a transaction that rolls back unless committed. Every failure comes back as a werkex Error
// carrying SQLite's message. Not thread-safe: one connection per thread, or a lock around it.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "werkex/error.hpp"

namespace werkex::sql {

class CachedStmt;

class Db {
 public:
  Db();
  ~Db();
  Db(Db&& other) noexcept;
  Db& operator=(Db&& other) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  static Result<Db> open(const std::string& path);
  Status exec(std::string_view sql);
  sqlite3* raw() const { return db_; }
  Error error(std::string_view what) const;
  int64_t changes() const { return sqlite3_changes64(db_); }
  // The statement for `sql`, prepared on first use and kept with the connection (up to
  // kCachedStatements of them): preparing is a large part of a short query's cost. The lease
  // resets it when it ends, so no read snapshot outlives the caller; a statement already
  // leased (a query run inside its own loop) is prepared afresh for the second caller.
  Result<CachedStmt> cached(std::string_view sql) const;
  static constexpr size_t kCachedStatements = 64;

 private:
  struct StmtCache;
  explicit Db(sqlite3* db);
  sqlite3* db_ = nullptr;
  std::unique_ptr<StmtCache> cache_;
};

// A prepared statement. step() returns true while there is a row. Columns and binds are
// 0-based and 1-based as in SQLite. The statement resets (and clears bindings) on reset().
class Stmt {
 public:
  Stmt() = default;
  ~Stmt();
  Stmt(Stmt&& other) noexcept : db_(other.db_), st_(other.st_) { other.st_ = nullptr; }
  Stmt& operator=(Stmt&& other) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  static Result<Stmt> prepare(const Db& db, std::string_view sql);

  Stmt& bind(int i, int64_t v);
  Stmt& bind(int i, uint64_t v) { return bind(i, static_cast<int64_t>(v)); }
  Stmt& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Stmt& bind(int i, std::string_view v);
  Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Stmt& bind_null(int i);
  Stmt& bind_blob(int i, std::string_view bytes);

  Result<bool> step();  // true: a row is ready
  Status run();         // steps to completion, then resets
  // Steps through every remaining row collecting column `col` as text, then resets.
  Result<std::vector<std::string>> column_texts(int col = 0);
  void reset();

  int64_t int64(int col) const { return sqlite3_column_int64(st_, col); }
  uint64_t uint64(int col) const { return static_cast<uint64_t>(int64(col)); }
  std::string_view text(int col) const;
  std::string_view blob(int col) const;
  bool is_null(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* st_ = nullptr;
};

// A statement leased from Db::cached(): use it as a Stmt; it is reset (bindings cleared)
// and handed back when the lease ends. Must not outlive its Db.
class CachedStmt {
 public:
  CachedStmt(CachedStmt&& other) noexcept;
  CachedStmt& operator=(CachedStmt&&) = delete;
  CachedStmt(const CachedStmt&) = delete;
  ~CachedStmt();
  Stmt& operator*() { return *stmt_; }
  Stmt* operator->() { return stmt_; }

 private:
  friend class Db;
  CachedStmt(Stmt* kept, bool* leased) : stmt_(kept), leased_(leased) {}
  explicit CachedStmt(Stmt own) : own_(std::move(own)), stmt_(&own_) {}
  Stmt own_;                // a statement of this lease alone (cache full, or already leased)
  Stmt* stmt_ = nullptr;    // &own_ or the cache's
  bool* leased_ = nullptr;  // the cache's flag for its statement, cleared on release
};

// BEGIN IMMEDIATE on construction (via begin()); rolls back on destruction unless commit().
// Begun while another transaction is open, it is a SAVEPOINT inside it: commit() releases
// it into the outer transaction (which alone makes it durable) and destruction rolls back
// only its own writes. That lets one user action made of several writes commit once.
class Transaction {
 public:
  static Result<Transaction> begin(Db& db);
  ~Transaction();
  Transaction(Transaction&& other) noexcept : db_(other.db_), nested_(other.nested_) {
    other.db_ = nullptr;
  }
  Transaction& operator=(Transaction&&) = delete;
  Status commit();

 private:
  Transaction(Db* db, bool nested) : db_(db), nested_(nested) {}
  Db* db_ = nullptr;
  bool nested_ = false;
};

}  // namespace werkex::sql
