// The outbox's sender (mailer.hpp): libcurl SMTP on one thread.
#include "mailer.hpp"

#include <curl/curl.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace werkex::server {

namespace {

std::string rfc2047(const std::string& text) {
  std::string b64(sodium_base64_encoded_len(text.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(text.data()),
                    text.size(), sodium_base64_VARIANT_ORIGINAL);
  b64.pop_back();  // the terminating NUL
  return "=?UTF-8?B?" + b64 + "?=";
}

std::string rfc5322_date(uint64_t now_ms) {
  std::time_t t = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

struct Upload {
  const std::string& text;
  size_t at = 0;
};

size_t read_upload(char* out, size_t size, size_t n, void* user) {
  auto* up = static_cast<Upload*>(user);
  size_t len = std::min(size * n, up->text.size() - up->at);
  std::copy_n(up->text.data() + up->at, len, out);
  up->at += len;
  return len;
}

void log_event(const char* event, const Notification& n, const std::string& detail) {
  std::string safe;
  for (char c : detail) safe += (c == '"' || c == '\\' || c < ' ') ? ' ' : c;
  std::fprintf(stdout, "{\"event\":\"%s\",\"signoff\":\"%s\",\"detail\":\"%s\"}\n", event,
               n.signoff.c_str(), safe.c_str());
  std::fflush(stdout);
}

}  // namespace

std::string mail_message(const MailConfig& config, const Notification& n, uint64_t now_ms) {
  std::string body;
  for (char c : n.body) {
    if (c == '\n') body += '\r';
    body += c;
  }
  return "Date: " + rfc5322_date(now_ms) + "\r\nFrom: werkex <" + config.from + ">\r\nTo: <" +
         n.email + ">\r\nSubject: " + rfc2047(n.subject) + "\r\nMessage-ID: <" + n.signoff +
         ".signoff@werkex>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
         "Content-Transfer-Encoding: 8bit\r\n\r\n" +
         body;
}

Mailer::Mailer(MailConfig config, AuthStore& auth, std::function<uint64_t()> now_ms)
    : config_(std::move(config)), auth_(auth), now_ms_(std::move(now_ms)) {
  curl_global_init(CURL_GLOBAL_DEFAULT);  // before any thread: the server has none yet
  thread_ = std::thread([this] { run(); });
}

Mailer::~Mailer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Mailer::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void Mailer::run() {
  while (true) {
    auto due = auth_.due_notifications(now_ms_(), 20);
    for (const Notification& n : due ? *due : std::vector<Notification>{}) {
      {
        std::lock_guard lock(mu_);
        if (stop_) return;
      }
      Status sent = send(n);
      const uint64_t now = now_ms_();
      if (sent) {
        (void)auth_.notification_sent(n.id, now);
        log_event("mail_sent", n, n.email);
      } else {
        uint64_t backoff = config_.retry_ms << std::min(n.attempts, 6);
        (void)auth_.notification_failed(n.id, sent.error().message, now + backoff);
        log_event("mail_failed", n, sent.error().message);
      }
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(std::min<uint64_t>(config_.retry_ms, 60000)),
                 [this] { return stop_ || woken_; });
    if (stop_) return;
    woken_ = false;
  }
}

Status Mailer::send(const Notification& n) {
  const std::string text = mail_message(config_, n, now_ms_());
  Upload up{text};
  CURL* c = curl_easy_init();
  if (!c) return make_error(WX_INTERNAL, "libcurl failed to initialise");
  char error[CURL_ERROR_SIZE] = {0};
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + n.email + ">").c_str());
  const std::string from = "<" + config_.from + ">";
  curl_easy_setopt(c, CURLOPT_URL, config_.smtp_url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(c, CURLOPT_READDATA, &up);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  if (config_.starttls) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!config_.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, config_.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, config_.password.c_str());
  }
  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(c);
  if (rc != CURLE_OK)
    return make_error(WX_UNAVAILABLE,
                      std::string("SMTP: ") + (error[0] ? error : curl_easy_strerror(rc)));
  return Status::ok();
}

}  // namespace werkex::server
