// Field-level merge: the conflict-free heart of werkex.
//
// A FieldState is the whole replicated state of one field of one entity (or, for a set, of
// one element of the set). merge(a, b) is a pure function that is idempotent, commutative and
// associative, so replicas that receive the same states in any order, any number of times,
// end identical. There are three rules (the schema picks one per field; a change carries its
// rule so fields unknown to an older schema merge correctly too):
//
// - lww:  last-writer-wins register ordered by Stamp (hlc, replica). Every write also records
//         `base`, the stamp of the value it replaced on its own replica. The state keeps the
//         winner and, beside it, the highest write that the winner overwrote without having
//         seen it ("lost"), so an app can show and restore it.
// - once: written once (sign-off payloads). Concurrent first writes resolve to the lowest
//         stamp, so every replica keeps the same first write.
// - set:  one element of an add-wins observed-remove set: the stamps of its adds and the
//         add-stamps its removes had observed. Present iff some add was not removed.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "werkex/clock.hpp"

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
  Stamp base;   // lww: stamp of the value the winning write replaced on its replica
  std::optional<LostWrite> lost;  // lww only
  // set (one element): sorted, without duplicates
  std::vector<Stamp> adds;
  std::vector<Stamp> removed;

  bool operator==(const FieldState&) const = default;

  // For sets: whether the element is in the set. For registers: always true.
  bool present() const;
  // The greatest stamp in the state: what a receiver's clock must observe.
  Stamp max_stamp() const;
};

// The state of a field nobody has written yet.
inline FieldState empty_state(MergeRule rule) {
  FieldState s;
  s.rule = rule;
  return s;
}

// The state after a single local write of `value` at `stamp` over `current` (lww/once).
FieldState lww_write(json value, Stamp stamp, Stamp base);
// Set-element operations over the element's current state (which may be empty).
FieldState set_add(const FieldState& current, Stamp stamp);
FieldState set_remove(const FieldState& current);

// Merge two states of the same field (same rule). Pure; see the file comment for the laws.
// States with different rules merge by the rule of `a` (a schema bug; callers reject it).
FieldState merge(const FieldState& a, const FieldState& b);

}  // namespace werkex
