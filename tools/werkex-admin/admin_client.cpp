// The admin API client (admin_client.hpp).
#include "admin_client.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "http_transport.hpp"

namespace werkex::admin {

namespace {

constexpr auto kPollEvery = std::chrono::milliseconds(1000);

// "nightly: export: 340 of 1200 (28.1/s, about 31 s left)": a line when a step starts, and
// then at most every few seconds while it moves.
class ProgressPrinter {
 public:
  void update(const json& p) {
    const std::string step = p.value("step", "");
    const size_t done = p.value("done", size_t{0});
    const auto now = std::chrono::steady_clock::now();
    const bool new_step = step != step_;
    if (step.empty() || (!new_step && (done == done_ || now - printed_ < kEvery))) return;
    print(p);
    step_ = step;
    done_ = done;
    printed_ = now;
  }
  // The step's last line, so the log shows it reached N of N.
  void done(const json& p) {
    const std::string step = p.value("step", "");
    if (!step.empty() && (step != step_ || p.value("done", size_t{0}) != done_)) print(p);
  }

 private:
  static constexpr auto kEvery = std::chrono::seconds(5);
  static void print(const json& p) {
    const size_t done = p.value("done", size_t{0}), total = p.value("total", size_t{0});
    std::string line = "nightly: " + p.value("step", "");
    if (total > 0) line += ": " + std::to_string(done) + " of " + std::to_string(total);
    char tail[96] = "";
    if (total > 0 && done == total)
      std::snprintf(tail, sizeof tail, " (done in %.1f s)", p.value("seconds", 0.0));
    else if (p.contains("rate_per_s") && p.contains("eta_s"))
      std::snprintf(tail, sizeof tail, " (%.1f/s, about %.0f s left)", p.value("rate_per_s", 0.0),
                    p.value("eta_s", 0.0));
    std::fprintf(stderr, "%s%s\n", line.c_str(), tail);
  }
  std::string step_;
  size_t done_ = 0;
  std::chrono::steady_clock::time_point printed_{};
};

}  // namespace

Result<HttpResponse> AdminClient::send(const std::string& method, const std::string& path,
                                       const std::string& body) {
#ifdef WERKEX_WITH_CURL
  CurlOptions curl;
  curl.timeout = std::chrono::minutes(30);  // a server that answers at once (no job)
  curl.max_attempts = 1;  // each step is safe to rerun, and cron runs it again tomorrow
  CurlTransport http(curl);
#else
  tools::HttpTransport http;  // refuses: this build has no libcurl
#endif
  HttpHeaders headers = {{"Authorization", "Bearer " + token_}};
  if (method == "POST") {
    headers.push_back({"Content-Type", "application/json"});
    headers.push_back({"Prefer", "respond-async"});
  }
  return http.send({method, server_ + path, headers, body});
}

Result<std::pair<int, json>> AdminClient::step(const std::string& path, const json& body) {
  const auto until = std::chrono::steady_clock::now() + busy_wait_;
  WX_ASSIGN_OR_RETURN(HttpResponse answer, send("POST", path, body.dump()));
  while (answer.status == 409 && std::chrono::steady_clock::now() < until) {
    std::fprintf(stderr, "nightly: another admin job is running; trying again in 5 s\n");
    std::this_thread::sleep_for(std::chrono::seconds(5));
    WX_ASSIGN_OR_RETURN(answer, send("POST", path, body.dump()));
  }
  json r = json::parse(answer.body, nullptr, false);
  if (answer.status != 202 || !r.is_object() || !r["url"].is_string())
    return std::make_pair(answer.status, r);  // refused, or answered at once
  return follow(r["url"].get<std::string>());
}

Result<std::pair<int, json>> AdminClient::follow(const std::string& url) {
  ProgressPrinter printer;
  int lost = 0;
  for (auto wait = std::chrono::milliseconds(100);; wait = std::min(wait * 2, kPollEvery)) {
    std::this_thread::sleep_for(wait);
    auto answer = send("GET", url, "");
    if (!answer) {
      if (++lost < 5) continue;
      return answer.error();
    }
    lost = 0;
    json job = json::parse(answer->body, nullptr, false);
    if (answer->status != 200 || !job.is_object()) return std::make_pair(answer->status, job);
    const json progress = job.value("progress", json::object());
    if (job.value("state", "") == "done") {
      printer.done(progress);
      return std::make_pair(job.value("status", 500), job.value("result", json::object()));
    }
    printer.update(progress);
  }
}

}  // namespace werkex::admin
