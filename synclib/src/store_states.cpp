// Read-only views of the store: an entity's replicated field states (Replica::field_states)
// and the JSON form of what apply() reports.
#include "replica_impl.hpp"
#include "werkex/ids.hpp"
#include "werkex/messages.hpp"

namespace werkex {

Result<std::vector<Change>> Replica::field_states(const std::string& id) const {
  WX_ASSIGN_OR_RETURN(auto header, impl_->load_header(id));
  if (!header) return error_of(WX_NOT_FOUND, Msg::entity_not_found, {{"id", id}});
  WX_ASSIGN_OR_RETURN(EntityFields fields, impl_->load_fields(id));
  std::vector<Change> out;
  out.reserve(fields.size());
  append_changes(*header, std::move(fields), {}, out);
  return out;
}

json rejected_changes_json(const std::vector<RejectedChange>& rejected) {
  json out = json::array();
  for (const RejectedChange& r : rejected)
    out.push_back({{"entity", r.entity},
                   {"field", r.field},
                   {"code", error_code_name(r.error.code)},
                   {"message", r.error.message}});
  return out;
}

json ApplyReport::to_json() const {
  return {{"received", received},
          {"applied", applied},
          {"unchanged", unchanged},
          {"rejected", rejected_changes_json(rejected)}};
}

}  // namespace werkex
