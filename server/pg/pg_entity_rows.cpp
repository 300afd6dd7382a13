#include "pg_entity_rows.hpp"

#include <algorithm>

namespace werkex::server::pg {

namespace {

// A row of `SELECT id, type, bucket, deleted, state`: the entity (fields empty for a
// placeholder, whose state is empty).
Result<StoredEntity> entity_of(const Rows& rows, int r) {
  StoredEntity e;
  e.first = EntityHeader{std::string(rows.text(r, 0)), std::string(rows.text(r, 1)),
                         std::string(rows.text(r, 2)), rows.text(r, 3) == "t", 1};
  WX_ASSIGN_OR_RETURN(std::string state, rows.bytes(r, 4));
  if (!state.empty()) {
    WX_ASSIGN_OR_RETURN(e.second, decode_state(state, e.first.id));
  }
  return e;
}

constexpr const char* kSelectEntity = "SELECT id, type, bucket, deleted, state FROM entities";

}  // namespace

std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const std::string& s : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

Result<std::optional<StoredEntity>> load_entity(Conn& conn, const std::string& id,
                                                bool for_update) {
  std::string sql = std::string(kSelectEntity) + " WHERE id = $1";
  if (for_update) sql += " FOR UPDATE";
  WX_ASSIGN_OR_RETURN(auto rows, conn.exec(sql, {id}));
  if (rows.empty()) return std::optional<StoredEntity>();
  WX_ASSIGN_OR_RETURN(auto e, entity_of(rows, 0));
  return std::optional<StoredEntity>(std::move(e));
}

Result<std::optional<EntityHeader>> load_header(Conn& conn, const std::string& id) {
  WX_ASSIGN_OR_RETURN(
      auto rows,
      conn.exec("SELECT type, bucket, deleted FROM entities WHERE id = $1 AND state <> ''", {id}));
  if (rows.empty()) return std::optional<EntityHeader>();
  return std::optional<EntityHeader>(EntityHeader{
      id, std::string(rows.text(0, 0)), std::string(rows.text(0, 1)), rows.text(0, 2) == "t", 1});
}

Result<LockedForPush> lock_for_push(Conn& conn, std::vector<EntityHeader> wanted) {
  std::sort(wanted.begin(), wanted.end(),
            [](const EntityHeader& a, const EntityHeader& b) { return a.id < b.id; });
  std::vector<std::string> ids, types, buckets;
  for (const EntityHeader& h : wanted) {
    ids.push_back(h.id);
    types.push_back(h.type);
    buckets.push_back(h.bucket);
  }
  LockedForPush out;
  // The placeholders, in id order (ORDER BY in the INSERT's SELECT fixes the order rows are
  // inserted and their index entries taken).
  WX_ASSIGN_OR_RETURN(
      auto made,
      conn.exec("INSERT INTO entities(id, type, bucket, state, doc) "
                "SELECT id, type, bucket, '', '' FROM unnest($1::text[], $2::text[], $3::text[]) "
                "AS w(id, type, bucket) ORDER BY id ON CONFLICT (id) DO NOTHING RETURNING id",
                {text_array(ids), text_array(types), text_array(buckets)}));
  for (int r = 0; r < made.size(); ++r) out.made.emplace_back(made.text(r, 0));
  WX_ASSIGN_OR_RETURN(auto rows, conn.exec(std::string(kSelectEntity) +
                                               " WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE",
                                           {text_array(ids)}));
  for (int r = 0; r < rows.size(); ++r) {
    WX_ASSIGN_OR_RETURN(auto e, entity_of(rows, r));
    std::string id = e.first.id;
    out.entities.emplace_back(std::move(id), std::move(e));
  }
  return out;
}

Status drop_placeholders(Conn& conn, const std::vector<std::string>& ids) {
  if (ids.empty()) return Status::ok();
  return conn
      .exec("DELETE FROM entities WHERE id = ANY($1::text[]) AND state = ''", {text_array(ids)})
      .status();
}

Status store_entity(Conn& conn, StoredEntity& entity, uint64_t cursor, bool from_server) {
  auto& [h, fields] = entity;
  const SeqTaken taken = take_seq(fields, cursor);
  const std::string state = encode_state(fields);
  const std::string doc = build_doc_text(h, fields);
  if (h.rowid == 0) {
    WX_RETURN_IF_ERROR(conn.exec("INSERT INTO entities(id, type, bucket, deleted, state, doc) "
                                 "VALUES($1, $2, $3, $4, $5, $6)",
                                 {h.id, h.type, h.bucket, h.deleted, Param::bytes(state), doc})
                           .status());
    h.rowid = 1;
  } else {
    WX_RETURN_IF_ERROR(
        conn.exec("UPDATE entities SET deleted = $2, state = $3, doc = $4 WHERE id = $1",
                  {h.id, h.deleted, Param::bytes(state), doc})
            .status());
  }
  WX_RETURN_IF_ERROR(conn.exec("INSERT INTO changes(cursor, entity, bucket, hlc, from_server) "
                               "VALUES($1, $2, $3, $4, $5)",
                               {cursor, h.id, h.bucket, taken.top.value, from_server})
                         .status());
  // A cursor no field carries any more has nothing left to send.
  if (taken.no_longer_carried.empty()) return Status::ok();
  std::vector<std::string> cursors;
  for (uint64_t c : taken.no_longer_carried) cursors.push_back(std::to_string(c));
  return conn.exec("DELETE FROM changes WHERE cursor = ANY($1::bigint[])", {text_array(cursors)})
      .status();
}

}  // namespace werkex::server::pg
