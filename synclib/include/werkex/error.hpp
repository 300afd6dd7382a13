// Error, Status and Result<T>: how every fallible werkex call reports failure.
//
// synclib never lets an exception escape its public API: a call returns Status (success or
// an Error) or Result<T> (a value or an Error). An Error is a code from error_codes.h plus a
// message for a person, naming what was wrong ("experience 0190…: field 'emotion': expected
// one of trots, boos, …; got \"happy\""), and, for errors people see, a catalogue key and
// arguments so the same message can be shown in Dutch (messages.hpp). Success is cheap: no
// allocation.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "werkex/error_codes.h"

namespace werkex {

using ErrorCode = wx_error_code;

// A short, stable name for a code ("invalid_argument"), used in JSON error bodies and logs.
const char* error_code_name(ErrorCode code);
// The code with that name; WX_INTERNAL for a name this build does not know.
ErrorCode error_code_from_name(std::string_view name);

// Named values a message is built from ({"type", "experience"}, {"id", "0190…"}); see
// messages.hpp, which renders them in Dutch or English.
using MessageArgs = std::vector<std::pair<std::string, std::string>>;

struct Error {
  Error() = default;
  Error(ErrorCode c, std::string m, std::string k = {}, MessageArgs a = {})
      : code(c), message(std::move(m)), key(std::move(k)), args(std::move(a)) {}

  ErrorCode code = WX_INTERNAL;
  std::string message;  // English, for people and logs
  std::string key;      // the catalogue key (messages.def); "" for an error without one
  MessageArgs args;     // what the message names, for rendering it in another language

  std::string to_string() const;
  // Whether retrying the same call later may succeed (network down, server busy).
  bool is_transient() const { return code == WX_UNAVAILABLE || code == WX_RATE_LIMITED; }
};

inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  static Status ok() { return Status(); }
  bool is_ok() const { return !error_.has_value(); }
  explicit operator bool() const { return is_ok(); }
  const Error& error() const { return *error_; }
  ErrorCode code() const { return error_ ? error_->code : WX_OK; }

 private:
  std::optional<Error> error_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool is_ok() const { return v_.index() == 0; }
  explicit operator bool() const { return is_ok(); }
  const T& value() const& {
    assert(is_ok());
    return std::get<0>(v_);
  }
  T& value() & {
    assert(is_ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(is_ok());
    return std::get<0>(std::move(v_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const Error& error() const {
    assert(!is_ok());
    return std::get<1>(v_);
  }
  Status status() const { return is_ok() ? Status() : Status(error()); }
  ErrorCode code() const { return is_ok() ? WX_OK : error().code; }

 private:
  std::variant<T, Error> v_;
};

}  // namespace werkex

// Early return on failure, keeping the original error.
#define WX_RETURN_IF_ERROR(expr)                \
  do {                                          \
    auto wx_status_ = (expr);                   \
    if (!wx_status_) return wx_status_.error(); \
  } while (0)

#define WX_CONCAT_INNER_(a, b) a##b
#define WX_CONCAT_(a, b) WX_CONCAT_INNER_(a, b)
#define WX_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp) return tmp.error();                   \
  lhs = std::move(tmp).value()
// `WX_ASSIGN_OR_RETURN(auto x, f());` binds x to f()'s value or returns its error. It expands
// to several statements: after an if or for, put it in braces.
#define WX_ASSIGN_OR_RETURN(lhs, expr) \
  WX_ASSIGN_OR_RETURN_IMPL_(WX_CONCAT_(wx_result_, __LINE__), lhs, expr)
