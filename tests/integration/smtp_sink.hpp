// A tiny SMTP server on 127.0.0.1 for tests: it speaks just enough of RFC 5321 (EHLO/HELO,
// MAIL, RCPT, DATA, RSET, NOOP, QUIT) for libcurl to deliver, and keeps every message it was
// given. One connection at a time, on a thread of its own; stops at scope end.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace werkex::test {

struct SmtpMessage {
  std::string from;
  std::vector<std::string> to;
  std::string data;  // as received, dot-stuffing undone, without the final "."
};

class SmtpSink {
 public:
  SmtpSink() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd_, 4) != 0)
      return;
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~SmtpSink() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) close(fd_);
  }
  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  std::vector<SmtpMessage> messages() {
    std::lock_guard lock(mu_);
    return messages_;
  }
  // Waits until `n` messages arrived or `limit` passed; returns what arrived.
  std::vector<SmtpMessage> wait_for(size_t n, std::chrono::seconds limit) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (messages().size() < n && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return messages();
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      session(c);
      close(c);
    }
  }

  // One line without its CRLF; false when the peer went away or the sink stops.
  bool read_line(int c, std::string& buf, std::string& line) {
    while (true) {
      auto at = buf.find("\r\n");
      if (at != std::string::npos) {
        line = buf.substr(0, at);
        buf.erase(0, at + 2);
        return true;
      }
      pollfd p{c, POLLIN, 0};
      if (stop_) return false;
      if (poll(&p, 1, 100) <= 0) continue;
      char tmp[4096];
      ssize_t n = recv(c, tmp, sizeof tmp, 0);
      if (n <= 0) return false;
      buf.append(tmp, static_cast<size_t>(n));
    }
  }

  static void say(int c, const std::string& s) {
    std::string line = s + "\r\n";
    (void)!send(c, line.data(), line.size(), MSG_NOSIGNAL);
  }

  static std::string upper(std::string s) {
    for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return s;
  }

  void session(int c) {
    std::string buf, line;
    SmtpMessage m;
    say(c, "220 sink.test ESMTP");
    while (read_line(c, buf, line)) {
      std::string cmd = upper(line.substr(0, 4));
      if (cmd == "EHLO") {
        say(c, "250-sink.test");
        say(c, "250 8BITMIME");
      } else if (cmd == "HELO" || cmd == "NOOP") {
        say(c, "250 ok");
      } else if (cmd == "MAIL") {
        m = SmtpMessage{};
        m.from = line.substr(10);
        say(c, "250 ok");
      } else if (cmd == "RCPT") {
        m.to.push_back(line.substr(8));
        say(c, "250 ok");
      } else if (cmd == "RSET") {
        m = SmtpMessage{};
        say(c, "250 ok");
      } else if (cmd == "DATA") {
        say(c, "354 go ahead");
        while (read_line(c, buf, line) && line != ".")
          m.data += (line.rfind("..", 0) == 0 ? line.substr(1) : line) + "\n";
        {
          std::lock_guard lock(mu_);
          messages_.push_back(m);
        }
        say(c, "250 queued");
      } else if (cmd == "QUIT") {
        say(c, "221 bye");
        return;
      } else {
        say(c, "502 not implemented");
      }
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<SmtpMessage> messages_;
};

}  // namespace werkex::test
