// The store's format version and the migrations between versions. A file records the format
// it was written in (meta "store_format"); opening it with a newer build migrates it, step by
// step, all steps in one transaction, so a crash leaves it in its old format or the new one,
// never between. A file from a newer build than this one is refused (WX_CORRUPT, saying so) rather
// than read wrongly. History:
//   1  field states as JSON text
//   2  field states in the binary state codec, stamps whole (codec 2)
//   3  the same with a replica table and stamps as distances (codec 3, state_codec.hpp)
#pragma once

#include "replica_impl.hpp"

namespace werkex {

constexpr int kStoreFormat = 3;

// Stamps a new file with kStoreFormat, or brings an older one up to it. Call after the
// tables exist and before anything reads entity states.
Status settle_store_format(Replica::Impl& impl);

}  // namespace werkex
