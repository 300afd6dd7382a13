// Access: which buckets a person may read and write, computed from the roster and the
// placements (design.md, "Access: buckets") at every request, so it ends the moment the
// relation ends.
//
//   pupil      own dossier (read, write) + of the school bucket only what concerns them
//              (including the sign-off keys of their placements' supervisors and of the
//              supervisors who signed sign-offs in their dossier: signers_in()) and the
//              company network they may ask a placement of (companies that offer activity
//              kinds, without the counsellor's notes; no other pupil's placement)
//   teacher    the dossiers of the pupils in the groups they mentor + the school bucket
//   counsellor every dossier of the school + the school bucket (read, write)
//   supervisor of the dossiers of pupils placed with them only the part that belongs to
//              those placements (pupil_view.hpp: the activities linked to a placement and
//              their preparations, experiences, reflections, next steps, comments, sign-offs
//              and photos, never e.g. a hobby experience), only from the placement's start to
//              its end + grace days, and in the grace days only the entries about days
//              within the placement (entry_days.hpp); of the school bucket only those
//              placements and people and their own sign-off keys. She writes comments and
//              sign-offs (the schema) on entries of that part only (push_check.cpp).
//   parent     the dossier of each child whose person lists them in `parents` while the
//              school's `parent_access` is on and, from the child's 16th birthday (by
//              `birth_date`; unknown: the school's switch alone), the child's own
//              `parent_consent` too; reads it whole and writes only comments (the schema);
//              of the school bucket only their own person and their children's
//   admin      the school bucket (the roster)
//   manager    of the school bucket only the school and its groups (names, year, level: to
//              choose what the aggregates show); no person, no network, no dossier; writes
//              nothing. The figures come from the server (dashboard/aggregates.hpp).
//
// Whatever the rules above find, one check after them keeps everyone inside their school
// (schools are tenants, docs/design.md §8): only the person's own school bucket and the
// dossiers of pupils whose person is in it remain; a placement naming another school's pupil
// opens nothing.
//
// What a role may write inside a bucket is the schema's business (authorize()); the one
// write outside the `write` buckets is a pupil's own person (parent_consent).
//
// A filtered bucket (the school bucket for most roles, a pupil's for a supervisor) comes
// with a view digest naming the entities in it. A device reports the digest it last pulled
// with; a different one on the server makes it pull that bucket again from 0 (to get what
// became visible behind its cursor) and purge what it held (to drop what left the view).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "dossier_store.hpp"
#include "pupil_view.hpp"

namespace werkex::server {

// The days of one placement, YYYY-MM-DD, both included.
struct DayWindow {
  std::string first, last;
};

struct Access {
  std::string person;
  std::string role;
  std::string school_bucket;
  std::set<std::string> read;
  std::set<std::string> write;
  // The school-bucket entities this person may see; nullopt: all of them.
  std::optional<std::set<std::string>> school_entities;
  // Names the filtered school view (empty when unfiltered): a device whose view changed pulls
  // the school bucket again from 0, to get entities that became visible behind its cursor.
  // Signing keys are left out: a key becomes visible only with its person (in the digest) or
  // when it is registered (after every cursor), so a supervisor's new device makes no one
  // pull again (issue 10 item 6).
  std::string school_view;
  // Supervisor: the dossiers whose placements with her all ended (she is in the grace days),
  // each with the placements' days; only entries about those days reach her.
  std::map<std::string, std::vector<DayWindow>> ended;
  // Supervisor: per dossier she reads, the part of it that belongs to her placements there
  // (pupil_view.hpp). A readable dossier not named here is read whole.
  std::map<std::string, PupilView> pupil_views;

  // Per type, the fields this person never receives though they see the entity (a pupil:
  // the counsellor's notes on a company of the network).
  std::map<std::string, std::set<std::string>> hidden_fields;

  // Whether `entity` of `bucket` is this person's to read: the bucket readable, and the
  // entity in the bucket's view when it has one.
  bool sees(const std::string& bucket, const std::string& entity) const;
  // Whether the change is of a field hidden from this person (hidden_fields).
  bool hides(const Change& c) const;

  std::string own_bucket() const { return role == "pupil" ? "pupil:" + person : std::string(); }
};

// `today` is YYYY-MM-DD (server time). WX_UNAUTHENTICATED if the person is not (or no
// longer) an active member of the roster.
Result<Access> compute_access(const DossierStore& dossiers, const std::string& person,
                              const std::string& today, int supervisor_grace_days);

// Whether this person may push this change; the error says why not.
Status authorize(const Access& access, const Schema& schema, const Change& change);

// The signers of the sign-offs in a pupil's dossier `bucket`: a pupil's phone sees those who
// are supervisors, and their keys (not only their current placements' supervisors), so every
// sign-off in the dossier stays verifiable there.
Result<std::set<std::string>> signers_in(const DossierStore& dossiers, const std::string& bucket);

// YYYY-MM-DD `days` after (or before, if negative) `date`.
std::string add_days(const std::string& date, int days);

}  // namespace werkex::server
