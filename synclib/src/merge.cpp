#include "werkex/merge.hpp"

#include <algorithm>

namespace werkex {

const char* merge_rule_name(MergeRule rule) {
  switch (rule) {
    case MergeRule::lww:
      return "lww";
    case MergeRule::once:
      return "once";
    case MergeRule::set:
      return "set";
  }
  return "lww";
}

std::optional<MergeRule> merge_rule_from_name(std::string_view name) {
  if (name == "lww") return MergeRule::lww;
  if (name == "once") return MergeRule::once;
  if (name == "set") return MergeRule::set;
  return std::nullopt;
}

bool FieldState::present() const {
  if (rule != MergeRule::set) return true;
  // Both vectors are sorted: an add survives if it is not in `removed`.
  return std::any_of(adds.begin(), adds.end(), [&](const Stamp& s) {
    return !std::binary_search(removed.begin(), removed.end(), s);
  });
}

Stamp FieldState::max_stamp() const {
  Stamp m = stamp;
  for (const Stamp& s : context)
    if (s > m) m = s;
  if (!adds.empty() && adds.back() > m) m = adds.back();
  if (!removed.empty() && removed.back() > m) m = removed.back();
  return m;
}

void FieldState::sort_stamps() {
  std::sort(context.begin(), context.end(),
            [](const Stamp& x, const Stamp& y) { return x.replica < y.replica; });
  std::sort(lost.begin(), lost.end(), [](auto& x, auto& y) { return x.stamp < y.stamp; });
  std::sort(adds.begin(), adds.end());
  std::sort(removed.begin(), removed.end());
}

static std::vector<Stamp> sorted_union(const std::vector<Stamp>& a, const std::vector<Stamp>& b) {
  std::vector<Stamp> out;
  out.reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

FieldState set_add(const FieldState& current, Stamp stamp) {
  FieldState s = current;
  s.rule = MergeRule::set;
  s.adds = sorted_union(current.adds, {stamp});
  return s;
}

FieldState set_remove(const FieldState& current) {
  // Observed-remove: only the adds this replica has seen are removed, so an add made
  // concurrently elsewhere survives (add wins).
  FieldState s = current;
  s.rule = MergeRule::set;
  s.removed = sorted_union(current.removed, current.adds);
  return s;
}

// The value kept when two writes carry the same stamp (only a forged bundle does that): the
// one whose JSON text sorts last, so the choice does not depend on arrival order.
static json later_value(const json& a, const json& b) {
  if (a == b) return a;
  return a.dump() < b.dump() ? b : a;
}

// ---- lww: a multi-value register with a causal context -----------------------------------
//
// Definition. Let S be a set of writes, each with a value, a stamp and the set hist(W) of
// writes its replica had received when W was made (W's own earlier writes included), and let
// S be causally closed (W in S implies hist(W) in S): that is what any replica holds. W is
// dominated in S iff some X in S has W in hist(X). The siblings max(S) are the writes not
// dominated; the winner is the highest sibling by stamp; lost = the other siblings; the
// context is dots(S) summarised per replica by its highest stamp. A replica's writes to a
// field each saw its previous ones, so dots(S) is down-closed per replica and the summary is
// exact: "the state has seen W" is context[W.replica] >= W.hlc. A write that saw another was
// stamped after observing it (HybridClock), so domination implies a higher stamp: the
// highest write of S is never dominated, and a sibling is at most one per replica.
//
// Merge. A sibling of one side survives iff the other side holds it too or has not seen it;
// contexts are joined per replica by max.
//
// Claim: the merge of the states of closed S1 and S2 is the state of S1 ∪ S2 (also closed).
// Proof: contexts: the union of down-closed sets is the per-replica max. Siblings: let W be a
// sibling of S1 (maximal there). If W is dominated in S1 ∪ S2, some X with W in hist(X) lies
// in S2 (not in S1: W is maximal there), so W in S2 by closure — seen by S2's context — and
// not maximal in S2, so not a sibling of S2: W is dropped. If W is maximal in S1 ∪ S2, then
// either W is not in S2 (S2's context has not seen it: kept) or W is in S2 and maximal there
// (a sibling of S2 too: kept). Symmetrically for S2's siblings, and a write maximal in
// S1 ∪ S2 is maximal in whichever S_i contains it. So the siblings are max(S1 ∪ S2). The
// result depends only on S1 ∪ S2, hence merge is commutative, associative and idempotent.
// This is the join of the causal-context "dot store" lattice (Almeida et al., delta-state
// CRDTs), so the laws hold for every state that passes normalise_register, history or not.
//
// The earlier rule (lost iff winner.base < W < winner, base = the stamp the winner replaced)
// dropped W when the winner's replica had written twice: the second write's base is the
// first, newer than W. The property tests compute lost writes from explicit histories.

namespace {

// Context entries are sorted by replica, one each.
const Stamp* context_entry(const std::vector<Stamp>& context, uint64_t replica) {
  auto it = std::lower_bound(context.begin(), context.end(), replica,
                             [](const Stamp& e, uint64_t r) { return e.replica < r; });
  return it != context.end() && it->replica == replica ? &*it : nullptr;
}

bool covers(const std::vector<Stamp>& context, Stamp dot) {
  const Stamp* e = context_entry(context, dot.replica);
  return e && e->hlc >= dot.hlc;
}

void put_entry(std::vector<Stamp>& context, Stamp dot) {
  auto it = std::lower_bound(context.begin(), context.end(), dot.replica,
                             [](const Stamp& e, uint64_t r) { return e.replica < r; });
  if (it != context.end() && it->replica == dot.replica) {
    if (it->hlc < dot.hlc) *it = dot;
  } else {
    context.insert(it, dot);
  }
}

std::vector<Stamp> join_contexts(const std::vector<Stamp>& a, const std::vector<Stamp>& b) {
  std::vector<Stamp> out;
  out.reserve(a.size() + b.size());
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && a[i].replica < b[j].replica)) {
      out.push_back(a[i++]);
    } else if (i == a.size() || b[j].replica < a[i].replica) {
      out.push_back(b[j++]);
    } else {
      out.push_back(a[i].hlc >= b[j].hlc ? a[i] : b[j]);
      ++i, ++j;
    }
  }
  return out;
}

