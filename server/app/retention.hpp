// Retention (issue 11): what the school keeps of pupils who left, and for how long.
//
// A pupil whose left_on lies `left_days` or more in the past has her dossier erased from the
// server: every entity of her bucket, her placements, her photos (a blob file only when no
// other dossier holds those bytes), her device tokens, and the personal data of her person
// entity (name replaced, e-mail and external id cleared, then deleted, so staff devices drop
// her from their lists at their next sync). Her devices and her mentors' lost access when she
// left, so they purge her dossier at their next sync (a revoked bucket). Each erasure goes
// into the audit log — who, when, which person id, how much — never what was erased.
// The access log and the audit log are pruned after their own periods.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "werkex/merge.hpp"  // json

namespace werkex::server {

struct RetentionPolicy {
  uint64_t left_days = 730;  // two years after leaving
  // Another period for the pupils of a school (its entity id): each school's board is the
  // controller of its pupils' data and sets its own term.
  std::map<std::string, uint64_t> left_days_of_school;
  uint64_t left_days_for(const std::string& school) const {
    auto it = left_days_of_school.find(school);
    return it == left_days_of_school.end() ? left_days : it->second;
  }
  uint64_t access_log_days = 365;  // who read which dossier
  uint64_t audit_log_days = 1825;  // security events, erasures included
};

struct RetentionReport {
  size_t dossiers_erased = 0, entities_erased = 0, blob_files_removed = 0;
  size_t access_log_rows = 0, audit_log_rows = 0;
  size_t staff_sessions_ended = 0;  // past their absolute age: no request came to end them
  json to_json() const;
};

}  // namespace werkex::server
