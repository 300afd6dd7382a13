// Which fields of a sign-off's covered entries changed after the signing: the detail behind a
// `stale` status (signoff.hpp), for readers that show the "why" field by field (the staff
// dashboard) rather than as the status' one-line reason.
//
// Invariants: the same rule as signoff_status() uses: a covered entry's field counts as
// changed when its winning state (or, for a set, any present element's add) is stamped after
// the sign-off's own content_hash write. Entries are in covers order (sorted ids), fields in
// field order; an entry with no such field is left out, so a stale sign-off whose change the
// stamps cannot tell (an edit concurrent with the signing) gives an empty list. Covered
// entries this replica does not hold are skipped. Reads only.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "werkex/error.hpp"
#include "werkex/store.hpp"

namespace werkex {

struct ChangedEntry {
  std::string entity;
  std::vector<std::string> fields;
};

// WX_NOT_FOUND if there is no such entity, WX_INVALID_ARGUMENT if it is not a sign-off.
Result<std::vector<ChangedEntry>> signoff_changed_fields(const Replica& replica,
                                                         const std::string& signoff_id);

}  // namespace werkex
