// Signing-key lookup and queued revocations (key_revocations.hpp).
#include "key_revocations.hpp"

#include "werkex/clock.hpp"  // rfc3339_utc

namespace werkex::server {

Result<json> find_signing_key(const Replica& dossiers, const std::string& key_id) {
  WX_ASSIGN_OR_RETURN(auto keys, dossiers.list(Query::where("signing_key", "", "key_id", key_id)));
  if (keys.empty()) return make_error(WX_NOT_FOUND, "no signing key " + key_id);
  return keys.front();
}

Status apply_key_revocations(Replica& dossiers, AuthStore& auth, uint64_t now_ms) {
  WX_ASSIGN_OR_RETURN(auto pending, auth.pending_key_revocations());
  for (const KeyRevocation& r : pending) {
    auto key = find_signing_key(dossiers, r.key_id);
    if (!key && key.error().code != WX_NOT_FOUND) return key.error();
    if (key && !key->contains("revoked_at")) {
      json update = {{"id", (*key)["id"]}, {"revoked_at", rfc3339_utc(r.requested_ms)}};
      if (!r.reason.empty()) update["revoked_reason"] = r.reason;
      WX_RETURN_IF_ERROR(dossiers.put(update).status());
    }
    // A key unknown here (werkex-admin checked it existed) has nothing left to revoke.
    WX_RETURN_IF_ERROR(auth.key_revocation_applied(r.key_id, now_ms));
  }
  return Status::ok();
}

}  // namespace werkex::server
