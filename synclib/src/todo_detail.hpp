// Private pieces of the to-do list (todo.cpp, todo_pupil.cpp, todo_staff.cpp).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "werkex/todo.hpp"

namespace werkex::todo_detail {

// Whose eyes the text is written for: the pupil's own ("je") or a staff member's.
enum class View { pupil, staff };

struct Scope {
  const EntityReader& replica;
  std::string today;  // YYYY-MM-DD
  int64_t today_day;  // days since 1970-01-01
};

// doc[key] as a string, "" when absent or not a string.
std::string str(const json& doc, const char* key);
// Days since 1970-01-01 of a YYYY-MM-DD date (a longer RFC 3339 text: its date part), or
// -1 when it is not one.
int64_t day_of(const std::string& date);
std::string date_of_day(int64_t day);
// At most `max` bytes of `text`, cut at a UTF-8 character boundary, "…" when cut.
std::string excerpt(const std::string& text, size_t max = 60);
// The person's display name, or "" when this replica does not hold them.
std::string name_of(const EntityReader& replica, const std::string& person);
// The entries of `bucket` covered by a sign-off whose status is valid or pending.
Result<std::set<std::string>> signed_now(const EntityReader& replica, const std::string& bucket);

// The gaps in the dossier of `pupil` (named `name` in staff texts).
Status pupil_gaps(const Scope& s, const std::string& pupil, const std::string& name, View view,
                  std::vector<TodoItem>& out);
// The pupil's refused sign-offs, from this device's quarantine.
Status refused_items(const Scope& s, const std::string& pupil, std::vector<TodoItem>& out);
Status mentor_items(const Scope& s, const std::string& teacher, std::vector<TodoItem>& out);
Status supervisor_items(const Scope& s, const std::string& supervisor, std::vector<TodoItem>& out);

}  // namespace werkex::todo_detail
