// PgAuthStore's outbox (issue 10 item 11), as SqliteAuthStore's (auth_store_notify.cpp): one
// note per sign-off made in a supervisor's name, listed for her and mailed by the Mailer.
// Rows are never deleted: the list is her record of what was signed.
#include "auth_store_pg.hpp"
#include "auth_store_pg_rows.hpp"

namespace werkex::server {

namespace {

constexpr const char* kColumns =
    "SELECT id, person, signoff, placement, email, subject, body, created_ms, "
    "coalesce(sent_ms, 0), coalesce(disputed_ms, 0), attempts, last_error FROM notifications ";

Result<Notification> read_row(const pg::Rows& rows, int r) {
  Notification n;
  WX_ASSIGN_OR_RETURN(n.id, rows.int64(r, 0));
  n.person = std::string(rows.text(r, 1));
  n.signoff = std::string(rows.text(r, 2));
  n.placement = std::string(rows.text(r, 3));
  n.email = std::string(rows.text(r, 4));
  n.subject = std::string(rows.text(r, 5));
  n.body = std::string(rows.text(r, 6));
  WX_ASSIGN_OR_RETURN(n.created_ms, pg_auth::u64(rows, r, 7));
  WX_ASSIGN_OR_RETURN(n.sent_ms, pg_auth::u64(rows, r, 8));
  WX_ASSIGN_OR_RETURN(n.disputed_ms, pg_auth::u64(rows, r, 9));
  WX_ASSIGN_OR_RETURN(int64_t attempts, rows.int64(r, 10));
  n.attempts = static_cast<int>(attempts);
  n.last_error = std::string(rows.text(r, 11));
  return n;
}

Result<std::vector<Notification>> read_all(const pg::Rows& rows) {
  std::vector<Notification> out;
  for (int r = 0; r < rows.size(); ++r) {
    WX_ASSIGN_OR_RETURN(Notification n, read_row(rows, r));
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace

Status PgAuthStore::queue_notification(const Notification& n) {
  // NOT EXISTS first, so a second queue of one sign-off does not spend an id of the sequence
  // (ids stay dense, as SQLite's rowids); ON CONFLICT for two processes queueing at once.
  return exec(
             "INSERT INTO notifications(person, signoff, placement, email, subject, body, "
             "created_ms, next_ms) SELECT $1::text, $2::text, $3::text, $4::text, $5::text, "
             "$6::text, $7::bigint, $7::bigint WHERE NOT EXISTS (SELECT 1 FROM notifications "
             "WHERE signoff = $2::text) ON CONFLICT (signoff) DO NOTHING",
             {n.person, n.signoff, n.placement, n.email, n.subject, n.body, n.created_ms})
      .status();
}

Result<std::vector<Notification>> PgAuthStore::notifications_for(const std::string& person) {
  WX_ASSIGN_OR_RETURN(auto rows,
                      exec(std::string(kColumns) + "WHERE person = $1 ORDER BY id", {person}));
  return read_all(rows);
}

Result<std::vector<Notification>> PgAuthStore::due_notifications(uint64_t now_ms, size_t limit) {
  WX_ASSIGN_OR_RETURN(auto rows, exec(std::string(kColumns) +
                                          "WHERE sent_ms IS NULL AND email <> '' AND next_ms <= "
                                          "$1 ORDER BY id LIMIT $2",
                                      {now_ms, uint64_t{limit}}));
  return read_all(rows);
}

Status PgAuthStore::notification_sent(int64_t id, uint64_t now_ms) {
  return exec(
             "UPDATE notifications SET sent_ms = $2, attempts = attempts + 1, last_error = '' "
             "WHERE id = $1",
             {id, now_ms})
      .status();
}

Status PgAuthStore::notification_failed(int64_t id, const std::string& error,
                                        uint64_t retry_at_ms) {
  return exec(
             "UPDATE notifications SET attempts = attempts + 1, last_error = $2, next_ms = $3 "
             "WHERE id = $1",
             {id, error, retry_at_ms})
      .status();
}

Status PgAuthStore::notification_disputed(const std::string& signoff, uint64_t now_ms) {
  return exec(
             "UPDATE notifications SET disputed_ms = $2 WHERE signoff = $1 AND disputed_ms IS "
             "NULL",
             {signoff, now_ms})
      .status();
}

}  // namespace werkex::server
