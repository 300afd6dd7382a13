// The exit codes of the tools (werkex, werkex-admin), in one place:
//   0                 success
//   2                 usage: unknown command or option, a missing or bad value
//   3, 4, 5           werkex-admin nightly only: bad input (nothing applied), a partly failed
//                     export (the other steps ran), the server unreachable
//   10 + error code   any other error, by its werkex code (error_codes.h): 11 invalid_argument,
//                     12 not_found, 13 conflict, 14 permission_denied, 15 io, 16 corrupt,
//                     17 clock_skew, 18 unauthenticated, 19 unavailable, 20 too_large,
//                     21 internal, 22 rate_limited, 23 closed
// The README's tables say the same; `werkex help` prints the last rows from exit_code_for.
#pragma once

#include "werkex/error.hpp"

namespace werkex::tools {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitBadInput = 3;
inline constexpr int kExitPartlyFailed = 4;
inline constexpr int kExitUnreachable = 5;
inline constexpr int kExitLibraryBase = 10;

// The exit code of a failure with `code`: 10 + the code.
constexpr int exit_code_for(ErrorCode code) {
  return kExitLibraryBase + static_cast<int>(code);
}

}  // namespace werkex::tools
