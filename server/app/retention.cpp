// Retention (retention.hpp): the admin API's POST /v1/admin/retention.
#include "retention.hpp"

#include "access.hpp"
#include "app.hpp"

namespace werkex::server {

namespace {

std::string str(const json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Pupils who left at least their school's retention period before `today` (YYYY-MM-DD).
Result<std::vector<json>> leavers(const EntityReader& dossiers, const RetentionPolicy& policy,
                                  const std::string& today) {
  WX_ASSIGN_OR_RETURN(auto left, dossiers.list(Query::where("person", "", "status", "left")));
  std::vector<json> out;
  for (json& p : left) {
    const std::string on = str(p, "left_on");
    const uint64_t days = policy.left_days_for(str(p, "school"));
    const std::string cutoff = add_days(today, -static_cast<int>(days));
    if (str(p, "role") == "pupil" && !on.empty() && on <= cutoff) out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

json RetentionReport::to_json() const {
  return {
      {"dossiers_erased", dossiers_erased},       {"entities_erased", entities_erased},
      {"blob_files_removed", blob_files_removed}, {"access_log_rows", access_log_rows},
      {"audit_log_rows", audit_log_rows},         {"staff_sessions_ended", staff_sessions_ended}};
}

// Erases one pupil (retention.hpp); the caller holds the dossier lock.
Status App::erase_pupil(const json& person, uint64_t now_ms, const std::string& actor,
                        RetentionReport& report) {
  const std::string id = str(person, "id"), bucket = "pupil:" + id;
  Query in_bucket;
  in_bucket.bucket = bucket;
  in_bucket.include_deleted = true;
  WX_ASSIGN_OR_RETURN(size_t entities, store_->count(in_bucket));
  WX_ASSIGN_OR_RETURN(auto hashes, holdings_->hashes(bucket));
  size_t files = 0;
  for (const std::string& sha : hashes) {
    WX_ASSIGN_OR_RETURN(bool removed, forget_blob(bucket, sha));
    files += removed ? 1 : 0;
  }
  WX_RETURN_IF_ERROR(store_->purge_bucket(bucket));
  WX_ASSIGN_OR_RETURN(auto placements, store_->list(Query::where("placement", "", "pupil", id)));
  const std::string school_bucket = str(person, "bucket");
  // Placements are the counsellor's to delete, the roster the admin's (the schema's roles).
  const Identity counsellor{"server", "counsellor", "", school_bucket};
  const Identity admin{"server", "admin", "", school_bucket};
  WX_RETURN_IF_ERROR(store_->together([&]() -> Status {
    for (const json& p : placements)
      WX_RETURN_IF_ERROR(store_->remove_as(counsellor, str(p, "id")));
    WX_RETURN_IF_ERROR(store_
                           ->put_as(admin, {{"id", id},
                                            {"name", "(verwijderd)"},
                                            {"email", nullptr},
                                            {"external_id", nullptr}})
                           .status());
    return store_->remove_as(admin, id);
  }));
  WX_RETURN_IF_ERROR(auth_->revoke_person_devices(id, now_ms));
  WX_RETURN_IF_ERROR(auth_->audit(now_ms, actor, "devices_revoked", id, "dossier erased"));
  json how_much = {{"entities", entities + placements.size() + 1}, {"blob_files", files}};
  WX_RETURN_IF_ERROR(auth_->audit(now_ms, actor, "dossier_erased", id, how_much.dump()));
  ++report.dossiers_erased;
  report.entities_erased += entities + placements.size() + 1;
  report.blob_files_removed += files;
  return Status::ok();
}

Result<RetentionReport> App::apply_retention(const RetentionPolicy& policy,
                                             const std::string& actor, JobProgress* progress,
                                             const std::string& only_school) {
  RetentionReport report;
  const uint64_t now = now_ms();
  const uint64_t day_ms = 86400000ull;
  const std::string today = rfc3339_utc(now).substr(0, 10);
  std::vector<json> gone;
  int64_t written;
  {
    std::lock_guard lock(mu_);
    WX_ASSIGN_OR_RETURN(gone, leavers(*store_, policy, today));
    written = commits_->mark();
  }
  if (!only_school.empty())  // a school's own run: its leavers alone
    std::erase_if(gone,
                  [&](const json& p) { return p.value("bucket", "") != "school:" + only_school; });
  if (progress) progress->step("retention", gone.size());
  // One pupil per hold of the dossier lock: phones keep syncing between two erasures.
  for (const json& person : gone) {
    std::lock_guard lock(mu_);
    WX_RETURN_IF_ERROR(erase_pupil(person, now, actor, report));
    written = commits_->mark();
    if (progress) progress->advance(report.dossiers_erased, gone.size());
  }
  WX_RETURN_IF_ERROR(commits_->wait_durable(written));
  if (!only_school.empty()) return report;  // the logs are the whole deployment's
  WX_ASSIGN_OR_RETURN(
      report.access_log_rows,
      auth_->prune_access_log(now - std::min(now, policy.access_log_days * day_ms)));
  WX_ASSIGN_OR_RETURN(report.audit_log_rows,
                      auth_->prune_audit_log(now - std::min(now, policy.audit_log_days * day_ms)));
  WX_ASSIGN_OR_RETURN(report.staff_sessions_ended,
                      auth_->prune_staff_sessions(now - std::min(now, kStaffSessionMaxAgeMs)));
  return report;
}

}  // namespace werkex::server
