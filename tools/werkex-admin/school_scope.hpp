// werkex-admin --school ID: acting for one school of a deployment (docs/design.md §8). Whoever
// runs werkex-admin holds the whole database, so this is no security boundary (the admin
// API's per-school tokens are): it keeps an operator acting for one school from touching
// another's people, placements, keys or logs by a mistyped or pasted id.
#pragma once

#include <string>

#include "werkex/store.hpp"

namespace werkex::admin {

// OK when `target` of `command` is of school `school` (an entity id):
//   invite, revoke, wipe          a person in the school's bucket
//   pin, pin-reset, audit         a placement (audit: or a signing key) in the school's bucket
//   revoke-key                    a signing key in the school's bucket
//   reads, blobs                  the school's bucket, or the dossier of one of its pupils
//   admin-token, revoke-admin-token  (the label; the token is made for the school)
// WX_PERMISSION_DENIED naming both otherwise; restore (the whole deployment's) and unknown
// commands too.
Status check_in_school(const EntityReader& dossiers, const std::string& school,
                       const std::string& command, const std::string& target);

}  // namespace werkex::admin
