// How bytes and text are encoded in the exported files: base64 for binary data inside JSON
// and HTML, HTML escaping for every piece of text a person typed.
//
// Invariant: html_escape() output can be placed in element content and in a quoted attribute
// value and is shown as the same text; it never opens a tag, an entity or an attribute.
// Invalid UTF-8 (which the store never holds) becomes U+FFFD rather than passing through.
#pragma once

#include <string>
#include <string_view>

namespace werkex::exporter {

// Standard base64 (RFC 4648, alphabet + and /) with padding.
std::string base64(std::string_view bytes);
// Decodes standard base64 with padding into `bytes`; false (and `bytes` empty) on bad input.
bool base64_decode(std::string_view text, std::string& bytes);

// Escapes & < > " ' as character references.
std::string html_escape(std::string_view text);

}  // namespace werkex::exporter
