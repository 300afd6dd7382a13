// MentorService: the mentor side of the staff dashboard (issue 12) as in-process services:
// the groups a staff member may open, a group's overview, a pupil's dossier timeline, a
// pupil's photos and a comment written into a pupil's dossier. The handlers
// (mentor_routes.cpp) only decode the request, call one of these and encode the answer.
//
// Invariants:
// - what may be seen is decided per call from `who.access` (recomputed by StaffSite on every
//   request) through dashboard::dashboard_scope, never from an id the request names: a
//   mentor moved to another group loses the old group's pupils on her next request;
// - an id that does not exist in the principal's school (or is not of the asked type) is
//   WX_NOT_FOUND, whatever other school it may belong to; one in the school but outside the
//   scope is WX_PERMISSION_DENIED;
// - every answer that shows a pupil's data is first written to the access log
//   (App::record_staff_read, `page` naming the page or route); if that fails, the data is not
//   given (fail closed);
// - the SummaryCache is used only under App::dossier_mutex().
// Thread-safe: every call takes the dossier lock for the part that reads or writes the store.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "app.hpp"
#include "dashboard/summary_cache.hpp"
#include "pupil_photos.hpp"
#include "staff_principal.hpp"

namespace werkex::server {

class MentorService {
 public:
  explicit MentorService(App& app);

  // {"groups":[{"id","name","year","level","level_label","pupils":n}]} sorted by name: the
  // groups `who` may open (teacher: hers; counsellor: every group of the school).
  Result<json> groups(const StaffPrincipal& who);
  // dashboard::group_overview of `group` (pupils inactive for `inactive_weeks` flagged).
  Result<json> group(const StaffPrincipal& who, const std::string& group, int inactive_weeks,
                     const std::string& page);
  // dashboard::pupil_timeline of `pupil`.
  Result<json> pupil(const StaffPrincipal& who, const std::string& pupil, const std::string& page);
  // A photo of the pupil's dossier (in what `who` may see of it) as JPEG bytes: a thumbnail
  // (`thumb`) or the stored file; WX_NOT_FOUND for a hash not among them.
  Result<Photo> photo(const StaffPrincipal& who, const std::string& pupil, const std::string& sha,
                      bool thumb, const std::string& page);
  // Writes a `comment` on `entry` (an entry of the pupil's dossier that `who` may see) with
  // `text` as `who`, durable before it returns {"id","on","body","author","written_at"}.
  // WX_INVALID_ARGUMENT for no entry (the schema's comment is always on an entry) or empty
  // or too long text (over 4000 bytes of UTF-8, the schema's limit), WX_NOT_FOUND for an entry not
  // in what `who` sees of this dossier. Nothing is written on any error.
  Result<json> comment(const StaffPrincipal& who, const std::string& pupil,
                       const std::string& entry, const std::string& text);

 private:
  // The pupil's timeline under the dossier lock (the scope checks included).
  Result<json> timeline_locked(const StaffPrincipal& who, const std::string& pupil);

  App& app_;
  dashboard::SummaryCache cache_;  // GUARDED_BY(app_.dossier_mutex())
  PupilPhotos photos_;
};

// The ids of every entry (and comment) a pupil_timeline answer shows.
std::set<std::string> timeline_entry_ids(const json& timeline);

}  // namespace werkex::server
