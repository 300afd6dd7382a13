// Signing-key lookup for werkex-admin (key_revocations.hpp).
#include "key_revocations.hpp"

namespace werkex::server {

Result<json> find_signing_key(const EntityReader& dossiers, const std::string& key_id) {
  WX_ASSIGN_OR_RETURN(auto keys, dossiers.list(Query::where("signing_key", "", "key_id", key_id)));
  if (keys.empty()) return make_error(WX_NOT_FOUND, "no signing key " + key_id);
  return keys.front();
}

}  // namespace werkex::server
