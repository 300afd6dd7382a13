// What a replica knows (Replica::knowledge) and what it leaves out of a bundle because the
// receiver knows it already (ChangeFilter::known). See store.hpp for the rule and why it is
// safe; the table `knowledge` holds one entry per other replica: every write of that replica
// up to `hlc` is reflected in this replica's states.
#include <algorithm>

#include "replica_impl.hpp"

namespace werkex {

namespace {

// The entry for `replica` in a list sorted by replica (nullptr if none).
const Stamp* entry_for(const std::vector<Stamp>& knows, uint64_t replica) {
  auto it = std::lower_bound(knows.begin(), knows.end(), replica,
                             [](const Stamp& e, uint64_t r) { return e.replica < r; });
  return it != knows.end() && it->replica == replica ? &*it : nullptr;
}

bool covered(const std::vector<Stamp>& knows, const Stamp& s) {
  if (s.is_zero()) return true;
  const Stamp* e = entry_for(knows, s.replica);
  return e && s.hlc <= e->hlc;
}

}  // namespace

bool known_to(const FieldState& s, const std::vector<Stamp>& knows) {
  // A set remove is not an event of its own: it moves the adds it saw into `removed`, with
  // no new stamp, so knowing every stamp of the state says nothing about having seen the
  // remove (the property test found this). Such states are always sent.
  if (knows.empty() || !s.removed.empty()) return false;
  auto all = [&](const std::vector<Stamp>& v) {
    return std::all_of(v.begin(), v.end(), [&](const Stamp& x) { return covered(knows, x); });
  };
  return covered(knows, s.stamp) && all(s.context) && all(s.adds) && all(s.removed) &&
         std::all_of(s.lost.begin(), s.lost.end(),
                     [&](const LostWrite& l) { return covered(knows, l.stamp); });
}

Result<std::vector<Stamp>> Replica::knowledge() const {
  Impl& impl = *impl_;
  std::vector<Stamp> out;
  WX_ASSIGN_OR_RETURN(auto cached, impl.db.cached("SELECT replica, hlc FROM knowledge UNION ALL "
                                                  "SELECT ?1, coalesce(max(hlc), 0) FROM changes"));
  sql::Stmt& st = *cached;
  // Its own writes: every one committed so far, by any process on this file, is at or below
  // the greatest hlc of the changes rows, and every later one is stamped above it (catch_up).
  st.bind(1, impl.replica_id);
  while (true) {
    WX_ASSIGN_OR_RETURN(bool row, st.step());
    if (!row) break;
    const Stamp e{Hlc{st.uint64(1)}, st.uint64(0)};
    if (e.hlc.value != 0) out.push_back(e);
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.replica < b.replica; });
  return out;
}

Status Replica::Impl::learn(const std::vector<Stamp>& knows) {
  for (const Stamp& e : knows) {
    if (e.replica == replica_id || e.hlc.value == 0) continue;
    WX_RETURN_IF_ERROR(put_knowledge.bind(1, e.replica).bind(2, e.hlc.value).run());
  }
  return Status::ok();
}

Status Replica::Impl::forget_knowledge() {
  return db.exec("DELETE FROM knowledge");
}

}  // namespace werkex
