#include "werkex/people.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "werkex/ids.hpp"
#include "werkex/messages.hpp"

namespace werkex {

namespace {

std::string folded(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string listed(const std::vector<json>& pupils) {
  std::string out;
  for (const json& p : pupils)
    out += (out.empty() ? "" : ", ") + p.value("name", std::string()) + " (" +
           p.value("id", std::string()) + ")";
  return out;
}

}  // namespace

Result<std::string> find_pupil(const Replica& replica, std::string_view id_or_name) {
  const std::string wanted = folded(id_or_name);
  if (wanted.empty()) return error_of(WX_INVALID_ARGUMENT, Msg::pupil_name_needed);
  if (is_valid_entity_id(wanted)) {
    auto person = replica.get(wanted);
    if (person && person->value("role", "") == "pupil") return wanted;
    if (!person && person.error().code != WX_NOT_FOUND) return person.error();
  }
  WX_ASSIGN_OR_RETURN(auto pupils, replica.list(Query::where("person", "", "role", "pupil")));
  std::vector<json> exact, partial;
  for (json& p : pupils) {
    const std::string name = folded(p.value("name", std::string()));
    if (name == wanted)
      exact.push_back(p);
    else if (name.find(wanted) != std::string::npos)
      partial.push_back(p);
  }
  const std::vector<json>& found = exact.empty() ? partial : exact;
  if (found.size() == 1) return found.front().value("id", std::string());
  if (found.empty())
    return error_of(WX_NOT_FOUND, Msg::pupil_not_found, {{"name", std::string(id_or_name)}});
  return error_of(WX_INVALID_ARGUMENT, Msg::pupil_ambiguous,
                  {{"name", std::string(id_or_name)},
                   {"count", std::to_string(found.size())},
                   {"names", listed(found)}});
}

Result<std::string> pupil_bucket(const Replica& replica, std::string_view id_or_name) {
  WX_ASSIGN_OR_RETURN(std::string id, find_pupil(replica, id_or_name));
  return "pupil:" + id;
}

std::string person_name(const Replica& replica, std::string_view id) {
  if (!is_valid_entity_id(id)) return "";
  auto person = replica.get(std::string(id));
  if (!person || person->value("type", "") != "person") return "";
  return person->value("name", std::string());
}

}  // namespace werkex
