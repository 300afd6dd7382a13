// Dutch labels and dates (dutch_text.hpp).
#include "dutch_text.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>

#include "werkex/schema.hpp"

namespace werkex::exporter {

namespace {

using Labels = std::map<std::string, std::string, std::less<>>;

// The schema compiled into the server, parsed once: its enum labels are the Dutch words.
const Schema* builtin_schema() {
  static const std::shared_ptr<const Schema> schema = [] {
    auto parsed = Schema::builtin();
    return parsed ? *parsed : nullptr;
  }();
  return schema.get();
}

// "vakman_op_stap" → "Vakman op stap": the fallback for values without a table entry.
std::string plain(const std::string& value, bool capital) {
  std::string out = value;
  for (char& c : out)
    if (c == '_') c = ' ';
  if (capital && !out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = char(out[0] - 32);
  return out;
}

struct Civil {
  int y = 0, m = 0, d = 0, hh = 0, mm = 0;
};

// Dutch local time of an RFC 3339 UTC (or offset) time; nullopt if it does not parse.
std::optional<Civil> local_time(const std::string& s) {
  int y, mo, d, h, mi, sec;
  char rest[16] = {0};
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%15s", &y, &mo, &d, &h, &mi, &sec, rest) < 6)
    return std::nullopt;
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
  if (!ymd.ok()) return std::nullopt;
  sys_seconds t = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec};
  std::string zone = rest;
  while (!zone.empty() && (zone[0] == '.' || (zone[0] >= '0' && zone[0] <= '9'))) zone.erase(0, 1);
  int zh = 0, zm = 0;
  if (zone.size() >= 6 && (zone[0] == '+' || zone[0] == '-') &&
      std::sscanf(zone.c_str() + 1, "%2d:%2d", &zh, &zm) == 2)
    t -= (zone[0] == '+' ? 1 : -1) * (hours{zh} + minutes{zm});
  // EU summer time: from 01:00 UTC on the last Sunday of March to the last one of October.
  auto last_sunday = [&](month m) {
    return sys_days{year_month_weekday_last{ymd.year(), m, weekday_last{Sunday}}} + hours{1};
  };
  bool summer = t >= last_sunday(March) && t < last_sunday(October);
  sys_seconds local = t + hours{summer ? 2 : 1};
  year_month_day lymd{floor<days>(local)};
  auto tod = hh_mm_ss{local - floor<days>(local)};
  return Civil{int(lymd.year()), int(unsigned(lymd.month())), int(unsigned(lymd.day())),
               int(tod.hours().count()), int(tod.minutes().count())};
}

std::string date_words(int y, int m, int d) {
  static const char* kMonths[] = {"januari",   "februari", "maart",    "april",
                                  "mei",       "juni",     "juli",     "augustus",
                                  "september", "oktober",  "november", "december"};
  return std::to_string(d) + " " + kMonths[m - 1] + " " + std::to_string(y);
}

}  // namespace

std::string signoff_state_label(const std::string& state) {
  static const Labels labels = {{"valid", "geldig"},          {"stale", "verouderd"},
                                {"invalid", "ongeldig"},      {"revoked", "ingetrokken"},
                                {"pending", "in afwachting"}, {"refused", "geweigerd"},
                                {"superseded", "vervangen"}};
  auto it = labels.find(state);
  return it == labels.end() ? state : it->second;
}

std::string enum_label(const std::string& enum_name, const std::string& value) {
  const Schema* schema = builtin_schema();
  std::string label = schema ? schema->enum_label(enum_name, value, Language::nl) : value;
  // The conversation rules are numbered as in handvat 15 (1 ruimte geven … 8 netwerken).
  if (enum_name == "conversation_rule" && schema) {
    const TypeSpec* reflection = schema->type("reflection");
    const FieldSpec* rules = reflection ? reflection->field("conversation_rules") : nullptr;
    const std::vector<std::string> none;
    const auto& order = rules ? rules->enum_values : none;  // the schema's order is the seed's
    auto at = std::find(order.begin(), order.end(), value);
    if (at != order.end()) return std::to_string(at - order.begin() + 1) + " " + label;
  }
  // Kinds and competencies read as names (capital); emotions and verbs as words in a line.
  bool capital =
      enum_name == "activity_kind" || enum_name == "placement_kind" || enum_name == "competency";
  return plain(label, capital);
}

const std::vector<std::string>& competency_names() {
  static const std::vector<std::string> names = [] {
    auto schema = Schema::builtin();
    const TypeSpec* activity = schema ? (*schema)->type("activity") : nullptr;
    const FieldSpec* field = activity ? activity->field("competencies") : nullptr;
    return field ? field->enum_values : std::vector<std::string>{};
  }();
  return names;
}

std::string dutch_date(const std::string& date) {
  int y, m, d;
  if (date.size() != 10 || std::sscanf(date.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 ||
      m > 12)
    return date;
  return date_words(y, m, d);
}

std::string dutch_datetime(const std::string& rfc3339) {
  auto t = local_time(rfc3339);
  if (!t) return rfc3339;
  char clock[8];
  std::snprintf(clock, sizeof clock, "%02d:%02d", t->hh, t->mm);
  return date_words(t->y, t->m, t->d) + ", " + clock;
}

std::string local_date(const std::string& rfc3339) {
  auto t = local_time(rfc3339);
  if (!t) return rfc3339.substr(0, 10);
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02d-%02d", t->y, t->m, t->d);
  return out;
}

}  // namespace werkex::exporter
