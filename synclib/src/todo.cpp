// The to-do list's entry point and shared helpers (werkex/todo.hpp).
#include <algorithm>
#include <cstdio>
#include <tuple>

#include "signoff_util.hpp"
#include "todo_detail.hpp"
#include "werkex/messages.hpp"
#include "werkex/signoff.hpp"

namespace werkex {

namespace todo_detail {

std::string str(const json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t day_of(const std::string& d) {
  if (d.size() < 10 || d[4] != '-' || d[7] != '-') return -1;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (d[i] < '0' || d[i] > '9') return -1;
  const int m = std::stoi(d.substr(5, 2)), day = std::stoi(d.substr(8, 2));
  if (m < 1 || m > 12 || day < 1 || day > 31) return -1;
  return signoff_detail::day_number(d);  // the sign-off checks' calendar
}

std::string date_of_day(int64_t z) {
  // Howard Hinnant's civil_from_days.
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  int64_t y = yoe + era * 400 + (m <= 2);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(y), static_cast<int>(m),
                static_cast<int>(d));
  return buf;
}

std::string excerpt(const std::string& text, size_t max) {
  if (text.size() <= max) return text;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "…";
}

std::string name_of(const EntityReader& replica, const std::string& person) {
  if (person.empty()) return "";
  auto doc = replica.get(person);
  return doc ? str(*doc, "name") : std::string();
}

Result<std::set<std::string>> signed_now(const EntityReader& replica, const std::string& bucket) {
  Query q;
  q.type = "signoff";
  q.bucket = bucket;
  WX_ASSIGN_OR_RETURN(auto signoffs, replica.list(q));
  std::set<std::string> out;
  for (const json& s : signoffs) {
    WX_ASSIGN_OR_RETURN(SignoffStatus st, signoff_status(replica, str(s, "id")));
    if (st.state != SignoffState::valid && st.state != SignoffState::pending) continue;
    for (const json& c : s.value("covers", json::array()))
      if (c.is_string()) out.insert(c.get<std::string>());
  }
  return out;
}

}  // namespace todo_detail

namespace td = todo_detail;

json TodoItem::to_json() const {
  return {{"kind", kind}, {"entity", entity}, {"pupil", pupil}, {"due", due}, {"text", text}};
}

json todo_json(const std::vector<TodoItem>& items) {
  json out = json::array();
  for (const TodoItem& i : items) out.push_back(i.to_json());
  return out;
}

Result<std::vector<TodoItem>> todo_list(const EntityReader& store, const TodoOptions& options) {
  if (options.person.empty() || options.role.empty())
    return make_error(WX_INVALID_ARGUMENT, "a store's to-do list names its person and role");
  const std::string& today = options.today;
  int64_t day = td::day_of(today);
  if (day < 0 || today.size() != 10)
    return error_of(WX_INVALID_ARGUMENT, Msg::todo_bad_today, {{"today", today}});
  td::Scope scope{store, today, day};
  std::vector<TodoItem> items;
  if (options.role == "pupil") {
    WX_RETURN_IF_ERROR(td::pupil_gaps(scope, options.person, "", td::View::pupil, items));
    // Only the device holds its refusals; another person's list never shows them.
    if (options.own) WX_RETURN_IF_ERROR(td::refused_items(scope, options.person, items));
  } else if (options.role == "teacher") {
    WX_RETURN_IF_ERROR(td::mentor_items(scope, options.person, items));
  } else if (options.role == "supervisor") {
    WX_RETURN_IF_ERROR(td::supervisor_items(scope, options.person, items));
  }
  std::sort(items.begin(), items.end(), [](const TodoItem& a, const TodoItem& b) {
    return std::tuple(a.due.empty(), a.due, a.pupil, a.kind, a.entity) <
           std::tuple(b.due.empty(), b.due, b.pupil, b.kind, b.entity);
  });
  return items;
}

Result<std::vector<TodoItem>> todo_list(Replica& replica, const TodoOptions& options) {
  TodoOptions o = options;
  if (o.today.empty()) o.today = rfc3339_utc(replica.clock().physical_millis()).substr(0, 10);
  const Identity& me = replica.identity();
  if (o.person.empty()) o.person = me.user;
  if (o.role.empty()) {
    auto doc = replica.get(o.person);
    o.role = o.person == me.user || !doc ? me.role : td::str(*doc, "role");
  }
  o.own = o.person == me.user;
  return todo_list(static_cast<const EntityReader&>(replica), o);
}

}  // namespace werkex
