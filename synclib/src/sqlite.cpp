#include "werkex/sqlite.hpp"

#include <chrono>
#include <thread>
#include <unordered_map>
#include <utility>

namespace werkex::sql {

namespace {

// How long a connection waits for another one's write lock before SQLITE_BUSY: ~30 s.
constexpr int kBusyAttempts = 24000;

// Waits for another connection's write lock in short, varied steps (0.5-2 ms). SQLite's own
// busy timeout backs off to 100 ms between tries, so a writer committing in a tight loop (an
// app and its widget on one file) could take the lock back every time and starve this one
// for good; polling this often finds the gap between its commits.
int wait_for_lock(void*, int attempt) {
  if (attempt >= kBusyAttempts) return 0;
  std::this_thread::sleep_for(std::chrono::microseconds(500 + (attempt * 7919) % 1500));
  return 1;
}

}  // namespace

// The kept statements, by SQL text. Entries are never removed while the connection lives, so
// a leased statement's address stays valid.
struct Db::StmtCache {
  struct Entry {
    Stmt stmt;
    bool leased = false;
  };
  std::unordered_map<std::string, std::unique_ptr<Entry>> entries;
};

Db::Db() = default;
Db::Db(sqlite3* db) : db_(db), cache_(std::make_unique<StmtCache>()) {}

Db::Db(Db&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), cache_(std::move(other.cache_)) {}

Db::~Db() {
  cache_.reset();  // statements are finalized before their connection closes
  if (db_) sqlite3_close_v2(db_);
}

Db& Db::operator=(Db&& other) noexcept {
  if (this != &other) {
    cache_.reset();
    if (db_) sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    cache_ = std::move(other.cache_);
  }
  return *this;
}

Result<CachedStmt> Db::cached(std::string_view sql) const {
  if (!cache_) return make_error(WX_INVALID_ARGUMENT, "no database connection");
  auto it = cache_->entries.find(std::string(sql));
  if (it == cache_->entries.end()) {
    WX_ASSIGN_OR_RETURN(Stmt fresh, Stmt::prepare(*this, sql));
    if (cache_->entries.size() >= kCachedStatements) return CachedStmt(std::move(fresh));
    auto entry = std::make_unique<StmtCache::Entry>();
    entry->stmt = std::move(fresh);
    it = cache_->entries.emplace(std::string(sql), std::move(entry)).first;
  }
  StmtCache::Entry& e = *it->second;
  if (e.leased) {
    WX_ASSIGN_OR_RETURN(Stmt fresh, Stmt::prepare(*this, sql));
    return CachedStmt(std::move(fresh));
  }
  e.leased = true;
  return CachedStmt(&e.stmt, &e.leased);
}

CachedStmt::CachedStmt(CachedStmt&& other) noexcept
    : own_(std::move(other.own_)),
      stmt_(other.stmt_ == &other.own_ ? &own_ : other.stmt_),
      leased_(std::exchange(other.leased_, nullptr)) {
  other.stmt_ = nullptr;
}

CachedStmt::~CachedStmt() {
  if (!leased_) return;  // its own statement finalizes with it
  stmt_->reset();
  *leased_ = false;
}

Result<Db> Db::open(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  Db db(raw);  // owns the handle even on failure
  if (rc != SQLITE_OK) {
    return make_error(WX_IO, "cannot open database '" + path +
                                 "': " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_handler(raw, &wait_for_lock, nullptr);
  return db;
}

Error Db::error(std::string_view what) const {
  int rc = sqlite3_extended_errcode(db_);
  int primary = rc & 0xff;
  ErrorCode code = (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) ? WX_CORRUPT : WX_IO;
  return make_error(code, std::string(what) + ": " + sqlite3_errmsg(db_));
}

Status Db::exec(std::string_view sql) {
  std::string s(sql);
  char* msg = nullptr;
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string m = msg ? msg : "unknown error";
    sqlite3_free(msg);
    Error e = error("sql");
    e.message = "sql failed: " + m;
    return e;
  }
  return Status::ok();
}

Stmt::~Stmt() {
  if (st_) sqlite3_finalize(st_);
}

Stmt& Stmt::operator=(Stmt&& other) noexcept {
  if (this != &other) {
    if (st_) sqlite3_finalize(st_);
    db_ = other.db_;
    st_ = std::exchange(other.st_, nullptr);
  }
  return *this;
}

Result<Stmt> Stmt::prepare(const Db& db, std::string_view sql) {
  Stmt s;
  s.db_ = db.raw();
  if (sqlite3_prepare_v3(db.raw(), sql.data(), static_cast<int>(sql.size()),
                         SQLITE_PREPARE_PERSISTENT, &s.st_, nullptr) != SQLITE_OK) {
    return db.error("prepare '" + std::string(sql.substr(0, 60)) + "'");
  }
  return s;
}

Stmt& Stmt::bind(int i, int64_t v) {
  sqlite3_bind_int64(st_, i, v);
  return *this;
}

Stmt& Stmt::bind(int i, std::string_view v) {
  sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::bind_blob(int i, std::string_view bytes) {
  // A zero-length blob still binds as a blob, not NULL: data() of an empty view may be null.
  static const char kEmpty = 0;
  sqlite3_bind_blob(st_, i, bytes.empty() ? &kEmpty : bytes.data(), static_cast<int>(bytes.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::bind_null(int i) {
  sqlite3_bind_null(st_, i);
  return *this;
}

Result<bool> Stmt::step() {
  int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error e = make_error(WX_IO, std::string("sqlite step: ") + sqlite3_errmsg(db_));
  if ((rc & 0xff) == SQLITE_CORRUPT) e.code = WX_CORRUPT;
  sqlite3_reset(st_);
  return e;
}

Status Stmt::run() {
  auto r = step();
  reset();
  if (!r) return r.error();
  return Status::ok();
}

Result<std::vector<std::string>> Stmt::column_texts(int col) {
  std::vector<std::string> out;
  while (true) {
    auto row = step();
    if (!row) {
      reset();
      return row.error();
    }
    if (!*row) break;
    out.emplace_back(text(col));
  }
  reset();
  return out;
}

void Stmt::reset() {
  sqlite3_reset(st_);
  sqlite3_clear_bindings(st_);
}

std::string_view Stmt::text(int col) const {
  const unsigned char* p = sqlite3_column_text(st_, col);
  if (!p) return {};
  return {reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(st_, col))};
}

std::string_view Stmt::blob(int col) const {
  const void* p = sqlite3_column_blob(st_, col);
  if (!p) return {};
  return {static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(st_, col))};
}

namespace {

// Transaction control on every write: kept prepared (parsing "COMMIT" each time showed in
// the server's profile). The rare rollbacks go through exec().
Status run_kept(Db& db, std::string_view sql) {
  WX_ASSIGN_OR_RETURN(CachedStmt st, db.cached(sql));
  return st->run();
}

}  // namespace

Result<Transaction> Transaction::begin(Db& db) {
  if (!sqlite3_get_autocommit(db.raw())) {
    WX_RETURN_IF_ERROR(run_kept(db, "SAVEPOINT wx_nested"));
    return Transaction(&db, true);
  }
  WX_RETURN_IF_ERROR(run_kept(db, "BEGIN IMMEDIATE"));
  return Transaction(&db, false);
}

Transaction::~Transaction() {
  if (!db_) return;
  // ROLLBACK TO keeps the savepoint open; RELEASE then removes it (its writes are gone).
  if (nested_)
    (void)db_->exec("ROLLBACK TO wx_nested; RELEASE wx_nested");
  else
    (void)db_->exec("ROLLBACK");
}

Status Transaction::commit() {
  Db* db = std::exchange(db_, nullptr);
  if (nested_) {
    Status s = run_kept(*db, "RELEASE wx_nested");
    if (!s) (void)db->exec("ROLLBACK TO wx_nested; RELEASE wx_nested");
    return s;
  }
  Status s = run_kept(*db, "COMMIT");
  if (!s) (void)db->exec("ROLLBACK");
  return s;
}

}  // namespace werkex::sql
