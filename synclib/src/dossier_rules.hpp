// The dossier's rules that the generic store enforces on every local write and every
// received bundle. The store knows types, fields, merge rules and write roles from the schema
// (schema.hpp); these rules know the dossier's own types by name: a pupil writes only their own
// dossier, a pupil's phone stores a sign-off only as the sign-off flows make one and nobody
// deletes one, and a blob entity always names its content. Each returns the error to refuse
// the write with (WX_PERMISSION_DENIED, WX_INVALID_ARGUMENT) or OK.
#pragma once

#include <string>

#include "werkex/entity_engine.hpp"
#include "werkex/schema.hpp"

namespace werkex {

// Who may write an entity of type `t` in `bucket` (a local write or delete).
Status check_writer(const Identity& me, const TypeSpec& t, const std::string& bucket);
// A pupil's local write of a sign-off: only a new one, as the flows make it.
Status check_pupil_signoff(const Identity& me, const TypeSpec& t, const json& doc, bool creating);
// Whether an entity of type `t` may be deleted at all (roles are checked by the store).
Status check_may_delete(const TypeSpec& t);
// A whole received entity, after its changes merged and before it is stored: a blob entity
// that would exist without its sha256 is refused.
Status check_received_entity(const EntityHeader& h, const EntityFields& fields);

}  // namespace werkex
