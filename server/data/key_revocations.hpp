// Revoking a supervisor's signing key (signing_keys.hpp): werkex-admin queues the revocation
// in server.db (AuthStore::queue_key_revocation), the server writes it into the dossiers at
// its next request. Both sides find the key here; no HTTP, no Boost.
#pragma once

#include <string>

#include "auth_store.hpp"
#include "werkex/store.hpp"

namespace werkex::server {

// Writes the revocations werkex-admin queued in server.db into the dossiers (revoked_at =
// when it was requested). Call under the dossiers mutex; cheap when nothing is queued.
Status apply_key_revocations(Replica& dossiers, AuthStore& auth, uint64_t now_ms);

// The signing_key entity with this key id; WX_NOT_FOUND if none.
Result<json> find_signing_key(const Replica& dossiers, const std::string& key_id);

}  // namespace werkex::server
