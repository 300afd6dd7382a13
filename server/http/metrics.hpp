// Metrics: a small registry of counters, gauges and histograms rendered as Prometheus text.
//
// The server records its HTTP figures here and the application adds its own; GET /metrics
// returns render(). A series is a metric name plus a label string already in Prometheus
// syntax (`route="/v1/sync",status="200"`, or "" for none): callers build it, escaping
// values that come from outside with label(). Keep label values bounded (route patterns, not
// raw paths): every distinct string is a series held forever.
//
// Thread-safety: every member is safe to call concurrently from any thread (one mutex; each
// call is a map lookup and an add, cheap enough for per-request use).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace werkex::http {

class Metrics {
 public:
  // Histogram bucket upper bounds in seconds (the Prometheus defaults); +Inf is implied.
  static constexpr std::array<double, 11> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1,    2.5,   5,    10};

  // Adds `v` to the series (created at 0). Meant for counters (v >= 0); on a family declared
  // "gauge" by set_help it may also go down, which is how a live count is kept race-free.
  void add(const std::string& name, const std::string& labels, double v = 1);
  // Counts one observation into the histogram series: name_bucket{…,le="…"} (cumulative),
  // name_sum, name_count.
  void observe(const std::string& name, const std::string& labels, double seconds);
  // Sets the gauge series to `v`.
  void set_gauge(const std::string& name, const std::string& labels, double v);
  // The # HELP and # TYPE lines of a family. Optional: without it the type is taken from the
  // first call that touched the name (add: counter, observe: histogram, set_gauge: gauge).
  void set_help(const std::string& name, const std::string& type, const std::string& help);

  // Prometheus text exposition format 0.0.4, families and series in sorted order
  // (Content-Type: text/plain; version=0.0.4).
  std::string render() const;

  // `name="value"` with the value escaped (backslash, double quote, newline).
  static std::string label(std::string_view name, std::string_view value);

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> counts{};  // per bucket, not cumulative
    double sum = 0;
    std::uint64_t count = 0;
  };
  struct Family {
    std::string type;
    std::string help;
    std::map<std::string, double> values;         // counters and gauges, by labels
    std::map<std::string, Histogram> histograms;  // by labels
  };

  Family& family(const std::string& name, const char* default_type);  // requires mu_ held

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;  // GUARDED_BY(mu_)
};

}  // namespace werkex::http
