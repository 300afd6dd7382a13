// The Replica's local writes (put, create, remove, restore_lost). The entity engine judges
// and merges a put (entity_write.cpp: write_local); here the result is stored with a new
// sequence number and the entity's document rebuilt, in one transaction, as received bundles
// are (store_apply.cpp).
#include <algorithm>

#include "dossier_rules.hpp"
#include "replica_impl.hpp"
#include "werkex/ids.hpp"
#include "werkex/messages.hpp"

namespace werkex {

Result<std::string> Replica::put(const json& doc) {
  return impl_->write_doc(doc, false);
}

Result<std::string> Replica::create(const json& doc) {
  if (!doc.is_object() || !doc.contains("id") || !doc["id"].is_string() ||
      !is_valid_entity_id(doc["id"].get<std::string>()))
    return make_error(WX_INVALID_ARGUMENT, "create: needs an 'id' that is an entity id (UUID)");
  const std::string id = doc["id"].get<std::string>();
  WX_ASSIGN_OR_RETURN(auto found, impl_->load_header(id));
  if (found) return make_error(WX_CONFLICT, found->type + " " + id + " exists already");
  return impl_->write_doc(doc, true);
}

Result<std::string> Replica::Impl::write_doc(const json& doc, bool create_with_id) {
  // Read, stamp and write under the write lock: another process on this file may have
  // written since this replica last looked.
  WX_ASSIGN_OR_RETURN(auto tx, begin_write());
  LocalWriteContext cx{*schema, identity, clock, replica_id, *this};
  WX_ASSIGN_OR_RETURN(WrittenEntity written, write_local(cx, doc, create_with_id));
  auto& [h, fields] = written.entity;
  if (!written.changed) return h.id;
  WX_RETURN_IF_ERROR(store_entity(h, fields, StaleRows::defer));
  WX_RETURN_IF_ERROR(tx.commit());
  notify({{h.id, h.type, h.bucket, false}});
  return h.id;
}

Status Replica::remove_one(const std::string& id) {
  Impl& impl = *impl_;
  WX_ASSIGN_OR_RETURN(auto tx, impl.begin_write());
  LocalWriteContext cx{*impl.schema, impl.identity, impl.clock, impl.replica_id, impl};
  WX_ASSIGN_OR_RETURN(WrittenEntity gone, delete_local(cx, id));
  auto& [h, fields] = gone.entity;
  WX_RETURN_IF_ERROR(impl.store_entity(h, fields));
  WX_RETURN_IF_ERROR(tx.commit());
  impl.notify({{h.id, h.type, h.bucket, true}});
  return Status::ok();
}

Result<LostWrite> Replica::restore_lost(const std::string& id, const std::string& field,
                                        std::optional<uint64_t> from_replica) {
  WX_ASSIGN_OR_RETURN(auto fields, impl_->load_fields(id));
  auto it = fields.find({field, ""});
  MessageArgs where = {{"id", id}, {"field", field}};
  if (it == fields.end() || it->second.state.lost.empty())
    return error_of(WX_NOT_FOUND, Msg::no_lost_value, where);
  const std::vector<LostWrite>& lost = it->second.state.lost;
  const LostWrite* pick = &lost.back();  // the most recent, as "_conflicts" lists first
  if (from_replica) {
    auto l = std::find_if(lost.begin(), lost.end(),
                          [&](const LostWrite& w) { return w.stamp.replica == *from_replica; });
    if (l == lost.end())
      return error_of(WX_NOT_FOUND, Msg::no_lost_value_from,
                      with_args(where, {{"replica", replica_to_hex(*from_replica)}}));
    pick = &*l;
  }
  LostWrite restored = *pick;
  WX_RETURN_IF_ERROR(put({{"id", id}, {field, restored.value}}).status());
  return restored;
}

}  // namespace werkex
