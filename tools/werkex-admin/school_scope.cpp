// werkex-admin --school (school_scope.hpp).
#include "school_scope.hpp"

#include <set>

namespace werkex::admin {

namespace {

// Whether entity `id` is one of `types` in `bucket`.
Result<bool> entity_in(const EntityReader& dossiers, const std::string& id,
                       const std::set<std::string>& types, const std::string& bucket) {
  auto doc = dossiers.get(id);
  if (!doc) {
    if (doc.error().code == WX_NOT_FOUND) return false;
    return doc.error();
  }
  return types.count(doc->value("type", "")) > 0 && doc->value("bucket", "") == bucket;
}

}  // namespace

Status check_in_school(const EntityReader& dossiers, const std::string& school,
                       const std::string& command, const std::string& target) {
  const std::string bucket = "school:" + school;
  auto school_doc = dossiers.get(school);
  if (!school_doc || school_doc->value("type", "") != "school")
    return make_error(WX_NOT_FOUND, "no school " + school + " in this deployment");
  if (command == "admin-token" || command == "revoke-admin-token") return Status::ok();
  bool ours = false;
  if (command == "invite" || command == "revoke" || command == "wipe") {
    WX_ASSIGN_OR_RETURN(ours, entity_in(dossiers, target, {"person"}, bucket));
  } else if (command == "pin" || command == "pin-reset") {
    WX_ASSIGN_OR_RETURN(ours, entity_in(dossiers, target, {"placement"}, bucket));
  } else if (command == "audit") {
    WX_ASSIGN_OR_RETURN(ours, entity_in(dossiers, target, {"placement", "signing_key"}, bucket));
  } else if (command == "revoke-key") {
    WX_ASSIGN_OR_RETURN(ours, entity_in(dossiers, target, {"signing_key"}, bucket));
  } else if (command == "reads" || command == "blobs") {
    ours = target == bucket;
    if (!ours && target.rfind("pupil:", 0) == 0) {
      WX_ASSIGN_OR_RETURN(ours, entity_in(dossiers, target.substr(6), {"person"}, bucket));
    }
  } else {
    return make_error(WX_PERMISSION_DENIED,
                      "'" + command + "' acts for the whole deployment, not for one school");
  }
  if (ours) return Status::ok();
  return make_error(WX_PERMISSION_DENIED,
                    "'" + target + "' is not of school " + school + ": nothing was done");
}

}  // namespace werkex::admin