// The winner and the lost writes, as one list sorted by stamp (empty for a blank state).
std::vector<LostWrite> siblings(const FieldState& s) {
  std::vector<LostWrite> out;
  if (s.stamp.is_zero()) return out;
  out.reserve(s.lost.size() + 1);
  out = s.lost;
  out.push_back({s.value, s.stamp});
  return out;
}

FieldState from_siblings(std::vector<LostWrite> kept, std::vector<Stamp> context) {
  std::sort(kept.begin(), kept.end(), [](auto& x, auto& y) { return x.stamp < y.stamp; });
  FieldState out;
  out.rule = MergeRule::lww;
  out.context = std::move(context);
  if (kept.empty()) return out;
  out.value = std::move(kept.back().value);
  out.stamp = kept.back().stamp;
  kept.pop_back();
  out.lost = std::move(kept);
  return out;
}

}  // namespace

static FieldState merge_lww(const FieldState& a, const FieldState& b) {
  if (a == b) return a;
  std::vector<LostWrite> sa = siblings(a), sb = siblings(b), kept;
  kept.reserve(sa.size() + sb.size());
  auto find = [](std::vector<LostWrite>& v, Stamp s) {
    auto it = std::find_if(v.begin(), v.end(), [&](auto& w) { return w.stamp == s; });
    return it == v.end() ? nullptr : &*it;
  };
  for (LostWrite& w : sa) {
    if (LostWrite* twin = find(sb, w.stamp))
      kept.push_back({later_value(w.value, twin->value), w.stamp});
    else if (!covers(b.context, w.stamp))
      kept.push_back(std::move(w));
  }
  for (LostWrite& w : sb)
    if (!find(sa, w.stamp) && !covers(a.context, w.stamp)) kept.push_back(std::move(w));
  if (kept.empty() && !(sa.empty() && sb.empty())) {
    // Only for states that fail normalise_register (each claims to have seen the other's
    // writes): keep the highest write rather than none.
    const FieldState& top = a.stamp > b.stamp ? a : b;
    kept.push_back({top.value, top.stamp});
  }
  return from_siblings(std::move(kept), join_contexts(a.context, b.context));
}

