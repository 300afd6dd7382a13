// RosterIds: which entity a roster's external id (a OneRoster sourcedId) names, for the
// roster import (roster_import.cpp).
//
// A school is known by its own external id across the deployment. A group or a person is
// known within its school: two schools' registers (two boards, two SIS vendors) may use the
// same sourcedId, and the same id in another school's roster is another person there. So a
// pupil who moves to another school of the deployment becomes a new person with a new dossier
// in the new school (whose board is its data controller), and a leaver in the old one; the
// import never rewrites one school's person from another school's register.
//
// Invariants: find() with a school answers only from that school; without one (a delta row
// that names a person or group it does not list) it answers only when exactly one school
// has that id, and says so otherwise.
#pragma once

#include <map>
#include <set>
#include <string>

#include "werkex/error.hpp"

namespace werkex::server {

class RosterIds {
 public:
  // `id` is the entity of `type` with external id `ext`; `school` is its school's entity id
  // (ignored for type "school").
  void add(const std::string& type, const std::string& school, const std::string& ext,
           const std::string& id);
  // The entity id, or "" when none is known. `school` "" for a group or person: the one
  // school that has it; WX_CONFLICT when several do.
  Result<std::string> find(const std::string& type, const std::string& school,
                           const std::string& ext) const;
  // The school entity id a group or person was added under ("" if unknown).
  std::string school_of(const std::string& id) const;
  // Every entity id of `type` added.
  std::set<std::string> all(const std::string& type) const;

 private:
  static std::string key(const std::string& type, const std::string& school,
                         const std::string& ext);
  std::map<std::string, std::string> by_key_;             // key → entity id
  std::map<std::string, std::set<std::string>> by_ext_;   // type + ext → entity ids
  std::map<std::string, std::string> school_of_;          // entity id → school id
  std::map<std::string, std::set<std::string>> of_type_;  // type → entity ids
};

}  // namespace werkex::server
