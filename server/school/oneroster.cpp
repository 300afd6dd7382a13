// The OneRoster driver: the manifest, which files to read in which mode, and the order.
#include "oneroster.hpp"

#include <algorithm>
#include <array>

#include "oneroster_run.hpp"

namespace werkex::school {
namespace {

struct FileSpec {
  std::string_view name;      // "users.csv"
  std::string_view property;  // "file.users"
  bool required;
  void (*read)(const CsvTable&, bool bulk, OneRosterRun&);
};

// In reading order: each file refers only to files above it.
constexpr std::array<FileSpec, 5> kFiles = {{
    {"orgs.csv", "file.orgs", true, read_orgs},
    {"academicSessions.csv", "file.academicSessions", false, read_sessions},
    {"classes.csv", "file.classes", true, read_classes},
    {"users.csv", "file.users", true, read_users},
    {"enrollments.csv", "file.enrollments", true, read_enrollments},
}};

constexpr std::string_view kManifest = "manifest.csv";

// Each `file.*` mode the manifest gives, and whether the set is a delta.
struct Manifest {
  std::map<std::string, std::string, std::less<>> modes;
  bool found = false;
};

void check_version(const CsvTable& table, const std::map<std::string, const CsvRecord*>& rows,
                   const std::string& property, const std::string& want, OneRosterRun& run) {
  const auto it = rows.find(property);
  if (it == rows.end()) {
    run.problem(table, 0, property, "is missing");
    return;
  }
  const auto value = table.value(*it->second, "value");
  if (value != want) {
    run.problem(table, it->second->line, property,
                "must be " + want + ", not \"" + std::string(value) + "\"");
  }
}

// A `file.*` row: its mode must be known and agree with the first file's.
void read_mode(const CsvTable& table, const CsvRecord& record, const std::string& property,
               Manifest& manifest, std::string& first, OneRosterRun& run) {
  const std::string value(table.value(record, "value"));
  if (value != "bulk" && value != "delta" && value != "absent") {
    run.problem(table, record.line, property,
                "must be bulk, delta or absent, not \"" + value + "\"");
    manifest.modes[property] = "invalid";  // said once: the file is then not read
    return;
  }
  manifest.modes[property] = value;
  if (value == "absent") return;
  if (first.empty()) {
    first = property;
    run.delta = value == "delta";
  } else if ((value == "delta") != run.delta) {
    run.problem(table, record.line, property,
                "is " + value + ", but " + first + " is " + (run.delta ? "delta" : "bulk") +
                    " (a set is all bulk or all delta)");
  }
}

Manifest read_manifest(const std::map<std::string, std::string>& files, OneRosterRun& run) {
  Manifest manifest;
  const auto it = files.find(std::string(kManifest));
  if (it == files.end()) {
    run.problems.push_back({std::string(kManifest), 0, "", "is missing"});
    return manifest;
  }
  manifest.found = true;
  const CsvTable table = read_csv(it->second, std::string(kManifest));
  run.problems.insert(run.problems.end(), table.problems.begin(), table.problems.end());
  if (!require_columns(table, {"propertyName", "value"}, run)) return manifest;
  std::map<std::string, const CsvRecord*> rows;
  std::string first;
  for (const auto& record : table.records) {
    const std::string property(table.value(record, "propertyName"));
    if (!rows.emplace(property, &record).second) {
      run.problem(table, record.line, property, "is in the manifest twice");
    } else if (property.starts_with("file.")) {
      read_mode(table, record, property, manifest, first, run);
    }
  }
  check_version(table, rows, "manifest.version", "1.0", run);
  check_version(table, rows, "oneroster.version", "1.1", run);
  return manifest;
}

// The mode of one file: the manifest's, or (no manifest at all) bulk for a file given.
std::string mode_of(const FileSpec& spec, const Manifest& manifest, bool given, OneRosterRun& run) {
  if (!manifest.found) return given || spec.required ? "bulk" : "absent";
  const auto it = manifest.modes.find(spec.property);
  if (it != manifest.modes.end()) return it->second;
  if (given || spec.required) {
    run.problems.push_back({std::string(kManifest), 0, std::string(spec.property), "is missing"});
  }
  return "absent";
}

size_t file_rank(const std::string& file) {
  if (file == "roles" || file == kManifest) return 0;  // the caller's, then the manifest
  for (size_t i = 0; i < kFiles.size(); ++i) {
    if (kFiles[i].name == file) return i + 1;
  }
  return kFiles.size() + 1;
}

// Every sourcedId the school names as manager is a staff member of these files: a typo would
// otherwise leave its directeur a teacher without a word. In delta mode users.csv holds only
// who changed, so an absent id says nothing.
void check_managers(const RoleMapping& roles, OneRosterRun& run) {
  std::map<std::string, const RosterPerson*> persons;
  for (const RosterPerson& p : run.roster.persons) persons[p.external_id] = &p;
  for (const std::string& id : roles.managers) {
    auto it = persons.find(id);
    if (it == persons.end() && !run.roster.delta)
      run.problems.push_back(
          {"roles", 0, "managers", "no teacher or administrator \"" + id + "\" in users.csv"});
    else if (it != persons.end() && it->second->role != "manager")
      run.problems.push_back(
          {"roles", 0, "managers",
           "\"" + id + "\" is a " + it->second->role +
               " in users.csv; only teachers and administrators can be manager"});
  }
}

}  // namespace

RosterRead read_oneroster(const std::map<std::string, std::string>& files,
                          const RoleMapping& roles) {
  OneRosterRun run(roles);
  if (roles.administrator != "counsellor" && roles.administrator != "manager") {
    run.problems.push_back({"roles", 0, "administrator",
                            "must be counsellor or manager, not \"" + roles.administrator + "\""});
  }
  const Manifest manifest = read_manifest(files, run);
  run.roster.delta = run.delta;
  for (const auto& spec : kFiles) {
    const auto it = files.find(std::string(spec.name));
    const bool given = it != files.end();
    const std::string mode = mode_of(spec, manifest, given, run);
    if (mode == "invalid") continue;
    if (mode == "absent") {
      if (given)
        run.problems.push_back({std::string(spec.name), 0, "",
                                "is given, but the "
                                "manifest says absent"});
      continue;
    }
    if (!given) {
      run.problems.push_back(
          {std::string(spec.name), 0, "",
           manifest.found ? "is missing (the manifest says " + mode + ")" : "is missing"});
      continue;
    }
    const CsvTable table = read_csv(it->second, std::string(spec.name));
    run.problems.insert(run.problems.end(), table.problems.begin(), table.problems.end());
    spec.read(table, mode == "bulk", run);
  }
  settle_unsure_schools(run);
  check_managers(roles, run);
  std::stable_sort(run.problems.begin(), run.problems.end(),
                   [](const RosterProblem& a, const RosterProblem& b) {
                     const auto ra = file_rank(a.file), rb = file_rank(b.file);
                     return ra != rb ? ra < rb : a.line < b.line;
                   });
  return {std::move(run.roster), std::move(run.problems), std::move(run.notes)};
}

}  // namespace werkex::school
