// The stored form of an entity's field states (the `state` column): a compact binary
// encoding read on every write of the entity, every change sent and every change applied.
// One encoder, one decoder, both here. Invariants: decode(encode(f)) == f for every
// EntityFields the store holds (rules, values, stamps, lost writes, full causal context, set
// adds/removes, seqs); the bytes depend on the states alone (fields in map order), so equal
// states are equal bytes; a damaged or truncated blob is WX_CORRUPT, never a crash.
//
// Layout (varint = LEB128, u64 = 8 bytes little-endian), codec 3 (store format 3):
//   state  := 0x03 varint(replica count) u64(replica)* u64(top) varint(field count) field*
//   field  := str(name) u8(rule) varint(seq) body
//   body   := set: str(element key) stamps(adds) stamps(removed)
//           | lww/once: value stamp varint(lost count) (value stamp)* stamps(context)
//   value  := u8 tag (0 null, 1 false, 2 true, 3 str, 4 zigzag varint, 5 varint, 6 double
//             u64, 7 str(JSON text) for arrays and objects)
//   stamp  := varint(top - hlc) varint(index into the replica table)
//   stamps := varint(count) stamp*;  str := varint(n) bytes
// `top` is the highest clock of any stamp in the state; the replica table lists each replica
// a stamp names once, in the order the fields first name them. Codec 2 (store format 2) had
// no table and wrote each stamp as u64(hlc) u64(replica); decode_state() still reads it, for
// the migration.
#pragma once

#include <string>
#include <string_view>

#include "replica_impl.hpp"

namespace werkex {

// The first byte of every binary state this build writes; codec 2's began 0x02 and a JSON
// state (store format 1) begins with '['.
constexpr unsigned char kStateCodecVersion = 0x03;

// encode_state() and decode_state() are declared in werkex/entity_engine.hpp. decode_state
// reads what encode_state() made, or codec 2 (WX_CORRUPT, naming the entity `id`, if it is
// damaged); with `only_seq`, only the fields carrying that seq are built, the others are read
// past (what changes_since needs of each change row).
// Decodes the JSON state of store format 1 (kept for the migration to format 2).
Result<EntityFields> decode_json_state(std::string_view text, const std::string& id);

}  // namespace werkex
