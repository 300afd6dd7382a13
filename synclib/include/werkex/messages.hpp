// Messages for people: every error a person can read has a stable key (Msg, listed with its
// English and Dutch text in messages.def) and named arguments, so each interface shows it
// in the language its user chose — the CLI (--lang), the C ABI (the replica's "language"),
// the server (Accept-Language) — and an app can match the key rather than the words.
//
// Invariants: Error::message is always the English text (logs, tests, developers);
// localized_message renders the same key and arguments in another language. An error made
// without a key (an I/O failure, a bug) still has a Dutch text: a sentence for its code
// followed by the English detail. Rendering never fails: an argument that is missing leaves
// its placeholder visible rather than dropping words.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "werkex/error.hpp"
#include "werkex/labels.hpp"

namespace werkex {

enum class Msg {
#define WX_MESSAGE(key, en, nl) key,
#include "werkex/messages.def"
#undef WX_MESSAGE
};

// The stable key ("role_may_not_write_type").
const char* message_key(Msg msg);
std::optional<Msg> message_from_key(std::string_view key);
// Every message, for tests and documentation.
std::vector<Msg> all_messages();

// The text of `msg` in `lang` with `args` filled in (see messages.def for placeholders).
std::string render_message(Msg msg, const MessageArgs& args, Language lang);

// `args` followed by `more`.
MessageArgs with_args(MessageArgs args, MessageArgs more);
// An error whose message is `msg` in English, carrying its key and arguments.
Error error_of(ErrorCode code, Msg msg, MessageArgs args = {});
// The error's message for a person reading `lang`: its key rendered again, or for an error
// without a (known) key the Dutch sentence for its code and the English detail.
std::string localized_message(const Error& error, Language lang);
// The key an interface reports: the message key, or the code's name for an error without one.
std::string error_key(const Error& error);

}  // namespace werkex
