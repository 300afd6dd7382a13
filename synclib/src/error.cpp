#include "werkex/error.hpp"

namespace werkex {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case WX_OK:
      return "ok";
    case WX_INVALID_ARGUMENT:
      return "invalid_argument";
    case WX_NOT_FOUND:
      return "not_found";
    case WX_CONFLICT:
      return "conflict";
    case WX_PERMISSION_DENIED:
      return "permission_denied";
    case WX_IO:
      return "io";
    case WX_CORRUPT:
      return "corrupt";
    case WX_CLOCK_SKEW:
      return "clock_skew";
    case WX_UNAUTHENTICATED:
      return "unauthenticated";
    case WX_UNAVAILABLE:
      return "unavailable";
    case WX_TOO_LARGE:
      return "too_large";
    case WX_INTERNAL:
      return "internal";
    case WX_RATE_LIMITED:
      return "rate_limited";
    case WX_CLOSED:
      return "closed";
  }
  return "internal";
}

ErrorCode error_code_from_name(std::string_view name) {
  for (int c = WX_OK; c <= WX_ERROR_CODE_MAX; ++c)
    if (name == error_code_name(static_cast<ErrorCode>(c))) return static_cast<ErrorCode>(c);
  return WX_INTERNAL;
}

std::string Error::to_string() const {
  return std::string(error_code_name(code)) + ": " + message;
}

}  // namespace werkex
