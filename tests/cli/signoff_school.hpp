// The school of the CLI sign-off tests: a roster made as the server would, handed to Sem's
// (pupil) and Ans's (supervisor) phones as a bundle file, Ans's signing key, and Sem's
// snuffelstage at the bakery with two experiences of 30 November.
#pragma once

#include <catch2/catch.hpp>

#include "process.hpp"
#include "test_support.hpp"
#include "werkex/signoff.hpp"

namespace signoff_school {

using nlohmann::json;
using werkex::test::Device;

inline const std::string kAdmin = "0190a000-0000-7000-8000-0000000000ad";
inline const std::string kCounsellor = "0190a000-0000-7000-8000-0000000000c0";

// The roster made as the server would (admin, then counsellor), handed to both phones as a
// bundle file; Ans's phone gets its signing key as enrolment would have left it.
struct School {
  werkex::test::TempDir dir;
  Device school{dir.file("school.db")}, sem{dir.file("sem.db")}, ans{dir.file("ans.db")};
  std::string pupil, supervisor, placement, act, exp1, exp2;

  std::string put(const Device& d, const json& doc) { return d.ok({"put", "--json", doc.dump()}); }

  School() {
    school.ok({"init", "--user", kAdmin, "--role", "admin", "--school-bucket", "school:demo"});
    std::string s = put(school, {{"type", "school"}, {"name", "De Brug"}});
    pupil = put(school, {{"type", "person"}, {"name", "Sem"}, {"role", "pupil"}, {"school", s}});
    supervisor =
        put(school, {{"type", "person"}, {"name", "Ans"}, {"role", "supervisor"}, {"school", s}});
    werkex::SigningKey key = werkex::test::expect_ok(werkex::generate_signing_key());
    put(school, {{"type", "signing_key"},
                 {"person", supervisor},
                 {"public_key", key.public_key},
                 {"key_id", key.key_id},
                 {"registered_at", "2026-11-01T09:00:00Z"}});
    school.ok(
        {"init", "--user", kCounsellor, "--role", "counsellor", "--school-bucket", "school:demo"});
    std::string company = put(school, {{"type", "company"}, {"name", "Bakkerij"}});
    placement = put(school, {{"type", "placement"},
                             {"pupil", pupil},
                             {"company", company},
                             {"supervisor", supervisor},
                             {"start_date", "2026-11-01"},
                             {"end_date", "2026-12-01"},
                             {"kind", "snuffelstage"}});
    school.ok({"export", "--out", dir.file("roster.json")});
    sem.ok({"init", "--user", pupil, "--role", "pupil", "--school-bucket", "school:demo"});
    ans.ok({"init", "--user", supervisor, "--role", "supervisor", "--bucket", "pupil:" + pupil,
            "--school-bucket", "school:demo"});
    sem.ok({"import", dir.file("roster.json")});
    ans.ok({"import", dir.file("roster.json")});
    {
      werkex::ManualClockSource clock(werkex::test::kStartMillis);
      auto phone = werkex::test::open_replica(
          ans.db(), clock, {supervisor, "supervisor", "pupil:" + pupil, "school:demo"});
      werkex::test::expect_ok(phone->set_setting("signing.secret_key", key.secret_key));
      werkex::test::expect_ok(phone->set_setting("signing.key_id", key.key_id));
    }
    act = sem.ok({"activity", "--kind", "snuffelstage", "--title", "Bakkerij"});
    exp1 = sem.ok({"experience", "--activity", act, "--at", "2026-11-30T07:30:00Z", "--note",
                   "Deeg gekneed"});
    exp2 = sem.ok({"experience", "--activity", act, "--at", "2026-11-30T12:00:00Z", "--note",
                   "Klanten geholpen"});
  }

  // Offline sync by file, both ways.
  void swap_bundles() {
    sem.ok({"export", "--out", dir.file("sem.json")});
    ans.ok({"export", "--out", dir.file("ans.json")});
    ans.ok({"import", dir.file("sem.json")});
    sem.ok({"import", dir.file("ans.json")});
  }

  std::string handed_over_signature() {
    auto req = sem.run({"sign-request", exp1, exp2, "--date", "2026-11-30"});
    REQUIRE(req.exit_code == 0);
    std::string request = req.out.substr(0, req.out.size() - 1);
    CHECK(request.rfind("werkex-sign:v1:", 0) == 0);
    CHECK_THAT(req.err, Catch::Contains(std::to_string(request.size()) + " bytes"));
    return ans.ok({"sign", request, "--hours", "6", "--attendance", "aanwezig", "--assessment",
                   "Werkt netjes"});
  }
};

}  // namespace signoff_school
