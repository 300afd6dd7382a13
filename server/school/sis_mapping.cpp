#include "sis_mapping.hpp"

#include <initializer_list>
#include <string_view>

#include <nlohmann/json.hpp>

namespace werkex::school {
namespace {

using nlohmann::json;

struct Checker {
  const std::string& name;
  std::vector<RosterProblem>& problems;
  bool ok = true;

  void problem(std::string path, std::string what) {
    problems.push_back({name, 0, std::move(path), std::move(what)});
    ok = false;
  }
  // Reports every key of `object` not in `allowed`.
  void known_keys(const json& object, const std::string& prefix,
                  std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : object.items()) {
      bool known = false;
      for (auto a : allowed) known = known || key == a;
      if (!known) problem(prefix + key, "unknown key");
    }
  }
  // The string at `object[key]`; "" and a problem when missing (if required) or not a string.
  std::string text(const json& object, const std::string& prefix, const std::string& key,
                   bool needed) {
    const auto it = object.find(key);
    if (it == object.end()) {
      if (needed) problem(prefix + key, "is missing");
      return "";
    }
    if (!it->is_string() || (needed && it->get_ref<const std::string&>().empty())) {
      problem(prefix + key, "must be a non-empty string");
      return "";
    }
    return it->get<std::string>();
  }
  // An object at `object[key]`, or a problem.
  const json* section(const json& object, const std::string& key) {
    const auto it = object.find(key);
    if (it == object.end()) {
      problem(key, "is missing");
    } else if (!it->is_object()) {
      problem(key, "must be an object");
    } else {
      return &*it;
    }
    return nullptr;
  }
};

void read_columns(const json& columns, Checker& check, SisMapping& mapping) {
  check.known_keys(
      columns, "columns.",
      {"external_id", "given_name", "middle_name", "family_name", "email", "group", "mentor"});
  for (const char* field : {"external_id", "given_name", "family_name", "group"}) {
    const auto column = check.text(columns, "columns.", field, true);
    if (!column.empty()) mapping.columns[field] = column;
  }
  for (const char* field : {"middle_name", "email", "mentor"}) {
    const auto column = check.text(columns, "columns.", field, false);
    if (!column.empty()) mapping.columns[field] = column;
  }
}

}  // namespace

SisMapping parse_sis_mapping(const std::string& text, const std::string& name,
                             std::vector<RosterProblem>& problems) {
  SisMapping mapping;
  Checker check{name, problems};
  const json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    check.problem("", "is not a JSON object");
    return mapping;
  }
  check.known_keys(root, "", {"description", "separator", "school", "school_year", "columns"});
  if (root.contains("separator")) {
    const auto separator = check.text(root, "", "separator", true);
    if (separator == ";" || separator == ",") {
      mapping.separator = separator[0];
    } else if (!separator.empty()) {
      check.problem("separator", "must be \";\" or \",\"");
    }
  }
  if (root.contains("description")) check.text(root, "", "description", false);
  mapping.school_year = check.text(root, "", "school_year", false);
  if (const json* school = check.section(root, "school")) {
    check.known_keys(*school, "school.", {"external_id", "name", "brin"});
    mapping.school.external_id = check.text(*school, "school.", "external_id", true);
    mapping.school.name = check.text(*school, "school.", "name", true);
    mapping.school.brin = check.text(*school, "school.", "brin", false);
  }
  if (const json* columns = check.section(root, "columns")) read_columns(*columns, check, mapping);
  mapping.usable = check.ok;
  return mapping;
}

}  // namespace werkex::school
