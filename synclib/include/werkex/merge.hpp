// Field-level merge: the conflict-free heart of werkex.
//
// A FieldState is the whole replicated state of one field of one entity (or, for a set, of
// one element of the set). merge(a, b) is a pure function that is idempotent, commutative and
// associative, so replicas that receive the same states in any order, any number of times,
// end identical. There are three rules (the schema picks one per field; a change carries its
// rule so fields unknown to an older schema merge correctly too):
//
// - lww:  last-writer-wins register ordered by Stamp (hlc, replica), with every concurrent
//         loser kept. A write W is *lost* to the winner V iff V's replica had not received W
//         when V was written (causality, not clock order). The state carries a causal context
//         — per replica the highest stamp of its writes to this field that the state has seen
//         (a version vector; its dots are the stamps) — and the *siblings*: the writes no
//         other known write had seen. The winner is the highest sibling, the others are
//         `lost`: at most one per replica, so the list is bounded by the devices that wrote
//         the field concurrently (the few devices of one dossier).
// - once: written once (sign-off payloads). Concurrent first writes resolve to the lowest
//         stamp, so every replica keeps the same first write.
// - set:  one element of an add-wins observed-remove set: the stamps of its adds and the
//         add-stamps its removes had observed. Present iff some add was not removed.
//
// Stamps are meant to be unique per write; a forged pair (same stamp, different values)
// still merges deterministically: the value whose JSON text sorts last wins.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "werkex/clock.hpp"
#include "werkex/error.hpp"

namespace werkex {

using json = nlohmann::json;

enum class MergeRule { lww = 0, once = 1, set = 2 };

const char* merge_rule_name(MergeRule rule);
std::optional<MergeRule> merge_rule_from_name(std::string_view name);

// A value that lost to a concurrent write, kept so it can be shown and restored.
struct LostWrite {
  json value;
  Stamp stamp;
  bool operator==(const LostWrite&) const = default;
};

struct FieldState {
  MergeRule rule = MergeRule::lww;
  // lww and once:
  json value;   // null means "cleared"
  Stamp stamp;  // of the winning write
  // lww only. `context`: one entry per replica that wrote the field, the highest of its
  // stamps this state has seen, sorted by replica; it includes the winner's and every lost
  // write's stamp. `lost`: the other siblings, sorted by stamp (ascending).
  std::vector<Stamp> context;
  std::vector<LostWrite> lost;
  // set (one element): sorted, without duplicates
  std::vector<Stamp> adds;
  std::vector<Stamp> removed;

  bool operator==(const FieldState&) const = default;

  // For sets: whether the element is in the set. For registers: always true.
  bool present() const;
  // The greatest stamp in the state: what a receiver's clock must observe.
  Stamp max_stamp() const;
  // Calls f(Stamp&) on every stamp the state holds (for re-stamping); keeps nothing sorted.
  template <class F>
  void for_each_stamp(F&& f) {
    f(stamp);
    for (Stamp& s : context) f(s);
    for (LostWrite& l : lost) f(l.stamp);
    for (Stamp& s : adds) f(s);
    for (Stamp& s : removed) f(s);
  }
  // Restores the sort orders after stamps were renamed.
  void sort_stamps();
};

// The state of a field nobody has written yet.
inline FieldState empty_state(MergeRule rule) {
  FieldState s;
  s.rule = rule;
  return s;
}

// The state after a local write of `value` at `stamp` on a replica whose state of the field
// is `current` (lww or once, by current.rule; `stamp` must exceed every stamp it holds): the
// write has seen everything `current` has seen.
FieldState register_write(const FieldState& current, json value, Stamp stamp);
// A first lww write with no history (seeding, tests).
inline FieldState lww_write(json value, Stamp stamp) {
  return register_write(empty_state(MergeRule::lww), std::move(value), stamp);
}
// Set-element operations over the element's current state (which may be empty).
FieldState set_add(const FieldState& current, Stamp stamp);
FieldState set_remove(const FieldState& current);

// Whether a state of this rule has seen the write stamped `dot` (lww: by its context).
bool has_seen(const FieldState& state, Stamp dot);

// Checks a received lww/once state for the invariants merge relies on (at most one sibling
// per replica, siblings in the context, lost writes and other context entries below the
// winner, no zero stamps). Adds the siblings' stamps to the context first, so an encoding
// may leave those out. WX_CORRUPT with the reason.
Status normalise_register(FieldState& state);

// The context entries an encoding must carry: those of replicas without a sibling (the
// siblings' own stamps are implied). Sorted by replica.
std::vector<Stamp> explicit_context(const FieldState& state);

// Merge two states of the same field (same rule). Pure; see the file comment for the laws.
// States with different rules merge by the rule of `a` (a schema bug; callers reject it).
FieldState merge(const FieldState& a, const FieldState& b);

}  // namespace werkex
