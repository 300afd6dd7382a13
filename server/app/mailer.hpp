// Mailer: sends the supervisors' outbox (AuthStore notifications) by e-mail through libcurl's
// SMTP, on a thread of its own so no request waits for a mail server.
//
// Config keys (server --config): smtp_url ("smtp://host:587", "smtps://host:465"; absent: no
// mail, the notes are only listed), smtp_from (the envelope and From address, required with
// smtp_url), smtp_user / smtp_password (optional), smtp_starttls (default true: an smtp://
// connection must upgrade to TLS before anything is sent), smtp_retry_s (default 60).
//
// Invariants: a note is marked sent only after the server accepted the whole message; a
// failure is recorded on the note (attempts, last error) and retried after smtp_retry_s,
// doubling up to 64 times that; the thread wakes when a note is queued (wake()) and stops
// in the destructor, waiting at most for one SMTP exchange (30 s timeout). Thread-safe.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "auth_store.hpp"

namespace werkex::server {

struct MailConfig {
  std::string smtp_url, from, user, password;
  bool starttls = true;
  uint64_t retry_ms = 60 * 1000;
  bool enabled() const { return !smtp_url.empty(); }
};

class Mailer {
 public:
  Mailer(MailConfig config, AuthStore& auth, std::function<uint64_t()> now_ms);
  ~Mailer();
  Mailer(const Mailer&) = delete;
  Mailer& operator=(const Mailer&) = delete;

  void wake();  // a note was queued: send it now

 private:
  void run();
  Status send(const Notification& n);

  MailConfig config_;
  AuthStore& auth_;
  std::function<uint64_t()> now_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;   // GUARDED_BY(mu_)
  bool woken_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

// The RFC 5322 message for a note (CRLF lines; UTF-8 subject encoded per RFC 2047).
std::string mail_message(const MailConfig& config, const Notification& n, uint64_t now_ms);

}  // namespace werkex::server
