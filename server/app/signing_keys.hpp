// Supervisors' Ed25519 public keys on the server (issue 4): registration through
// POST /v1/keys and revocation by the school.
//
// A key is a `signing_key` entity in the school bucket, written only by the server (schema
// write role "admin") so that a device can trust that the key's `person` is who enrolled
// it: the device that registers is authenticated by its token, and its person must be a
// supervisor. One public key belongs to one person for good; registering it again is a
// no-op that answers the same key id. Revocation writes revoked_at/revoked_reason once;
// every replica then derives `invalid` for sign-offs made with that key.
#pragma once

#include <string>

#include "access.hpp"
#include "auth_store.hpp"
#include "dossier_store.hpp"

namespace werkex::server {

// The public key of a /v1/keys body {"public_key": "<64 lowercase hex>"}, strictly:
// WX_INVALID_ARGUMENT naming what is wrong (not an object, unknown key, not hex, length, not
// a curve point).
Result<std::string> parse_key_request(const json& body);

// Writes the signing_key entity for `access.person` (a supervisor) as the server, or finds
// it if this person registered it before; returns the key id. WX_CONFLICT if the key (or its
// key id) is registered to someone else. Call under the dossiers mutex.
Result<std::string> register_signing_key(DossierStore& dossiers, AuthStore& auth,
                                         const Access& access, const std::string& public_key,
                                         uint64_t now_ms);

// Writes the revocations werkex-admin queued in server.db (AuthStore::queue_key_revocation,
// key_revocations.hpp) into the dossiers as the server, revoked_at = when it was requested.
// Call under the dossiers mutex; cheap when nothing is queued.
// `before_writing` (may be empty) runs once before the first revocation is written.
Status apply_key_revocations(DossierStore& dossiers, AuthStore& auth, uint64_t now_ms,
                             const std::function<Status()>& before_writing = {});

}  // namespace werkex::server
