// Calendar helpers (calendar.hpp).
#include "calendar.hpp"

#include <chrono>
#include <cstdio>
#include <optional>

namespace werkex::dashboard {

namespace {

std::optional<std::chrono::sys_days> parse(const std::string& date) {
  int y, m, d;
  if (date.size() != 10 || std::sscanf(date.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3)
    return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{unsigned(m)},
                                  std::chrono::day{unsigned(d)}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd};
}

std::string format(std::chrono::sys_days day) {
  std::chrono::year_month_day ymd{day};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()),
                unsigned(ymd.day()));
  return buf;
}

}  // namespace

DateRange school_year_of(const std::string& today) {
  if (!parse(today)) return {};
  int y = std::stoi(today.substr(0, 4));
  if (std::stoi(today.substr(5, 2)) < 8) --y;
  return {std::to_string(y) + "-08-01", std::to_string(y + 1) + "-07-31"};
}

std::vector<std::string> months_of(const DateRange& year) {
  std::vector<std::string> out;
  if (year.first.size() != 10) return out;
  int y = std::stoi(year.first.substr(0, 4)), m = std::stoi(year.first.substr(5, 2));
  for (int i = 0; i < 12; ++i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d", y + (m - 1 + i) / 12, (m - 1 + i) % 12 + 1);
    out.push_back(buf);
  }
  return out;
}

std::string month_label(const std::string& month) {
  static const char* kMonths[] = {"januari",   "februari", "maart",    "april",
                                  "mei",       "juni",     "juli",     "augustus",
                                  "september", "oktober",  "november", "december"};
  int y, m;
  if (month.size() != 7 || std::sscanf(month.c_str(), "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12)
    return month;
  return std::string(kMonths[m - 1]) + " " + std::to_string(y);
}

std::string uuid_v7_date(const std::string& id) {
  if (id.size() != 36 || id[14] != '7') return "";
  std::string hex = id.substr(0, 8) + id.substr(9, 4);
  unsigned long long ms = 0;
  for (char c : hex) {
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (v < 0) return "";
    ms = ms * 16 + unsigned(v);
  }
  using namespace std::chrono;
  return format(floor<days>(sys_time<milliseconds>(milliseconds(ms))));
}

long days_between(const std::string& from, const std::string& to) {
  auto a = parse(from), b = parse(to);
  if (!a || !b) return 0;
  return long((*b - *a).count());
}

}  // namespace werkex::dashboard
