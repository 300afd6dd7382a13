// Identifiers made offline: replica ids and UUIDv7 entity ids.
//
// A replica id is 64 random bits (libsodium), fixed when a replica's database is created; it
// breaks ties between equal HLCs. Entity ids are UUIDv7 (RFC 9562): 48 bits of milliseconds
// then 74 random bits, so ids made on different phones never collide and sort by creation
// time. Both need sodium_init() to have succeeded; Replica::open ensures it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace werkex {

uint64_t new_replica_id();
std::string replica_to_hex(uint64_t replica);  // 16 lowercase hex digits
std::optional<uint64_t> replica_from_hex(std::string_view hex);

std::string new_uuid_v7(uint64_t unix_millis);
// Whether `id` is a canonical lowercase UUID string (any version): 8-4-4-4-12 hex digits.
bool is_valid_entity_id(std::string_view id);

// A UUID's 16 bytes and its canonical text. uuid_to_bytes packs an id that
// is_valid_entity_id accepts into `out` and returns true; for any other string it returns
// false and leaves `out` as it was. uuid_from_bytes is its inverse: lowercase 8-4-4-4-12.
// Neither allocates beyond the returned string.
bool uuid_to_bytes(std::string_view id, unsigned char (&out)[16]);
std::string uuid_from_bytes(const unsigned char (&bytes)[16]);

}  // namespace werkex
