// Which sign-offs count for hours, and which replaced which (signoff_count.hpp).
#include "werkex/signoff_count.hpp"

#include <algorithm>

#include "signoff_util.hpp"

namespace werkex {

namespace so = signoff_detail;

namespace {

// Whether `later` could replace `earlier` by its fields alone (the status is checked after).
bool replaces(const json& later, const json& earlier) {
  for (const char* k : {"placement", "bucket", "signer", "statement_date"})
    if (so::str(later, k) != so::str(earlier, k)) return false;
  if (so::str(later, "id") == so::str(earlier, "id")) return false;
  auto a = std::make_pair(so::str(later, "signed_at"), so::str(later, "id"));
  auto b = std::make_pair(so::str(earlier, "signed_at"), so::str(earlier, "id"));
  if (!(a > b)) return false;
  std::vector<std::string> theirs = so::covers_of(later), mine = so::covers_of(earlier);
  return std::includes(theirs.begin(), theirs.end(), mine.begin(), mine.end());
}

double hours_of(const json& s) {
  auto it = s.find("hours");
  return it != s.end() && it->is_number() ? it->get<double>() : 0.0;
}

}  // namespace

bool counts_for_hours(SignoffState state) {
  return state == SignoffState::valid;
}

Result<std::optional<std::string>> superseding_signoff(const EntityReader& replica,
                                                       const std::string& signoff_id) {
  WX_ASSIGN_OR_RETURN(json doc, replica.get(signoff_id));
  Query q = Query::where("signoff", so::str(doc, "bucket"), "placement", so::str(doc, "placement"));
  WX_ASSIGN_OR_RETURN(auto siblings, replica.list(q));
  // Newest first, so the answer is the latest replacement.
  std::sort(siblings.begin(), siblings.end(), [](const json& a, const json& b) {
    return std::make_pair(so::str(a, "signed_at"), so::str(a, "id")) >
           std::make_pair(so::str(b, "signed_at"), so::str(b, "id"));
  });
  for (const json& t : siblings) {
    if (!replaces(t, doc)) continue;
    WX_ASSIGN_OR_RETURN(SignoffStatus st, so::own_status(replica, so::str(t, "id")));
    if (st.state == SignoffState::valid || st.state == SignoffState::stale)
      return std::optional<std::string>(so::str(t, "id"));
  }
  return std::optional<std::string>();
}

Result<std::vector<std::string>> counting_signoffs(const EntityReader& replica,
                                                   const std::string& placement_id) {
  WX_ASSIGN_OR_RETURN(auto all,
                      replica.list(Query::where("signoff", "", "placement", placement_id)));
  std::sort(all.begin(), all.end(), [](const json& a, const json& b) {
    return std::make_pair(so::str(a, "statement_date"), so::str(a, "id")) <
           std::make_pair(so::str(b, "statement_date"), so::str(b, "id"));
  });
  std::vector<std::string> out;
  for (const json& s : all) {
    WX_ASSIGN_OR_RETURN(SignoffStatus st, signoff_status(replica, so::str(s, "id")));
    if (counts_for_hours(st.state)) out.push_back(so::str(s, "id"));
  }
  return out;
}

Result<double> placement_hours(const EntityReader& replica, const std::string& placement_id) {
  WX_ASSIGN_OR_RETURN(auto ids, counting_signoffs(replica, placement_id));
  double total = 0;
  for (const std::string& id : ids) {
    WX_ASSIGN_OR_RETURN(json s, replica.get(id));
    total += hours_of(s);
  }
  return total;
}

double signed_hours(const json& reported, const std::string& placement_id) {
  double total = 0;
  if (!reported.is_array()) return total;
  for (const json& s : reported)
    if (so::str(s, "placement") == placement_id &&
        so::str(s, "status") == signoff_state_name(SignoffState::valid))
      total += hours_of(s);
  return total;
}

}  // namespace werkex
