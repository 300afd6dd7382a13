// FaultServer: a scripted, fault-injecting HTTP/1.1 server on 127.0.0.1, for transport tests.
//
// It listens on an ephemeral loopback port and answers each request it reads with the next
// Step of its script: echo the request back as JSON (so a test can assert what the transport
// really sent), answer a given status, close the connection mid-body, stall after a few body
// bytes, or never answer. It counts accepted connections and requests, so tests can assert
// keep-alive reuse and retry counts. Plain POSIX sockets, one connection served at a time,
// every loop bounded: it stops itself after 20 s even if a test forgets it.
//
// Thread-safety: construct and destroy it on the test's thread; it serves on its own thread.
// accepts() and requests() may be read from any thread at any time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "werkex/transport.hpp"

namespace werkex::test {

enum class Reply {
  kEcho,          // 200, JSON {method, target, headers, body, body_size, body_sha256, connection,
                  // request} plus headers Content-Type: application/json and X-Echo-Case: MiXeD
  kStatus,        // `status` with `headers` and `body` (Content-Length added)
  kCloseMidBody,  // 200 promising 1000 body bytes, 100 of them, then close the connection
  kStall,         // 200 promising 1000 body bytes, 10 of them, then silence
  kNeverAnswer,   // read the request, then silence
};                // "silence" lasts until the client closes the connection or the server stops

struct Step {
  Reply reply = Reply::kEcho;
  int status = 200;
  HttpHeaders headers;  // added to the response (kEcho, kStatus)
  std::string body;     // kStatus
};

inline Step echo() {
  return Step{};
}
inline Step answer(int status, std::string body = {}, HttpHeaders headers = {}) {
  return Step{Reply::kStatus, status, std::move(headers), std::move(body)};
}
inline Step fault(Reply reply) {
  return Step{reply, 200, {}, {}};
}

class FaultServer {
 public:
  // Starts serving at once. A request beyond the script gets a 500 and a closed connection.
  explicit FaultServer(std::vector<Step> script);
  ~FaultServer();  // stops and joins within ~100 ms
  FaultServer(const FaultServer&) = delete;
  FaultServer& operator=(const FaultServer&) = delete;

  std::string url(std::string_view target) const;  // "http://127.0.0.1:<port>" + target
  int accepts() const { return accepts_.load(); }
  int requests() const { return requests_.load(); }

 private:
  struct Request;
  void run();
  void serve(int fd);
  bool read_request(int fd, std::string& buffer, Request& request);
  void wait_for_close(int fd);
  bool running() const;

  int listen_fd_ = -1;
  int port_ = 0;
  std::vector<Step> script_;  // read only by the server thread once it runs
  std::size_t next_step_ = 0;
  std::chrono::steady_clock::time_point deadline_;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepts_{0};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

// A loopback port with nothing listening on it (bound, then closed): connecting is refused.
int closed_port();

// Lower-case hex SHA-256, to compare large bodies without printing them.
std::string sha256_hex(std::string_view data);

}  // namespace werkex::test
