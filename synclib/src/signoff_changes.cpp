// Fields changed after signing (signoff_changes.hpp), on the stamps signoff_status() reads.
#include "werkex/signoff_changes.hpp"

#include "signoff_util.hpp"
#include "werkex/signoff.hpp"

namespace werkex {

Result<std::vector<ChangedEntry>> signoff_changed_fields(const Replica& replica,
                                                         const std::string& signoff_id) {
  namespace so = signoff_detail;
  WX_ASSIGN_OR_RETURN(json doc, replica.get(signoff_id));
  if (so::str(doc, "type") != "signoff")
    return make_error(WX_INVALID_ARGUMENT, signoff_id + " is not a signoff");
  std::vector<json> contents;
  for (const std::string& id : so::covers_of(doc)) {
    auto c = canonical_content(replica, id);
    if (!c && c.error().code != WX_NOT_FOUND) return c.error();
    if (c) contents.push_back(std::move(c).value());
  }
  WX_ASSIGN_OR_RETURN(auto own, replica.field_states(signoff_id));
  std::vector<ChangedEntry> out;
  for (auto& [id, fields] : so::changed_after(own, contents, replica))
    out.push_back({id, std::move(fields)});
  return out;
}

}  // namespace werkex
