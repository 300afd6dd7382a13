// The secrets both AuthStore engines make and check, in one place so SQLite and PostgreSQL
// cannot drift apart: enrolment codes (typed by people, so from an alphabet without 0/O and
// 1/I/L), the refusal every wrong enrolment code gets (one message for unknown, used and
// expired: a guesser learns nothing), staff passwords' hashes and their checks, and the
// sign-off codes' HMAC under a per-placement secret. Random bytes are libsodium's.
#pragma once

#include <cstddef>
#include <string>

#include "werkex/error.hpp"

namespace werkex::server {

// A random enrolment code of `n` characters.
std::string random_enrolment_code(size_t n);
// The one answer for an unknown, used or expired enrolment code.
Error refused_enrolment_code();
// A fresh random per-placement secret for sign-off codes (64 hex digits).
std::string random_code_secret();
// A staff password's hash string (libsodium's Argon2id); WX_INVALID_ARGUMENT, in Dutch for
// the person typing it, for one under 10 or over 200 characters.
Result<std::string> hash_staff_password(const std::string& password);
// Whether `password` matches `stored` (a hash_staff_password() string; "" when the person has
// none: the time a check takes is spent anyway, so a guesser cannot tell who has one).
Result<bool> verify_staff_password(const std::string& stored, const std::string& password);
// HMAC-SHA256 of a sign-off code under the placement's secret (64 hex); "" for a damaged
// secret (no code then matches).
std::string signoff_code_hmac(const std::string& secret_hex, const std::string& code);

}  // namespace werkex::server
