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
  if (lost && lost->stamp > m) m = lost->stamp;
  if (!adds.empty() && adds.back() > m) m = adds.back();
  if (!removed.empty() && removed.back() > m) m = removed.back();
  return m;
}

FieldState lww_write(json value, Stamp stamp, Stamp base) {
  FieldState s;
  s.rule = MergeRule::lww;
  s.value = std::move(value);
  s.stamp = stamp;
  s.base = base;
  return s;
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

// Last-writer-wins with the visible loser.
//
// Definition: over a set S of writes (each with value, stamp and base), the state is
// winner V = max(S) by stamp, and lost = max{ W in S : V.base < W.stamp < V.stamp } (W was
// overwritten by V although V's replica had not seen it).
//
// Claim: merging states computed from S1 and S2 this way gives the state of S1 ∪ S2.
// Proof: let V1 = max(S1), V2 = max(S2) and, without loss of generality, V1 >= V2, so
// V = V1. The lost write of S1 ∪ S2 is the higher of (a) the best candidate in S1, which is
// L1 by definition, and (b) the best candidate in S2. For (b): if V2 = V1 it is the same
// write (stamps are unique), and S2's candidates against V1 are exactly those against V2,
// whose max is L2. If V2 < V1 then either V2 > V1.base, so V2 itself passes and, being
// max(S2), is the best in S2; or V2 <= V1.base, so every write in S2 is <= V1.base and none
// passes. In each case (b) is among {V2, L2} filtered by the test against V1, so the highest
// of {V2, L1, L2} that passes is the answer. Since the result depends only on S1 ∪ S2, merge
// is commutative, associative and idempotent.
static FieldState merge_lww(const FieldState& a, const FieldState& b) {
  const FieldState& win = (b.stamp > a.stamp) ? b : a;
  const FieldState& other = (b.stamp > a.stamp) ? a : b;
  FieldState out = win;
  out.lost.reset();
  auto consider = [&](const json& value, Stamp stamp) {
    if (!(win.base < stamp && stamp < win.stamp)) return;
    if (!out.lost || out.lost->stamp < stamp) out.lost = LostWrite{value, stamp};
  };
  if (!other.stamp.is_zero()) consider(other.value, other.stamp);
  if (win.lost) consider(win.lost->value, win.lost->stamp);
  if (other.lost) consider(other.lost->value, other.lost->stamp);
  return out;
}

// Write-once: the lowest stamp among non-empty states, a semilattice (min).
static FieldState merge_once(const FieldState& a, const FieldState& b) {
  if (a.stamp.is_zero()) return b;
  if (b.stamp.is_zero()) return a;
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
