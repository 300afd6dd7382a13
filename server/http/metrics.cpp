#include "metrics.hpp"

#include <charconv>
#include <cmath>

namespace werkex::http {
namespace {

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest exact form
  return ec == std::errc() ? std::string(buf, end) : "NaN";
}

std::string escape(std::string_view s, bool quote) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

// `name{labels}` or `name{labels,extra}`, without braces when both are empty.
std::string series(const std::string& name, const std::string& labels, const std::string& extra) {
  std::string all = labels;
  if (!extra.empty()) all += (all.empty() ? "" : ",") + extra;
  return all.empty() ? name : name + "{" + all + "}";
}

}  // namespace

Metrics::Family& Metrics::family(const std::string& name, const char* default_type) {
  Family& f = families_[name];
  if (f.type.empty()) f.type = default_type;
  return f;
}

void Metrics::add(const std::string& name, const std::string& labels, double v) {
  std::lock_guard lock(mu_);
  family(name, "counter").values[labels] += v;
}

void Metrics::observe(const std::string& name, const std::string& labels, double seconds) {
  std::lock_guard lock(mu_);
  Histogram& h = family(name, "histogram").histograms[labels];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++h.counts[i];
      break;
    }
  }
  h.sum += seconds;
  ++h.count;
}

void Metrics::set_gauge(const std::string& name, const std::string& labels, double v) {
  std::lock_guard lock(mu_);
  family(name, "gauge").values[labels] = v;
}

void Metrics::set_help(const std::string& name, const std::string& type, const std::string& help) {
  std::lock_guard lock(mu_);
  Family& f = families_[name];
  f.type = type;
  f.help = help;
}

std::string Metrics::render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    if (!f.help.empty()) out += "# HELP " + name + " " + escape(f.help, false) + "\n";
    out += "# TYPE " + name + " " + f.type + "\n";
    for (const auto& [labels, v] : f.values)
      out += series(name, labels, "") + " " + number(v) + "\n";
    for (const auto& [labels, h] : f.histograms) {
      std::uint64_t cumulative = 0;
      for (size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += h.counts[i];
        out += series(name + "_bucket", labels, label("le", number(kBuckets[i]))) + " " +
               std::to_string(cumulative) + "\n";
      }
      out += series(name + "_bucket", labels, "le=\"+Inf\"") + " " + std::to_string(h.count) + "\n";
      out += series(name + "_sum", labels, "") + " " + number(h.sum) + "\n";
      out += series(name + "_count", labels, "") + " " + std::to_string(h.count) + "\n";
    }
  }
  return out;
}

std::string Metrics::label(std::string_view name, std::string_view value) {
  return std::string(name) + "=\"" + escape(value, true) + "\"";
}

}  // namespace werkex::http
