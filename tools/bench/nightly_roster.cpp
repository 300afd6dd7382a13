// The generated OneRoster set (nightly_roster.hpp).
#include "nightly_roster.hpp"

#include <array>

#include "bench.hpp"
#include "school/oneroster.hpp"

namespace bench {

using werkex::json;

namespace {

constexpr std::array<const char*, 12> kGiven = {"Sem",   "Zoë",  "Daan", "Noor",  "Lucía", "Finn",
                                                "Anouk", "Mila", "Bram", "Eline", "Yusuf", "Iris"};
constexpr std::array<const char*, 6> kMiddle = {"", "van der", "de", "", "'t", "van"};
constexpr std::array<const char*, 10> kFamily = {"Berg",   "Vries",  "Hart", "El Amrani", "Gómez",
                                                 "Jansen", "Bakker", "Smit", "Meijer",    "Visser"};
constexpr std::array<const char*, 4> kLevels = {"BB", "KB", "GL", "TL"};

std::string user_row(const std::string& id, const std::string& org, const std::string& role,
                     size_t n) {
  return id + ",," + ",true," + org + "," + role + ",u" + id + ",," + kGiven[n % kGiven.size()] +
         "," + kFamily[(n / 3) % kFamily.size()] + "," + kMiddle[n % kMiddle.size()] + ",,,,,,,\n";
}

}  // namespace

std::map<std::string, std::string> make_roster(size_t pupils, size_t per_group,
                                               const std::string& prefix) {
  const std::string org = prefix + "-org";
  std::map<std::string, std::string> f;
  f["manifest.csv"] =
      "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\nfile.academicSessions,"
      "bulk\nfile.classes,bulk\nfile.enrollments,bulk\nfile.orgs,bulk\nfile.users,bulk\n";
  f["orgs.csv"] = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n" + org +
                  ",,,Bench Vmbo " + prefix + ",school,99ZZ00,\n";
  f["academicSessions.csv"] =
      "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,"
      "schoolYear\n" +
      prefix + "-y,,,2026-2027,schoolYear,2026-08-01,2027-07-31,,2027\n";
  std::string classes =
      "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,"
      "location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\n";
  std::string users =
      "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
      "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
      "password\n";
  std::string enrollments =
      "sourcedId,classSourcedId,schoolSourcedId,userSourcedId,role,status,dateLastModified,"
      "beginDate,endDate,primary\n";
  const size_t groups = (pupils + per_group - 1) / per_group;
  for (size_t g = 0; g < groups; ++g) {
    const std::string cls = prefix + "-c" + std::to_string(g),
                      teacher = prefix + "-t" + std::to_string(g);
    const std::string title =
        std::to_string(1 + g % 4) + kLevels[(g / 4) % 4] + "-" + std::to_string(g);
    classes += cls + ",,," + title + ",,,," + "homeroom,," + org + "," + prefix + "-y,,,\n";
    users += user_row(teacher, org, "teacher", g + 7);
    enrollments += "e" + teacher + "," + cls + "," + org + "," + teacher + ",teacher,,,,,true\n";
  }
  for (size_t i = 0; i < pupils; ++i) {
    const std::string id = prefix + "-p" + std::to_string(i),
                      cls = prefix + "-c" + std::to_string(i / per_group);
    users += user_row(id, org, "student", i);
    enrollments += "e" + id + "," + cls + "," + org + "," + id + ",student,,,,,\n";
  }
  users += user_row(prefix + "-a0", org, "administrator", 1);
  users += user_row(prefix + "-a1", org, "administrator", 2);
  f["classes.csv"] = classes;
  f["users.csv"] = users;
  f["enrollments.csv"] = enrollments;
  return f;
}

json import_school(werkex::server::App& app, const std::map<std::string, std::string>& files) {
  werkex::school::RosterRead read = werkex::school::read_oneroster(files);
  if (!read.ok()) throw Failure("generated roster: " + read.problems.front().to_string());
  return check(app.import_roster(read.roster, "bench"), "import the roster");
}

}  // namespace bench
