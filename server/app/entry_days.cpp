#include "entry_days.hpp"

#include <algorithm>
#include <map>

namespace werkex::server {

namespace {

struct DayRule {
  const char* date;    // the entry's own date or datetime field, or nullptr
  const char* parent;  // the entry it belongs to, or nullptr
};

DayRule rule_of(const std::string& type) {
  static const std::map<std::string, DayRule> rules = {{"experience", {"occurred_at", "activity"}},
                                                       {"activity", {"planned_date", nullptr}},
                                                       {"reflection", {"held_on", nullptr}},
                                                       {"preparation", {"held_on", "activity"}},
                                                       {"signoff", {"statement_date", nullptr}},
                                                       {"comment", {nullptr, "on"}},
                                                       {"blob", {nullptr, "attached_to"}},
                                                       {"next_step", {nullptr, "reflection"}},
                                                       {"contact", {nullptr, "met_at"}}};
  auto it = rules.find(type);
  return it == rules.end() ? DayRule{nullptr, nullptr} : it->second;
}

bool is_day(const std::string& s) {
  return s.size() >= 10 && s[4] == '-' && s[7] == '-' &&
         std::all_of(s.begin(), s.begin() + 10,
                     [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
}

class EntryDays {
 public:
  explicit EntryDays(const DossierStore& dossiers) : dossiers_(dossiers) {}

  Result<std::string> day_of(const std::string& id, int depth = 0) {
    if (auto it = cache_.find(id); it != cache_.end()) return it->second;
    if (depth > 8) return std::string();
    auto doc = dossiers_.get(id);
    if (!doc && doc.error().code != WX_NOT_FOUND) return doc.error();
    std::string day;
    if (doc) {
      DayRule r = rule_of(doc->value("type", ""));
      auto text = [&](const char* key) {
        auto f = key ? doc->find(key) : doc->end();
        return f != doc->end() && f->is_string() ? f->get<std::string>() : std::string();
      };
      if (is_day(text(r.date))) {
        day = text(r.date).substr(0, 10);
      } else if (!text(r.parent).empty()) {
        WX_ASSIGN_OR_RETURN(day, day_of(text(r.parent), depth + 1));
      }
    }
    if (day.empty()) day = uuid_v7_day(id);
    cache_.emplace(id, day);
    return day;
  }

 private:
  const DossierStore& dossiers_;
  std::map<std::string, std::string> cache_;
};

}  // namespace

std::string uuid_v7_day(const std::string& id) {
  if (id.size() != 36 || id[8] != '-' || id[14] != '7') return "";
  uint64_t millis = 0;
  for (char c : id.substr(0, 8) + id.substr(9, 4)) {
    int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (v < 0) return "";
    millis = millis * 16 + static_cast<uint64_t>(v);
  }
  return rfc3339_utc(millis).substr(0, 10);
}

Status keep_entries_within(const DossierStore& dossiers, const std::vector<DayWindow>& windows,
                           std::vector<Change>& changes) {
  EntryDays days(dossiers);
  std::map<std::string, bool> keep;
  for (const Change& c : changes) {
    if (keep.count(c.entity)) continue;
    WX_ASSIGN_OR_RETURN(std::string day, days.day_of(c.entity));
    keep[c.entity] = !day.empty() && std::any_of(windows.begin(), windows.end(), [&](auto& w) {
      return w.first <= day && day <= w.last;
    });
  }
  changes.erase(std::remove_if(changes.begin(), changes.end(),
                               [&](const Change& c) { return !keep[c.entity]; }),
                changes.end());
  return Status::ok();
}

}  // namespace werkex::server
