#include "pg_conn.hpp"

#include <charconv>

namespace werkex::server::pg {

namespace {

std::string one_line(std::string_view message) {
  std::string s(message);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  for (char& c : s)
    if (c == '\n') c = ' ';
  return s;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Error error_of_sqlstate(std::string_view sqlstate, std::string_view message) {
  ErrorCode code = WX_IO;
  const std::string_view cls = sqlstate.substr(0, 2);
  if (sqlstate.empty() || cls == "08" || cls == "53" || cls == "57" || sqlstate == "40001" ||
      sqlstate == "40P01")
    code = WX_UNAVAILABLE;  // connection, resources, shutdown, serialization, deadlock: retry
  else if (cls == "23")
    code = WX_CONFLICT;  // integrity: unique, foreign key, check
  else if (cls == "22")
    code = WX_INVALID_ARGUMENT;  // data exception: a value the column cannot hold
  std::string text = "PostgreSQL";
  if (!sqlstate.empty()) text += " " + std::string(sqlstate);
  return make_error(code, text + ": " + one_line(message));
}

std::string_view Rows::text(int row, int col) const {
  const char* v = PQgetvalue(r_.get(), row, col);
  return {v, static_cast<size_t>(PQgetlength(r_.get(), row, col))};
}

Result<int64_t> Rows::int64(int row, int col) const {
  std::string_view t = text(row, col);
  int64_t n = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (ec != std::errc() || end != t.data() + t.size() || t.empty())
    return make_error(WX_CORRUPT, "PostgreSQL: column " + std::to_string(col) +
                                      " is not an integer: '" + std::string(t.substr(0, 40)) + "'");
  return n;
}

Result<std::string> Rows::bytes(int row, int col) const {
  std::string_view t = text(row, col);
  if (t.size() < 2 || t[0] != '\\' || t[1] != 'x' || t.size() % 2 != 0)
    return make_error(WX_CORRUPT,
                      "PostgreSQL: column " + std::to_string(col) + " is not bytea in hex form");
  std::string out;
  out.resize((t.size() - 2) / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = hex_digit(t[2 + 2 * i]), lo = hex_digit(t[3 + 2 * i]);
    if (hi < 0 || lo < 0) return make_error(WX_CORRUPT, "PostgreSQL: bad hex in bytea");
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return out;
}

int64_t Rows::affected() const {
  const char* n = PQcmdTuples(r_.get());
  return n && *n ? std::strtoll(n, nullptr, 10) : 0;
}

Result<Conn> Conn::connect(const std::string& conninfo) {
  PGconn* raw = PQconnectdb(conninfo.c_str());
  Conn conn(raw);
  if (!raw) return make_error(WX_UNAVAILABLE, "PostgreSQL: out of memory for a connection");
  if (PQstatus(raw) != CONNECTION_OK) {
    std::string where =
        std::string(PQhost(raw) ? PQhost(raw) : "?") + ":" + (PQport(raw) ? PQport(raw) : "?");
    return make_error(WX_UNAVAILABLE, "PostgreSQL at " + where +
                                          " cannot be reached: " + one_line(PQerrorMessage(raw)));
  }
  // Every connection speaks UTF-8 and UTC, whatever the server's defaults are.
  WX_RETURN_IF_ERROR(conn.run_script("SET client_encoding = 'UTF8'; SET TimeZone = 'UTC'"));
  return conn;
}

Result<Rows> Conn::finish(PGresult* r, std::string_view sql) {
  Rows rows(r);
  ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return rows;
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const char* msg = r ? PQresultErrorMessage(r) : PQerrorMessage(c_.get());
  (void)sql;  // never in the message: it may name values that are a pupil's data
  return error_of_sqlstate(state ? state : "", msg ? msg : "no result");
}

Result<Rows> Conn::exec(std::string_view sql, std::initializer_list<Param> params) {
  return exec(sql, std::vector<Param>(params));
}

Result<Rows> Conn::exec(std::string_view sql, const std::vector<Param>& params) {
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (const Param& p : params) {
    values.push_back(p.is_null() ? nullptr : p.value().c_str());
    lengths.push_back(static_cast<int>(p.value().size()));
    formats.push_back(p.binary() ? 1 : 0);
  }
  std::string text(sql);
  const int n = static_cast<int>(params.size());
  WX_ASSIGN_OR_RETURN(std::string name, prepared(text, n));
  PGresult* r = name.empty() ? PQexecParams(c_.get(), text.c_str(), n, nullptr, values.data(),
                                            lengths.data(), formats.data(), 0)
                             : PQexecPrepared(c_.get(), name.c_str(), n, values.data(),
                                              lengths.data(), formats.data(), 0);
  return finish(r, sql);
}

Result<std::string> Conn::prepared(const std::string& text, int params) {
  if (auto it = prepared_.find(text); it != prepared_.end()) return it->second;
  if (prepared_.size() >= kMaxPrepared) return std::string();
  std::string name = "wx_stmt_" + std::to_string(prepared_.size());
  // Parameter types as PQexecParams leaves them: inferred by the server from the text.
  WX_ASSIGN_OR_RETURN(
      auto done, finish(PQprepare(c_.get(), name.c_str(), text.c_str(), params, nullptr), text));
  (void)done;
  prepared_.emplace(text, name);
  return name;
}

Status Conn::run_script(std::string_view sql) {
  std::string text(sql);
  WX_ASSIGN_OR_RETURN(auto rows, finish(PQexec(c_.get(), text.c_str()), sql));
  (void)rows;
  return Status::ok();
}

Status Conn::check() {
  if (PQstatus(c_.get()) != CONNECTION_OK) {
    PQreset(c_.get());
    prepared_.clear();  // a new session: what was prepared is gone with the old one
  }
  if (PQstatus(c_.get()) != CONNECTION_OK)
    return make_error(WX_UNAVAILABLE,
                      "PostgreSQL connection lost: " + one_line(PQerrorMessage(c_.get())));
  return exec("SELECT 1").status();
}

Result<Transaction> Transaction::begin(Conn& conn, std::string_view isolation) {
  std::string sql = "BEGIN";
  if (!isolation.empty()) sql += " " + std::string(isolation);
  WX_RETURN_IF_ERROR(conn.run_script(sql));
  return Transaction(conn);
}

Transaction::~Transaction() {
  if (conn_) (void)conn_->run_script("ROLLBACK");  // nothing to report it to: it undoes
}

Status Transaction::commit() {
  Conn* c = conn_;
  conn_ = nullptr;
  WX_ASSIGN_OR_RETURN(auto done, c->exec("COMMIT"));
  // A transaction that failed earlier "commits" as a rollback, without an error of its own.
  if (std::string_view(PQcmdStatus(done.raw())) != "COMMIT")
    return make_error(WX_UNAVAILABLE, "PostgreSQL: the transaction was rolled back, not committed");
  return Status::ok();
}

}  // namespace werkex::server::pg