// Write-once: the lowest stamp among non-empty states, a semilattice (min).
static FieldState merge_once(const FieldState& a, const FieldState& b) {
  if (a.stamp.is_zero()) return b;
  if (b.stamp.is_zero()) return a;
  if (a.stamp == b.stamp) {
    FieldState out = a;
    out.value = later_value(a.value, b.value);
    return out;
  }
  return (b.stamp < a.stamp) ? b : a;
}

// Set element: union of adds and of removes, a semilattice.
static FieldState merge_set(const FieldState& a, const FieldState& b) {
  FieldState out;
  out.rule = MergeRule::set;
  out.adds = sorted_union(a.adds, b.adds);
  out.removed = sorted_union(a.removed, b.removed);
  return out;
}

FieldState register_write(const FieldState& current, json value, Stamp stamp) {
  FieldState s;
  s.rule = current.rule == MergeRule::once ? MergeRule::once : MergeRule::lww;
  s.value = std::move(value);
  s.stamp = stamp;
  if (s.rule == MergeRule::lww) {
    s.context = current.context;
    put_entry(s.context, stamp);
  }
  return s;
}

bool has_seen(const FieldState& state, Stamp dot) {
  switch (state.rule) {
    case MergeRule::lww:
      return covers(state.context, dot);
    case MergeRule::once:
      return state.stamp == dot;
    case MergeRule::set:
      return std::binary_search(state.adds.begin(), state.adds.end(), dot);
  }
  return false;
}

std::vector<Stamp> explicit_context(const FieldState& s) {
  std::vector<Stamp> out;
  for (const Stamp& e : s.context) {
    bool implied = e == s.stamp || std::any_of(s.lost.begin(), s.lost.end(),
                                               [&](const LostWrite& l) { return l.stamp == e; });
    if (!implied) out.push_back(e);
  }
  return out;
}

Status normalise_register(FieldState& s) {
  auto corrupt = [](const std::string& what) { return make_error(WX_CORRUPT, what); };
  if (s.rule == MergeRule::set) return corrupt("not a register");
  if (s.stamp.hlc.value == 0 || s.stamp.replica == 0)
    return corrupt("s: a write needs a non-zero hlc and replica");
  if (s.rule == MergeRule::once) {
    if (!s.context.empty() || !s.lost.empty()) return corrupt("a write-once field keeps one write");
    return Status::ok();
  }
  s.sort_stamps();
  std::vector<Stamp> given;
  for (const Stamp& e : s.context) {  // the siblings' own stamps may be given or left out
    bool implied = e == s.stamp || std::any_of(s.lost.begin(), s.lost.end(),
                                               [&](const LostWrite& l) { return l.stamp == e; });
    if (!implied) given.push_back(e);
  }
  s.context.clear();
  for (size_t i = 0; i < given.size(); ++i) {
    if (given[i].hlc.value == 0 || given[i].replica == 0) return corrupt("c: zero stamp");
    if (i && given[i].replica == given[i - 1].replica) return corrupt("c: a replica twice");
    if (!(given[i] < s.stamp)) return corrupt("c: an entry not below the winning write");
  }
  for (const LostWrite& l : s.lost) {
    if (l.stamp.hlc.value == 0 || l.stamp.replica == 0) return corrupt("l: zero stamp");
    if (!(l.stamp < s.stamp)) return corrupt("l: a lost write not below the winning write");
    if (context_entry(s.context, l.stamp.replica)) return corrupt("l: two writes of one replica");
    put_entry(s.context, l.stamp);
  }
  if (context_entry(s.context, s.stamp.replica)) return corrupt("l: two writes of one replica");
  put_entry(s.context, s.stamp);
  for (const Stamp& e : given) {
    if (context_entry(s.context, e.replica))
      return corrupt("c: names a replica that has a write in the state");
    put_entry(s.context, e);
  }
  return Status::ok();
}

FieldState merge(const FieldState& a, const FieldState& b) {
  switch (a.rule) {
    case MergeRule::lww:
      return merge_lww(a, b);
    case MergeRule::once:
      return merge_once(a, b);
    case MergeRule::set:
      return merge_set(a, b);
  }
  return a;
}

}  // namespace werkex
