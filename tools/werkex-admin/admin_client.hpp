// werkex-admin's client of the server's admin API (server/app/admin_routes.cpp). Each step is
// POSTed as a job (`Prefer: respond-async`) and followed to its end through
// GET /v1/admin/jobs/{id}, printing progress lines on stderr as it goes:
//   nightly: export: 340 of 1200 (28.1/s, about 31 s left)
// A server that answers at once (no job) is taken as it is. A few lost polls in a row are
// tolerated (the job goes on on the server); more are "server unreachable". With a busy wait,
// a step refused because another admin job runs (409: in this process or, on PostgreSQL, in
// another of the deployment's; a school board's schools' crons at the same hour) is tried
// again every few seconds until it starts or the wait is over.
#pragma once

#include <chrono>
#include <string>
#include <utility>

#include "werkex/error.hpp"
#include "werkex/merge.hpp"  // json
#include "werkex/transport.hpp"

namespace werkex::admin {

class AdminClient {
 public:
  AdminClient(std::string server, std::string token,
              std::chrono::seconds busy_wait = std::chrono::seconds(0))
      : server_(std::move(server)), token_(std::move(token)), busy_wait_(busy_wait) {}

  // The step's answer: its HTTP status and JSON body (a refusal is an answer too); an error
  // only when the server could not be reached.
  Result<std::pair<int, json>> step(const std::string& path, const json& body);

 private:
  Result<HttpResponse> send(const std::string& method, const std::string& path,
                            const std::string& body);
  Result<std::pair<int, json>> follow(const std::string& url);

  std::string server_, token_;
  std::chrono::seconds busy_wait_;
};

}  // namespace werkex::admin
