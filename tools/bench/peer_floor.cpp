// The plain-SQLite floor of the peer workload's writes: what a field-level LWW store on
// SQLite must at least do per update (append to a log, keep the winner per cell), one
// transaction per update like werkex's put(), WAL, the same synchronous setting.
#include "peer_workload.hpp"

namespace bench::peer {

Floor::Floor(const std::string& path, bool durable, const Workload& w) : w_(w) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK)
    fail("open " + path);
  exec("PRAGMA journal_mode=WAL");
  exec(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  exec(
      "CREATE TABLE log(record TEXT, field TEXT, value TEXT, ts INTEGER, replica INTEGER);"
      "CREATE TABLE state(record TEXT, field TEXT, value TEXT, ts INTEGER, replica INTEGER,"
      " PRIMARY KEY(record, field)) WITHOUT ROWID");
  const char* log = "INSERT INTO log VALUES(?1, ?2, ?3, ?4, ?5)";
  const char* upsert =
      "INSERT INTO state VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(record, field) DO UPDATE SET "
      "value = excluded.value, ts = excluded.ts, replica = excluded.replica "
      "WHERE (excluded.ts, excluded.replica) > (state.ts, state.replica)";
  if (sqlite3_prepare_v2(db_, log, -1, &log_, nullptr) != SQLITE_OK) fail(log);
  if (sqlite3_prepare_v2(db_, upsert, -1, &upsert_, nullptr) != SQLITE_OK) fail(upsert);
  exec("BEGIN");
  for (size_t r = 0; r < w.init.size(); ++r)
    for (size_t f = 0; f < w.fields.size(); ++f) {
      Update u{static_cast<uint32_t>(r), static_cast<uint8_t>(f), w.init[r][f]};
      for (sqlite3_stmt* st : {log_, upsert_}) {
        std::string record = fmt("rec%06zu", r);
        sqlite3_bind_text(st, 1, record.data(), static_cast<int>(record.size()), SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, w.fields[f].c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, u.value.data(), static_cast<int>(u.value.size()), SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, 0);
        sqlite3_bind_int64(st, 5, 0);
        if (sqlite3_step(st) != SQLITE_DONE) fail("init");
        sqlite3_reset(st);
      }
    }
  exec("COMMIT");
}

Floor::~Floor() {
  sqlite3_finalize(log_);
  sqlite3_finalize(upsert_);
  sqlite3_close_v2(db_);
}

void Floor::write(const Update& u, int64_t ts, int replica) {
  char record[32];
  std::snprintf(record, sizeof record, "rec%06u", static_cast<unsigned>(u.record));
  exec("BEGIN IMMEDIATE");
  for (sqlite3_stmt* st : {log_, upsert_}) {
    sqlite3_bind_text(st, 1, record, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, w_.fields[u.field].c_str(), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, u.value.data(), static_cast<int>(u.value.size()), SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, ts);
    sqlite3_bind_int64(st, 5, replica);
    if (sqlite3_step(st) != SQLITE_DONE) fail("write");
    sqlite3_reset(st);
  }
  exec("COMMIT");
}

void Floor::exec(const char* sql) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(sql);
}

void Floor::fail(const std::string& what) {
  throw Failure("plain sqlite floor: " + what + ": " + (db_ ? sqlite3_errmsg(db_) : "no handle"));
}

}  // namespace bench::peer
