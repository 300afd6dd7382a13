// The words a pupil or supervisor reads about signed entries: Dutch names of the entry types
// and of their fields, a short title of an entry, and a value as text. Shared by the sign
// preview, the stale explanation and the edit warning, so all three say the same thing.
//
// Invariants: pure functions of their arguments (no replica, no clock); an unknown type or
// field falls back to its code name, never to "". `fields` is an entry's flat values
// ({"note": "...", ...}), as Replica::get returns them or as canonical content "v" values.
#pragma once

#include <string>

#include "werkex/merge.hpp"  // json

namespace werkex {

// "Ervaring", "Activiteit", ... ; the type itself when it has no Dutch name here.
std::string entry_type_label(const std::string& type);
// "Notitie", "Titel", ... ; the field itself when it has no Dutch name here.
std::string field_label(const std::string& type, const std::string& field);
// The entry's own title (an activity's title, an experience's note, ...), first line only and
// at most 60 characters (cut at a UTF-8 boundary, with "…"); "" when it has none.
std::string entry_title(const std::string& type, const json& fields);
// A value as a person reads it: text as is, true/false as ja/nee, a set joined with ", ",
// null as "(leeg)".
std::string value_text(const json& value);
// An entry's dates worth showing ({"occurred_at": "..."} etc.), field -> value.
json entry_dates(const json& fields);

}  // namespace werkex
