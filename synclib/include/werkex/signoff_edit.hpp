// Before a pupil edits a signed entry: which sign-offs an edit would make stale, and the
// warning an app shows ("Deze ervaring is afgetekend door Ans op 30-11-2026; na deze
// wijziging is de aftekening niet meer geldig."). The edit itself is not blocked: a pupil
// may correct her work, the sign-off then turns stale and her to-do list asks for a new one.
//
// Invariants: reads only. A sign-off counts here when it covers the entity and its status
// is valid or pending (a pending PIN sign-off would be stale once verified); stale,
// superseded, refused, invalid and revoked ones have nothing left to lose.
#pragma once

#include <string>
#include <vector>

#include "werkex/signoff.hpp"

namespace werkex {

struct SignedBy {
  std::string signoff, signer, signer_name, statement_date, state;
  json to_json() const;  // {"signoff","signer","signer_name","statement_date","state"}
};

// The sign-offs an edit of `entity_id` would make stale, oldest statement_date first.
// WX_NOT_FOUND if the entity is not on this replica.
Result<std::vector<SignedBy>> signed_by(const EntityReader& replica, const std::string& entity_id);
// The Dutch warning for an edit of `entity_id`, "" when no sign-off would be lost.
Result<std::string> edit_warning(const EntityReader& replica, const std::string& entity_id);

}  // namespace werkex
