// Base64 (libsodium) and HTML escaping (encoding.hpp).
#include "encoding.hpp"

#include <sodium.h>

#include "werkex/schema.hpp"

namespace werkex::exporter {

std::string base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL sodium writes
  return out;
}

bool base64_decode(std::string_view text, std::string& bytes) {
  bytes.assign(text.size() / 4 * 3 + 3, '\0');
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), text.data(),
                        text.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    bytes.clear();
    return false;
  }
  bytes.resize(length);
  return true;
}

std::string html_escape(std::string_view text) {
  // Invalid UTF-8 would let a browser guess an encoding: replace it the way json does.
  std::string checked;
  if (!is_valid_utf8(text)) {
    checked = json(std::string(text)).dump(-1, ' ', false, json::error_handler_t::replace);
    checked = json::parse(checked, nullptr, false).get<std::string>();
    text = checked;
  }
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace werkex::exporter
