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

}  // namespace werkex
