// Which fields of a sign-off's covered entries changed after the signing: the detail behind a
// `stale` status (signoff.hpp), field by field (the staff dashboard) and in words a pupil
// reads (the entry's title, the field's Dutch label, the old and the new text).
//
// Invariants: the same rule as signoff_status() uses: a covered entry's field counts as
// changed when its winning state (or, for a set, any present element's add) is stamped after
// the sign-off's own content_hash write. Entries are in covers order (sorted ids), fields in
// field order; an entry with no such field is left out, so a stale sign-off whose change the
// stamps cannot tell (an edit concurrent with the signing) gives an empty list. Covered
// entries this replica does not hold are skipped. Reads only.
// The old value comes from the sign-off's signed_content, trusted only when its content hash
// equals the signed content_hash (so nobody can slip in another "old" text); without it the
// old value is unknown.
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
Result<std::vector<ChangedEntry>> signoff_changed_fields(const EntityReader& replica,
                                                         const std::string& signoff_id);

// One changed field in words.
struct FieldChange {
  std::string entity, type, type_label, title;  // title: the entry's title as signed
  std::string field, label;                     // label: the field's Dutch name
  bool old_known = false;                       // false: the sign-off carries no signed_content
  json old_value, new_value;                    // null: empty / cleared / not there
  json to_json() const;  // {"entity","type","type_label","title","field","label","old","new"}
  // Ervaring "Deeg gekneed": Notitie was "Deeg gekneed", nu "Deeg gekneed en gebakken".
  std::string words() const;
};

Result<std::vector<FieldChange>> signoff_field_changes(const EntityReader& replica,
                                                       const std::string& signoff_id);
// The changes of a list in one Dutch sentence per entry field, joined with "; ".
std::string changes_in_words(const std::vector<FieldChange>& changes);

}  // namespace werkex
