#include "roster_values.hpp"

#include <array>
#include <cctype>

namespace werkex::school {
namespace {

bool is_letter(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A letter run that is a track code, or a track code followed by one class letter.
std::string track_of(std::string_view run) {
  static constexpr std::array<std::string_view, 4> kTracks = {"bb", "kb", "gl", "tl"};
  if (run.size() != 2 && run.size() != 3) return "";
  const std::string code = lower(run.substr(0, 2));
  for (auto track : kTracks) {
    if (code == track) return code;
  }
  return "";
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

YearLevel year_level_from_name(std::string_view name) {
  YearLevel out;
  name = trim(name);
  if (!name.empty() && name[0] >= '1' && name[0] <= '6' &&
      (name.size() == 1 || !is_digit(name[1]))) {
    out.year = name[0] - '0';
  }
  size_t i = 0;
  while (i < name.size() && out.level.empty()) {
    if (!is_letter(name[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < name.size() && is_letter(name[end])) ++end;
    out.level = track_of(name.substr(i, end - i));
    i = end;
  }
  return out;
}

int year_from_grades(std::string_view grades) {
  grades = trim(grades);
  if (grades.size() == 1 && grades[0] >= '1' && grades[0] <= '6') return grades[0] - '0';
  if (grades.size() != 2 || !is_digit(grades[0]) || !is_digit(grades[1])) return 0;
  const int grade = (grades[0] - '0') * 10 + (grades[1] - '0');
  return grade >= 7 && grade <= 12 ? grade - 6 : 0;
}

bool is_calendar_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!is_digit(s[i])) return false;
  }
  const int year = std::stoi(std::string(s.substr(0, 4)));
  const int month = std::stoi(std::string(s.substr(5, 2)));
  const int day = std::stoi(std::string(s.substr(8, 2)));
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int days = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= days;
}

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string_view::npos) end = s.size();
    const auto item = trim(s.substr(start, end - start));
    if (!item.empty()) out.emplace_back(item);
    start = end + 1;
  }
  return out;
}

}  // namespace werkex::school
