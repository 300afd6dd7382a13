// Replica::undelete: the tombstone written back to false (werkex/trash.hpp says why that
// converges). The same checks as a delete (store_write.cpp): who may delete an entity may
// bring it back.
#include <algorithm>

#include "replica_impl.hpp"
#include "werkex/messages.hpp"

namespace werkex {

Status Replica::undelete(const std::string& id) {
  Impl& impl = *impl_;
  WX_ASSIGN_OR_RETURN(auto tx, impl.begin_write());
  WX_ASSIGN_OR_RETURN(auto h, impl.load_header(id));
  if (!h) return error_of(WX_NOT_FOUND, Msg::entity_not_found, {{"id", id}});
  if (!h->deleted)
    return error_of(WX_CONFLICT, Msg::entity_not_deleted, {{"type", h->type}, {"id", id}});
  const TypeSpec* t = impl.schema->type(h->type);
  const std::string& role = impl.identity.role;
  if (!t || role.empty() ||
      std::find(t->write_roles.begin(), t->write_roles.end(), role) == t->write_roles.end())
    return error_of(WX_PERMISSION_DENIED, Msg::role_may_not_restore,
                    {{"role", role}, {"type", h->type}});
  if (role == "pupil" && t->bucket == BucketKind::pupil && h->bucket != impl.identity.bucket)
    return error_of(WX_PERMISSION_DENIED, Msg::pupil_restores_own);
  WX_ASSIGN_OR_RETURN(auto fields, impl.load_fields(id));
  auto it = fields.find({"deleted", ""});
  FieldState current = it == fields.end() ? empty_state(MergeRule::lww) : it->second.state;
  // A new write that has seen the delete: it wins over it everywhere (merge.hpp).
  WX_RETURN_IF_ERROR(merge_into(fields, "deleted", json(),
                                register_write(current, false, {impl.clock.now(), impl.replica_id}))
                         .status());
  h->deleted = is_deleted(fields);
  WX_RETURN_IF_ERROR(impl.store_entity(*h, fields));
  WX_RETURN_IF_ERROR(tx.commit());
  impl.notify({{h->id, h->type, h->bucket, h->deleted}});
  return Status::ok();
}

}  // namespace werkex
