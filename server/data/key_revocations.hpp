// Revoking a supervisor's signing key (signing_keys.hpp): werkex-admin finds the key here (in
// dossiers.db, read directly) and queues the revocation in server.db
// (AuthStore::queue_key_revocation); the server writes it into the dossiers at its next sync
// (apply_key_revocations, app/signing_keys.hpp, through its DossierStore). No HTTP, no Boost.
#pragma once

#include <string>

#include "auth_store.hpp"
#include "werkex/store.hpp"

namespace werkex::server {

// The signing_key entity with this key id; WX_NOT_FOUND if none.
Result<json> find_signing_key(const EntityReader& dossiers, const std::string& key_id);

}  // namespace werkex::server
