// werkex-bench's load generator for POST /v1/sync: many simulated devices on one io_context
// (one client thread), each with its own keep-alive connection to the server on loopback.
//
// A device follows a script of pre-built request bodies, one per round (made from a real
// synclib Replica by server_bench.cpp). What a real SyncSession learns from an answer and
// sends back is filled in when the round is sent: the bucket cursors and filtered views of
// the previous answer and the device's clock. A device has at most one request in flight; with an
// interval it starts round r at its own phase + r x interval (or at once, if the previous answer
// came later), otherwise it sends the next round as soon as the answer is in (a closed loop).
// Latency is send -> whole answer read, per request, on the client.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bench {

// A /v1/sync body split where the live values go: head + clock + mid + cursors + tail.
struct SyncBody {
  std::string head, mid, tail;
};

struct DeviceScript {
  std::string token;
  std::string bucket;  // the device's own dossier bucket
  // The views of the buckets the server filters for this person (access.hpp), as the answer
  // to its catch-up would carry them; a real SyncSession sends them back in every request.
  std::map<std::string, std::string> views;
  std::vector<SyncBody> rounds;
};

struct LoadPhase {
  size_t requests = 0;
  size_t applied = 0;  // push.applied summed over the answers
  size_t pulled = 0;   // field changes in the answers' bundles
  size_t errors = 0;
  std::string first_error;
  double seconds = 0;              // first send -> last answer
  std::vector<double> latency_ms;  // one per answered request
  uint64_t request_bytes = 0;      // headers + bodies, as written
  uint64_t response_bytes = 0;     // headers + bodies, as parsed
  uint64_t request_body_bytes = 0, response_body_bytes = 0;
};

class LoadClient {
 public:
  LoadClient(unsigned short port, std::vector<DeviceScript> devices);
  ~LoadClient();
  LoadClient(const LoadClient&) = delete;
  LoadClient& operator=(const LoadClient&) = delete;

  // Connects every device (one connection each, kept open between phases).
  void connect();
  // Connects (again) device i to the server on ports[i % ports.size()]: devices spread
  // evenly over several server processes, as behind a round-robin load balancer.
  void connect_to(const std::vector<unsigned short>& ports);
  // Runs rounds [first, last) of the first `devices` devices concurrently and returns when
  // all are done.
  LoadPhase run(size_t first, size_t last, std::chrono::milliseconds interval,
                size_t devices = SIZE_MAX);
  // Gives every device that holds no cursors yet the cursors device `from` holds, its own
  // bucket's cursor under the device's own bucket: what the server would have answered the
  // device's catch-up at the same moment, when nothing was written in between.
  void share_cursors(size_t from);

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace bench
