// The people a device knows, found the way a person names them: staff type a pupil's name
// (or paste an id) where the data model needs a dossier bucket, and views show names where
// the data holds ids. Reads only the replica's `person` entities (the school bucket's roster
// as the server lets this device see it: a mentor holds her groups' pupils, a supervisor the
// pupils of her placements).
//
// Matching a name ignores case and surrounding spaces. An exact full name wins; otherwise a
// unique part of a name ("sem" for "Sem de Vries") does. Never a guess: a text that fits
// several pupils is refused, listing them so the person can choose.
#pragma once

#include <string>
#include <string_view>

#include "werkex/store.hpp"

namespace werkex {

// The id of the pupil `id_or_name` names. WX_NOT_FOUND when this device holds no such pupil
// (naming the text), WX_INVALID_ARGUMENT for an empty text or one that fits several pupils
// (naming them and their ids).
Result<std::string> find_pupil(const Replica& replica, std::string_view id_or_name);

// The bucket of that pupil's dossier ("pupil:<id>").
Result<std::string> pupil_bucket(const Replica& replica, std::string_view id_or_name);

// The name of person `id`, or "" when this device does not hold that person.
std::string person_name(const Replica& replica, std::string_view id);

}  // namespace werkex
