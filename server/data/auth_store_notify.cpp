// SqliteAuthStore's outbox (issue 10 item 11): one note per sign-off made in a supervisor's name,
// listed for her (GET /v1/notifications) and mailed by the Mailer when the server has an
// SMTP server configured. Rows are never deleted: the list is her record of what was signed.
#include "auth_store_sqlite.hpp"

namespace werkex::server {

namespace {

constexpr const char* kColumns =
    "id, person, signoff, placement, email, subject, body, created_ms, coalesce(sent_ms, 0), "
    "coalesce(disputed_ms, 0), attempts, last_error";

Notification read_row(const sql::Stmt& st) {
  Notification n;
  n.id = st.int64(0);
  n.person = std::string(st.text(1));
  n.signoff = std::string(st.text(2));
  n.placement = std::string(st.text(3));
  n.email = std::string(st.text(4));
  n.subject = std::string(st.text(5));
  n.body = std::string(st.text(6));
  n.created_ms = st.uint64(7);
  n.sent_ms = st.uint64(8);
  n.disputed_ms = st.uint64(9);
  n.attempts = static_cast<int>(st.int64(10));
  n.last_error = std::string(st.text(11));
  return n;
}

Result<std::vector<Notification>> read_all(sql::Stmt& st) {
  std::vector<Notification> out;
  while (true) {
    WX_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    out.push_back(read_row(st));
  }
  st.reset();
  return out;
}

}  // namespace

Status SqliteAuthStore::queue_notification(const Notification& n) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(
      auto st, sql::Stmt::prepare(db_,
                                  "INSERT OR IGNORE INTO notifications(person, signoff, placement, "
                                  "email, subject, body, created_ms, next_ms) VALUES(?1, ?2, ?3, "
                                  "?4, ?5, ?6, ?7, ?7)"));
  return st.bind(1, n.person)
      .bind(2, n.signoff)
      .bind(3, n.placement)
      .bind(4, n.email)
      .bind(5, n.subject)
      .bind(6, n.body)
      .bind(7, n.created_ms)
      .run();
}

Result<std::vector<Notification>> SqliteAuthStore::notifications_for(const std::string& person) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_, std::string("SELECT ") + kColumns +
                                                           " FROM notifications WHERE person = "
                                                           "?1 ORDER BY id"));
  st.bind(1, person);
  return read_all(st);
}

Result<std::vector<Notification>> SqliteAuthStore::due_notifications(uint64_t now_ms,
                                                                     size_t limit) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_, std::string("SELECT ") + kColumns +
                                                           " FROM notifications WHERE sent_ms IS "
                                                           "NULL AND email <> '' AND next_ms <= "
                                                           "?1 ORDER BY id LIMIT ?2"));
  st.bind(1, now_ms).bind(2, static_cast<int64_t>(limit));
  return read_all(st);
}

Status SqliteAuthStore::notification_sent(int64_t id, uint64_t now_ms) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "UPDATE notifications SET sent_ms = ?2, "
                                                  "attempts = attempts + 1, last_error = '' "
                                                  "WHERE id = ?1"));
  return st.bind(1, id).bind(2, now_ms).run();
}

Status SqliteAuthStore::notification_failed(int64_t id, const std::string& error,
                                            uint64_t retry_at_ms) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "UPDATE notifications SET attempts = attempts "
                                                  "+ 1, last_error = ?2, next_ms = ?3 WHERE id = "
                                                  "?1"));
  return st.bind(1, id).bind(2, error).bind(3, retry_at_ms).run();
}

Status SqliteAuthStore::notification_disputed(const std::string& signoff, uint64_t now_ms) {
  std::lock_guard lock(mu_);
  WX_ASSIGN_OR_RETURN(auto st, sql::Stmt::prepare(db_,
                                                  "UPDATE notifications SET disputed_ms = ?2 "
                                                  "WHERE signoff = ?1 AND disputed_ms IS NULL"));
  return st.bind(1, signoff).bind(2, now_ms).run();
}

}  // namespace werkex::server
