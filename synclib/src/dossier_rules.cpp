// The dossier's rules the store enforces (dossier_rules.hpp).
#include "dossier_rules.hpp"

#include "werkex/messages.hpp"

namespace werkex {

Status check_writer(const Identity& me, const TypeSpec& t, const std::string& bucket) {
  if (me.role.empty()) return error_of(WX_PERMISSION_DENIED, Msg::no_identity);
  if (me.role == "pupil" && t.bucket == BucketKind::pupil && bucket != me.bucket)
    return error_of(WX_PERMISSION_DENIED, Msg::pupil_own_dossier, {{"bucket", me.bucket}});
  return Status::ok();
}

// A pupil's phone stores sign-offs only as the sign-off flows make them (signoff.hpp): a
// supervisor's Ed25519 sign-off handed over by QR, or a PIN sign-off typed by the supervisor.
// The signature, or the one-time code the server checks, is the real authorisation (checked
// by every replica's status and by the server); this rule keeps a pupil from amending one.
Status check_pupil_signoff(const Identity& me, const TypeSpec& t, const json& doc, bool creating) {
  if (me.role != "pupil" || t.name != "signoff") return Status::ok();
  auto has = [&](const char* k) { return doc.contains(k) && doc[k].is_string(); };
  std::string method = has("method") ? doc["method"].get<std::string>() : "";
  // A PIN sign-off carries no proof (its one-time code goes to the server only, signoff.hpp).
  if (creating && ((method == "key" && has("signature")) ||
                   (method == "pin" && !doc.contains("pin_proof") && !doc.contains("signature"))))
    return Status::ok();
  return error_of(WX_PERMISSION_DENIED, Msg::pupil_signoff_only_flows);
}

Status check_may_delete(const TypeSpec& t) {
  if (t.name == "signoff")  // a statement someone signed is withdrawn, never erased
    return error_of(WX_PERMISSION_DENIED, Msg::signoff_never_deleted);
  return Status::ok();
}

Status check_received_entity(const EntityHeader& h, const EntityFields& fields) {
  if (h.type != "blob" || h.deleted) return Status::ok();
  // Partial bundles carry only changed fields: other fields of a blob this replica holds
  // are fine, but one that would come into existence without its content hash is not.
  auto it = fields.find({"sha256", ""});
  if (it != fields.end() && it->second.state.value.is_string()) return Status::ok();
  return make_error(WX_INVALID_ARGUMENT,
                    "blob " + h.id +
                        ": field 'sha256' is required (the changes would create "
                        "the blob without naming its content)");
}

}  // namespace werkex
