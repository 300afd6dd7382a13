// The words people read for the data model's names: entry types, fields and roles, in Dutch
// and English. Error messages (messages.hpp), the sign-off words and the staff pages use
// these, so a type is called the same everywhere. Enum values carry their labels in the
// schema itself (Schema::enum_label), since apps show them as choices.
//
// Invariants: pure functions; an unknown name falls back to the name itself, never to "".
#pragma once

#include <string>
#include <string_view>

namespace werkex {

enum class Language { en, nl };

// "nl" or "en" from a language tag or list: "nl", "nl-NL", "nl_NL.UTF-8", or an HTTP
// Accept-Language value ("en-GB,nl;q=0.8" picks the first supported one). `fallback` when
// none of them is Dutch or English.
Language language_from_tag(std::string_view tag, Language fallback);
const char* language_name(Language lang);

// "ervaring" / "experience" (lower case, for use inside a sentence).
std::string type_word(std::string_view type, Language lang);
// "een ervaring" / "an experience".
std::string type_with_article(std::string_view type, Language lang);
// "de nieuwe ervaring" / "the new experience".
std::string new_type_phrase(std::string_view type, Language lang);
// Dutch: the label of the field ("Emotie"); English: the field's own name ("emotion").
std::string field_word(std::string_view type, std::string_view field, Language lang);
// "leerling" / "pupil".
std::string role_word(std::string_view role, Language lang);
// "een leerling" / "a pupil", "an admin".
std::string role_with_article(std::string_view role, Language lang);

}  // namespace werkex
