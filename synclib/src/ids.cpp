#include "werkex/ids.hpp"

#include <sodium.h>

#include <cstdio>

namespace werkex {

uint64_t new_replica_id() {
  uint64_t id = 0;
  while (id == 0) randombytes_buf(&id, sizeof id);  // 0 means "no replica"
  return id;
}

std::string replica_to_hex(uint64_t replica) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, replica >>= 4) out[static_cast<size_t>(i)] = kHex[replica & 15];
  return out;
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::optional<uint64_t> replica_from_hex(std::string_view hex) {
  if (hex.size() != 16) return std::nullopt;
  uint64_t v = 0;
  for (char c : hex) {
    int d = hex_value(c);
    if (d < 0) return std::nullopt;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  return v;
}

std::string new_uuid_v7(uint64_t unix_millis) {
  unsigned char b[16];
  randombytes_buf(b + 6, 10);
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(unix_millis >> (8 * (5 - i)));
  b[6] = static_cast<unsigned char>(0x70 | (b[6] & 0x0f));  // version 7
  b[8] = static_cast<unsigned char>(0x80 | (b[8] & 0x3f));  // variant 10
  return uuid_from_bytes(b);
}

std::string uuid_from_bytes(const unsigned char (&bytes)[16]) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kDigits[bytes[i] >> 4]);
    s.push_back(kDigits[bytes[i] & 0xf]);
  }
  return s;
}

bool uuid_to_bytes(std::string_view id, unsigned char (&out)[16]) {
  if (!is_valid_entity_id(id)) return false;
  size_t at = 0;
  for (unsigned char& b : out) {
    if (id[at] == '-') ++at;
    b = static_cast<unsigned char>(hex_value(id[at]) * 16 + hex_value(id[at + 1]));
    at += 2;
  }
  return true;
}

bool is_valid_entity_id(std::string_view id) {
  if (id.size() != 36) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    bool dash = (i == 8 || i == 13 || i == 18 || i == 23);
    if (dash ? id[i] != '-' : hex_value(id[i]) < 0) return false;
  }
  return true;
}

}  // namespace werkex
