// users.csv and enrollments.csv: people, and who is in or mentors which group.
#include "oneroster_run.hpp"
#include "roster_values.hpp"

namespace werkex::school {
namespace {

// The werkex role of a OneRoster role; "" for the roles werkex never imports (parents and
// other non-staff) and for unknown ones.
std::string werkex_role(std::string_view role, const std::string& id, const RoleMapping& roles) {
  if (role == "student") return "pupil";
  if (role != "teacher" && role != "administrator") return "";
  if (roles.managers.contains(id)) return "manager";
  return role == "teacher" ? "teacher" : roles.administrator;
}

// The first org in orgSourcedIds that is a school. When orgs.csv is not complete (delta or
// absent) an org it lacks may be a school from an earlier run: the first such, and when
// there are several, settle_unsure_schools picks the one classes or enrollments name.
std::string person_school(const CsvTable& table, const CsvRecord& record, OneRosterRun& run) {
  const auto field = table.value(record, "orgSourcedIds");
  const auto ids = split_list(field);
  for (const auto& id : ids) {
    const auto it = run.orgs.ids.find(id);
    if (it != run.orgs.ids.end() && it->second == "school") return id;
  }
  if (!run.orgs.complete) {
    std::vector<std::string> unknown;
    for (const auto& id : ids) {
      if (!run.orgs.ids.contains(id)) unknown.push_back(id);
    }
    if (unknown.size() > 1) {
      run.unsure_school[std::string(table.value(record, "sourcedId"))] = unknown;
    }
    if (!unknown.empty()) return unknown.front();
  }
  if (!field.empty()) {
    run.problem(table, record.line, "orgSourcedIds",
                "names no school of orgs.csv: \"" + std::string(field) + "\"");
  }
  return "";
}

}  // namespace

void read_users(const CsvTable& table, bool bulk, OneRosterRun& run) {
  if (!require_columns(table, {"sourcedId", "orgSourcedIds", "role", "givenName", "familyName"},
                       run)) {
    return;
  }
  std::map<std::string, size_t, std::less<>> lines;
  size_t skipped = 0;
  for (const auto& record : table.records) {
    bool row_ok = true;
    const auto left = read_status(table, record, run);
    const std::string id(table.value(record, "sourcedId"));
    const std::string oneroster_role(table.value(record, "role"));
    const std::string role = werkex_role(oneroster_role, id, run.roles);
    if (!claim_id(table, record, run.users, role, run, lines)) continue;
    required(table, record, "role", run, row_ok);
    if (!check_one_of(table, record, "role", oneroster_role,
                      {"administrator", "aide", "guardian", "parent", "proctor", "relative",
                       "student", "teacher"},
                      run)) {
      continue;
    }
    if (role.empty()) {
      ++skipped;
      continue;
    }
    RosterPerson person;
    person.external_id = id;
    person.role = role;
    person.given_name = required(table, record, "givenName", run, row_ok);
    person.middle_name = table.value(record, "middleName");
    person.family_name = required(table, record, "familyName", run, row_ok);
    person.email = table.value(record, "email");
    required(table, record, "orgSourcedIds", run, row_ok);
    person.school = person_school(table, record, run);
    if (!row_ok || !left || person.school.empty()) continue;
    person.left = *left;
    run.roster.persons.push_back(std::move(person));
  }
  if (skipped > 0) {
    run.notes.push_back("users.csv: " + std::to_string(skipped) +
                        " user(s) skipped: parents, guardians, relatives, aides and proctors "
                        "are not imported");
  }
  run.users.complete = bulk;
}

void settle_unsure_schools(OneRosterRun& run) {
  for (auto& person : run.roster.persons) {
    const auto it = run.unsure_school.find(person.external_id);
    if (it == run.unsure_school.end()) continue;
    for (const auto& candidate : it->second) {
      if (!run.schools_named.contains(candidate)) continue;
      person.school = candidate;
      break;
    }
  }
}

namespace {

// Whether the enrollment is one werkex keeps: a student or teacher in a homeroom class, of a
// user it imports. Ids this set does not know (delta) are kept: an earlier run brought them.
bool is_group_membership(std::string_view role, std::string_view cls, std::string_view user,
                         const OneRosterRun& run) {
  if (role != "student" && role != "teacher") return false;
  const auto c = run.classes.ids.find(cls);
  if (c != run.classes.ids.end() && c->second != "homeroom") return false;
  const auto u = run.users.ids.find(user);
  return u == run.users.ids.end() || !u->second.empty();
}

}  // namespace

void read_enrollments(const CsvTable& table, bool bulk, OneRosterRun& run) {
  if (!require_columns(table,
                       {"sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"},
                       run)) {
    return;
  }
  Known enrollments;
  std::map<std::string, size_t, std::less<>> lines;
  size_t skipped = 0;
  for (const auto& record : table.records) {
    bool row_ok = true;
    const auto left = read_status(table, record, run);
    if (!claim_id(table, record, enrollments, "", run, lines)) continue;
    const std::string cls = required(table, record, "classSourcedId", run, row_ok);
    const std::string school = required(table, record, "schoolSourcedId", run, row_ok);
    const std::string user = required(table, record, "userSourcedId", run, row_ok);
    const std::string role = required(table, record, "role", run, row_ok);
    row_ok = check_one_of(table, record, "role", role,
                          {"administrator", "proctor", "student", "teacher"}, run) &&
             row_ok;
    row_ok =
        check_ref(table, record, "classSourcedId", cls, run.classes, "class", "classes.csv", run) &&
        row_ok;
    row_ok = check_school(table, record, "schoolSourcedId", school, run) && row_ok;
    row_ok = check_ref(table, record, "userSourcedId", user, run.users, "user", "users.csv", run) &&
             row_ok;
    if (!row_ok || !left) continue;
    if (!is_group_membership(role, cls, user, run)) {
      ++skipped;
      continue;
    }
    run.roster.memberships.push_back({cls, user, role == "teacher", *left});
  }
  if (skipped > 0) {
    run.notes.push_back("enrollments.csv: " + std::to_string(skipped) +
                        " enrollment(s) skipped: not a student or teacher in a homeroom class");
  }
  (void)bulk;  // nothing refers to enrollments
}

}  // namespace werkex::school
