// The secrets of both AuthStore engines (auth_codes.hpp).
#include "auth_codes.hpp"

#include <sodium.h>

#include <algorithm>

namespace werkex::server {

namespace {

// Unambiguous when read aloud or typed from paper: no 0/O, 1/I/L.
constexpr char kCodeAlphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

std::string hex_of(const unsigned char* data, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, n);
  out.pop_back();
  return out;
}

}  // namespace

std::string random_enrolment_code(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i)
    out += kCodeAlphabet[randombytes_uniform(sizeof kCodeAlphabet - 1)];
  return out;
}

Error refused_enrolment_code() {
  return make_error(WX_UNAUTHENTICATED, "this enrolment code is unknown, used or expired");
}

std::string random_code_secret() {
  unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
  randombytes_buf(key, sizeof key);
  std::string secret = hex_of(key, sizeof key);
  sodium_memzero(key, sizeof key);
  return secret;
}

std::string signoff_code_hmac(const std::string& secret_hex, const std::string& code) {
  unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
  size_t len = 0;
  if (sodium_hex2bin(key, sizeof key, secret_hex.data(), secret_hex.size(), nullptr, &len,
                     nullptr) != 0 ||
      len != sizeof key)
    return "";
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(code.data()), code.size(),
                         key);
  sodium_memzero(key, sizeof key);
  return hex_of(mac, sizeof mac);
}

namespace {

constexpr size_t kMinPassword = 10;
constexpr size_t kMaxPassword = 200;

}  // namespace

Result<std::string> hash_staff_password(const std::string& password) {
  if (password.size() < kMinPassword)
    return make_error(WX_INVALID_ARGUMENT, "een wachtwoord heeft minstens 10 tekens");
  if (password.size() > kMaxPassword)
    return make_error(WX_INVALID_ARGUMENT, "een wachtwoord heeft hoogstens 200 tekens");
  char hashed[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hashed, password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return make_error(WX_UNAVAILABLE, "not enough memory to hash the password; try again");
  return std::string(hashed);
}

Result<bool> verify_staff_password(const std::string& stored, const std::string& password) {
  if (stored.empty() || password.size() > kMaxPassword) {
    // Spend the time a check takes, so a guesser cannot tell who has a password.
    static const std::string dummy = [] {
      char h[crypto_pwhash_STRBYTES];
      if (crypto_pwhash_str(h, "werkex-dummy", 12, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return std::string();
      return std::string(h);
    }();
    if (!dummy.empty() && crypto_pwhash_str_verify(dummy.c_str(), password.data(),
                                                   std::min(password.size(), kMaxPassword)) == 0)
      return make_error(WX_INTERNAL, "the dummy password matched");
    return false;
  }
  return crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) == 0;
}

}  // namespace werkex::server
