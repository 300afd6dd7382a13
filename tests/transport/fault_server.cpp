#include "fault_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <strings.h>
#include <cerrno>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace werkex::test {
namespace {

using namespace std::chrono_literals;

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string find_header(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return {};
}

std::string status_line(int status) {
  const char* reason = status == 200   ? "OK"
                       : status == 302 ? "Found"
                       : status == 404 ? "Not Found"
                       : status == 503 ? "Service Unavailable"
                                       : "Status";
  return "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n";
}

std::string head(int status, const HttpHeaders& headers, std::size_t content_length) {
  std::string out = status_line(status);
  for (const auto& [k, v] : headers) out += k + ": " + v + "\r\n";
  return out + "Content-Length: " + std::to_string(content_length) + "\r\n\r\n";
}

}  // namespace

struct FaultServer::Request {
  std::string method, target;
  HttpHeaders headers;
  std::string body;
};

FaultServer::FaultServer(std::vector<Step> script) : script_(std::move(script)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 16) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (listen_fd_ >= 0) ::close(listen_fd_);
    throw std::runtime_error("FaultServer: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(addr.sin_port);
  deadline_ = std::chrono::steady_clock::now() + 20s;
  thread_ = std::thread([this] { run(); });
}

FaultServer::~FaultServer() {
  stop_ = true;
  thread_.join();
  ::close(listen_fd_);
}

std::string FaultServer::url(std::string_view target) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(target);
}

bool FaultServer::running() const {
  return !stop_.load() && std::chrono::steady_clock::now() < deadline_;
}

void FaultServer::run() {
  while (running()) {
    pollfd listener{listen_fd_, POLLIN, 0};
    if (::poll(&listener, 1, 50) <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++accepts_;
    serve(fd);
    ::close(fd);
  }
}

// Serves requests on one connection until the client leaves, a fault closes it, or a new
// connection waits while this one is idle (the client gave up on it).
void FaultServer::serve(int fd) {
  std::string buffer;
  Request request;
  while (read_request(fd, buffer, request)) {
    const int number = ++requests_;
    Step step = next_step_ < script_.size()
                    ? script_[next_step_++]
                    : answer(500, "script exhausted", {{"Connection", "close"}});
    switch (step.reply) {
      case Reply::kEcho: {
        nlohmann::json headers = nlohmann::json::array();
        for (const auto& [k, v] : request.headers) headers.push_back({k, v});
        nlohmann::json echo = {{"method", request.method},
                               {"target", request.target},
                               {"headers", headers},
                               {"body_size", request.body.size()},
                               {"body_sha256", sha256_hex(request.body)},
                               {"connection", accepts_.load()},
                               {"request", number}};
        if (request.body.size() <= 65536) echo["body"] = request.body;
        const std::string body =
            echo.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        step.headers.push_back({"Content-Type", "application/json"});
        step.headers.push_back({"X-Echo-Case", "MiXeD"});
        std::string out = head(200, step.headers, body.size());
        if (request.method != "HEAD") out += body;
        if (!send_all(fd, out)) return;
        break;
      }
      case Reply::kStatus:
        if (!send_all(fd, head(step.status, step.headers, step.body.size()) + step.body)) return;
        if (iequals(find_header(step.headers, "Connection"), "close")) return;
        break;
      case Reply::kCloseMidBody:
        send_all(fd, head(200, {}, 1000) + std::string(100, 'x'));
        return;
      case Reply::kStall:
        if (send_all(fd, head(200, {}, 1000) + std::string(10, 'x'))) wait_for_close(fd);
        return;
      case Reply::kNeverAnswer:
        wait_for_close(fd);
        return;
    }
  }
}

bool FaultServer::read_request(int fd, std::string& buffer, Request& request) {
  bool sent_continue = false;
  while (running()) {
    if (const std::size_t end = buffer.find("\r\n\r\n"); end != std::string::npos) {
      request = Request{};
      std::size_t pos = buffer.find("\r\n");
      const std::string line = buffer.substr(0, pos);
      const std::size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
      if (sp1 == std::string::npos || sp2 <= sp1) return false;
      request.method = line.substr(0, sp1);
      request.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
      while (pos < end) {
        const std::size_t next = buffer.find("\r\n", pos + 2);
        const std::string field = buffer.substr(pos + 2, next - pos - 2);
        const std::size_t colon = field.find(':');
        if (colon != std::string::npos) {
          const std::size_t value = field.find_first_not_of(' ', colon + 1);
          request.headers.emplace_back(field.substr(0, colon),
                                       value == std::string::npos ? "" : field.substr(value));
        }
        pos = next;
      }
      const std::string length = find_header(request.headers, "Content-Length");
      const std::size_t total = end + 4 + (length.empty() ? 0 : std::stoul(length));
      if (buffer.size() >= total) {
        request.body = buffer.substr(end + 4, total - end - 4);
        buffer.erase(0, total);
        return true;
      }
      if (!sent_continue && iequals(find_header(request.headers, "Expect"), "100-continue")) {
        sent_continue = true;  // with a header of its own, which the client must not keep
        if (!send_all(fd, "HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n")) return false;
      }
    }
    pollfd fds[2] = {{fd, POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    if (::poll(fds, 2, 50) <= 0) continue;
    if (fds[0].revents != 0) {
      char chunk[65536];
      const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
      if (got <= 0) return false;
      buffer.append(chunk, static_cast<std::size_t>(got));
    } else if ((fds[1].revents & POLLIN) != 0 && buffer.empty()) {
      return false;
    }
  }
  return false;
}

void FaultServer::wait_for_close(int fd) {
  char chunk[4096];
  while (running()) {
    pollfd conn{fd, POLLIN, 0};
    if (::poll(&conn, 1, 50) > 0 && ::recv(fd, chunk, sizeof chunk, 0) <= 0) return;
  }
}

int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  std::string hex;
  char byte[3];
  for (unsigned char d : digest) {
    std::snprintf(byte, sizeof byte, "%02x", d);
    hex += byte;
  }
  return hex;
}

}  // namespace werkex::test
