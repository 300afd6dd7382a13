// The mentor side's services (mentor_service.hpp).
#include "mentor_service.hpp"

#include <algorithm>

#include "dashboard/dashboard_scope.hpp"
#include "dashboard/group_overview.hpp"
#include "dashboard/pupil_timeline.hpp"
#include "export/portfolio_view.hpp"
#include "werkex/clock.hpp"

namespace werkex::server {

namespace {

using exporter::text_of;

constexpr size_t kMaxCommentBytes = 4000;

// OK when `id` is a live entity of `type` in the school's bucket (a pupil, for "pupil");
// anything else, another school's included, is WX_NOT_FOUND.
Status known_in_school(const EntityReader& r, const std::string& id, const std::string& type,
                       const std::string& school_bucket) {
  auto doc = r.get(id);
  if (!doc && doc.error().code != WX_NOT_FOUND && doc.error().code != WX_INVALID_ARGUMENT)
    return doc.error();
  const bool pupil = type == "pupil";
  if (!doc || text_of(*doc, "type") != (pupil ? "person" : type) ||
      (pupil && text_of(*doc, "role") != "pupil") || doc->value("deleted", false) ||
      text_of(*doc, "bucket") != school_bucket)
    return make_error(WX_NOT_FOUND, "geen " + (pupil ? std::string("leerling") : type) +
                                        " met id '" + id + "' in deze school");
  return Status::ok();
}

void collect_ids(const json& j, std::set<std::string>& out) {
  if (j.is_array()) {
    for (const json& v : j) collect_ids(v, out);
    return;
  }
  if (!j.is_object()) return;
  auto id = j.find("id");
  if (id != j.end() && id->is_string() && (j.contains("comments") || j.contains("replies")))
    out.insert(id->get<std::string>());
  for (const auto& [key, value] : j.items())
    if (key != "fields" && key != "labels" && key != "photos") collect_ids(value, out);
}

bool shows_photo(const json& j, const std::string& sha) {
  if (j.is_array())
    return std::any_of(j.begin(), j.end(), [&](const json& v) { return shows_photo(v, sha); });
  if (!j.is_object()) return false;
  if (auto p = j.find("photos"); p != j.end() && p->is_array())
    for (const json& photo : *p)
      if (photo.value("sha256", "") == sha) return true;
  for (const auto& [key, value] : j.items())
    if (key != "fields" && key != "labels" && shows_photo(value, sha)) return true;
  return false;
}

}  // namespace

std::set<std::string> timeline_entry_ids(const json& timeline) {
  std::set<std::string> out;
  collect_ids(timeline.value("cycles", json::array()), out);
  collect_ids(timeline.value("next_steps", json::array()), out);
  for (const json& s : timeline.value("signoffs", json::array())) out.insert(text_of(s, "id"));
  return out;
}

MentorService::MentorService(App& app)
    : app_(app), cache_(app.store()), photos_(app.config().data_dir + "/thumbs") {}

Result<json> MentorService::groups(const StaffPrincipal& who) {
  std::lock_guard lock(app_.dossier_mutex());
  WX_ASSIGN_OR_RETURN(auto scope, dashboard::dashboard_scope(app_.store(), who.access));
  WX_RETURN_IF_ERROR(cache_.refresh());
  json list = json::array();
  for (const std::string& id : scope.groups) {
    auto doc = app_.store().get(id);
    if (!doc || doc->value("deleted", false)) continue;
    WX_ASSIGN_OR_RETURN(auto pupils, cache_.group_pupils(scope.school_bucket, id));
    list.push_back({{"id", id},
                    {"name", text_of(*doc, "name")},
                    {"year", doc->value("year", json())},
                    {"level", text_of(*doc, "level")},
                    {"pupils", pupils.size()}});
  }
  std::stable_sort(list.begin(), list.end(), [](const json& a, const json& b) {
    return a["name"].get<std::string>() < b["name"].get<std::string>();
  });
  return json{{"groups", list}};
}

Result<json> MentorService::group(const StaffPrincipal& who, const std::string& group,
                                  int inactive_weeks, const std::string& page) {
  Result<json> out = make_error(WX_INTERNAL, "not read");
  {
    std::lock_guard lock(app_.dossier_mutex());
    WX_RETURN_IF_ERROR(known_in_school(app_.store(), group, "group", who.school_bucket));
    WX_ASSIGN_OR_RETURN(auto scope, dashboard::dashboard_scope(app_.store(), who.access));
    dashboard::GroupOptions options;
    options.today = rfc3339_utc(app_.now_ms()).substr(0, 10);
    options.inactive_weeks = inactive_weeks;
    out = dashboard::group_overview(cache_, scope, group, options);
  }
  if (!out) return out;
  for (const json& row : (*out)["pupils"])
    WX_RETURN_IF_ERROR(app_.record_staff_read(who.person, page, "pupil:" + text_of(row, "id"), 0));
  return out;
}

Result<json> MentorService::timeline_locked(const StaffPrincipal& who, const std::string& pupil) {
  WX_RETURN_IF_ERROR(known_in_school(app_.store(), pupil, "pupil", who.school_bucket));
  WX_ASSIGN_OR_RETURN(auto scope, dashboard::dashboard_scope(app_.store(), who.access));
  return dashboard::pupil_timeline(cache_, scope, pupil);
}

Result<json> MentorService::pupil(const StaffPrincipal& who, const std::string& pupil,
                                  const std::string& page) {
  Result<json> out = make_error(WX_INTERNAL, "not read");
  {
    std::lock_guard lock(app_.dossier_mutex());
    out = timeline_locked(who, pupil);
  }
  if (!out) return out;
  WX_RETURN_IF_ERROR(
      app_.record_staff_read(who.person, page, "pupil:" + pupil, (*out)["cycles"].size()));
  return out;
}

Result<Photo> MentorService::photo(const StaffPrincipal& who, const std::string& pupil,
                                   const std::string& sha, bool thumb, const std::string& page) {
  {
    std::lock_guard lock(app_.dossier_mutex());
    WX_ASSIGN_OR_RETURN(json timeline, timeline_locked(who, pupil));
    if (!shows_photo(timeline, sha))
      return make_error(WX_NOT_FOUND, "geen foto " + sha + " in dit dossier");
  }
  WX_ASSIGN_OR_RETURN(std::string file, app_.held_blob_file("pupil:" + pupil, sha));
  WX_RETURN_IF_ERROR(app_.record_staff_read(who.person, page, "pupil:" + pupil, 1));
  return photos_.rendition(file, sha, thumb ? PupilPhotos::kThumbPx : PupilPhotos::kFullPx);
}

Result<json> MentorService::comment(const StaffPrincipal& who, const std::string& pupil,
                                    const std::string& entry, const std::string& text) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    return make_error(WX_INVALID_ARGUMENT, "schrijf eerst een opmerking");
  if (text.size() > kMaxCommentBytes)  // the schema's limit on comment.body
    return make_error(WX_INVALID_ARGUMENT,
                      "een opmerking is hoogstens 4000 bytes (een letter met accent telt dubbel)");
  if (entry.empty())
    return make_error(WX_INVALID_ARGUMENT,
                      "kies het onderdeel van het dossier waar de opmerking bij hoort (entry)");
  const std::string bucket = "pupil:" + pupil;
  json doc = {{"type", "comment"},    {"bucket", bucket},
              {"on", entry},          {"body", text},
              {"author", who.person}, {"written_at", rfc3339_utc(app_.now_ms())}};
  WX_RETURN_IF_ERROR(app_.write_as(
      {who.person, who.role, bucket, who.school_bucket}, [&](StaffWriter& w) -> Status {
        WX_ASSIGN_OR_RETURN(json timeline, timeline_locked(who, pupil));
        if (!timeline_entry_ids(timeline).count(entry))
          return make_error(WX_NOT_FOUND, "geen onderdeel '" + entry + "' in dit dossier");
        WX_ASSIGN_OR_RETURN(std::string id, w.put(doc));
        doc["id"] = id;
        return Status::ok();
      }));
  doc.erase("type");
  return doc;
}

}  // namespace werkex::server
