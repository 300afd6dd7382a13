// Store format versions and migrations (see store_format.hpp).
#include "store_format.hpp"

#include "state_codec.hpp"

namespace werkex {

namespace {

// Reads every entity's state with `decode` and writes it back as encode_state() does today.
Status reencode_states(Replica::Impl& impl,
                       Result<EntityFields> (*decode)(std::string_view, const std::string&)) {
  WX_ASSIGN_OR_RETURN(auto read,
                      sql::Stmt::prepare(impl.db, "SELECT rowid, id, state FROM entities"));
  WX_ASSIGN_OR_RETURN(
      auto write, sql::Stmt::prepare(impl.db, "UPDATE entities SET state = ?2 WHERE rowid = ?1"));
  while (true) {
    WX_ASSIGN_OR_RETURN(bool row, read.step());
    if (!row) break;
    const std::string id(read.text(1));
    WX_ASSIGN_OR_RETURN(EntityFields fields, decode(read.text(2), id));
    WX_RETURN_IF_ERROR(write.bind(1, read.int64(0)).bind_blob(2, encode_state(fields)).run());
  }
  return Status::ok();
}

// 1 → 2: every entity's JSON state re-encoded in the binary codec (written as codec 3 now:
// step 2 → 3 then reads it as it is).
Status states_to_binary(Replica::Impl& impl) {
  return reencode_states(impl, decode_json_state);
}

// 2 → 3: each state's stamps as distances and replica indexes (state_codec.hpp).
Status states_to_stamp_table(Replica::Impl& impl) {
  return reencode_states(
      impl, [](std::string_view bytes, const std::string& id) { return decode_state(bytes, id); });
}

struct Migration {
  int from;
  Status (*run)(Replica::Impl&);
};
constexpr Migration kMigrations[] = {{1, states_to_binary}, {2, states_to_stamp_table}};

Result<int> stored_format(Replica::Impl& impl) {
  WX_ASSIGN_OR_RETURN(auto text, impl.meta("store_format"));
  if (!text) return 0;
  const int v = std::atoi(text->c_str());
  if (v < 1 || std::to_string(v) != *text)
    return make_error(WX_CORRUPT,
                      "'" + impl.path + "': store format '" + *text + "' is not a version");
  return v;
}

}  // namespace

Status settle_store_format(Replica::Impl& impl) {
  WX_ASSIGN_OR_RETURN(int format, stored_format(impl));
  if (format == kStoreFormat) return Status::ok();
  if (format > kStoreFormat)
    return make_error(WX_CORRUPT,
                      "'" + impl.path + "' has store format " + std::to_string(format) +
                          ", written by a newer werkex; this build reads formats up to " +
                          std::to_string(kStoreFormat));
  // Another process may be opening the same file: whoever takes the lock first migrates.
  WX_ASSIGN_OR_RETURN(auto tx, sql::Transaction::begin(impl.db));
  WX_ASSIGN_OR_RETURN(format, stored_format(impl));
  if (format == 0) {
    // A file without a format is new (or from before formats were recorded, which wrote
    // format 1's JSON states: an empty store is the same in every format).
    WX_ASSIGN_OR_RETURN(auto any, sql::Stmt::prepare(impl.db, "SELECT 1 FROM entities LIMIT 1"));
    WX_ASSIGN_OR_RETURN(bool has_entities, any.step());
    format = has_entities ? 1 : kStoreFormat;
  }
  for (const Migration& m : kMigrations)
    if (m.from == format && format < kStoreFormat) {
      WX_RETURN_IF_ERROR(m.run(impl));
      format = m.from + 1;
    }
  if (format != kStoreFormat)
    return make_error(WX_INTERNAL, "no migration from store format " + std::to_string(format));
  WX_RETURN_IF_ERROR(impl.set_meta("store_format", std::to_string(kStoreFormat)));
  return tx.commit();
}

}  // namespace werkex
