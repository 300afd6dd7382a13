// Property tests of the merge laws over random single-field histories.
//
// Each history has several replicas that write and exchange states of one field in random
// order. Every state any replica ever held is collected; merge must be idempotent,
// commutative and associative over them, and the merge of all final states must equal the
// state defined directly from the set of all writes (winner = max stamp; lost = the highest
// write W with winner.base < W < winner). Seeds are printed on failure; set WERKEX_SEED to
// replay one.
#include <algorithm>
#include <cstdlib>
#include <random>

#include "test_support.hpp"
#include "werkex/merge.hpp"

using namespace werkex;

namespace {

uint64_t base_seed() {
  if (const char* s = std::getenv("WERKEX_SEED")) return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

struct History {
  std::vector<FieldState> states;  // every state ever held by any replica
  std::vector<FieldState> finals;  // each replica's last state
  std::vector<FieldState> writes;  // lww/once: every single write
  std::vector<Stamp> all_adds;     // set: every add
};

History random_history(MergeRule rule, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> n_replicas(2, 5), n_steps(5, 40), pct(0, 99);
  int replicas = n_replicas(rng);
  std::vector<FieldState> local(replicas);
  std::vector<uint64_t> millis(replicas);
  std::vector<Hlc> last(replicas);
  for (int i = 0; i < replicas; ++i) {
    local[i].rule = rule;
    millis[i] = 1000 + rng() % 3;  // clocks close together, so HLCs collide across replicas
  }
  History h;
  int steps = n_steps(rng);
  for (int step = 0; step < steps; ++step) {
    int r = static_cast<int>(rng() % replicas);
    millis[r] += rng() % 3;  // sometimes the same millisecond: counters and replica ids decide
    // Per replica, stamps strictly increase (as HybridClock guarantees); across replicas
    // equal HLCs are common, so the replica id must break ties.
    Hlc next = Hlc::from_parts(millis[r], 0);
    last[r] = next > last[r] ? next : Hlc{last[r].value + 1};
    Stamp stamp{last[r], static_cast<uint64_t>(r + 1)};
    int action = pct(rng);
    if (action < 45) {
      if (rule == MergeRule::set) {
        if (pct(rng) < 60) {
          local[r] = merge(local[r], set_add(local[r], stamp));
          h.all_adds.push_back(stamp);
        } else {
          local[r] = merge(local[r], set_remove(local[r]));
        }
      } else {
        FieldState w = lww_write(static_cast<int>(rng() % 1000), stamp, local[r].stamp);
        w.rule = rule;
        h.writes.push_back(w);
        local[r] = merge(local[r], w);
      }
    } else {
      int from = static_cast<int>(rng() % replicas);
      local[r] = merge(local[r], local[from]);
    }
    h.states.push_back(local[r]);
  }
  h.finals = local;
  return h;
}

FieldState merge_all(const std::vector<FieldState>& v, MergeRule rule) {
  FieldState acc;
  acc.rule = rule;
  for (auto& s : v) acc = merge(acc, s);
  return acc;
}

}  // namespace

TEST_CASE("merge laws: idempotent, commutative, associative over random histories",
          "[property][merge]") {
  const uint64_t seed = base_seed();
  const int kHistories = 1500;
  for (MergeRule rule : {MergeRule::lww, MergeRule::once, MergeRule::set}) {
    for (int i = 0; i < kHistories; ++i) {
      std::mt19937_64 rng(seed + static_cast<uint64_t>(i) * 7919 + static_cast<uint64_t>(rule));
      History h = random_history(rule, rng);
      INFO("seed " << seed << " history " << i << " rule " << merge_rule_name(rule));
      for (int k = 0; k < 20; ++k) {
        const FieldState& a = h.states[rng() % h.states.size()];
        const FieldState& b = h.states[rng() % h.states.size()];
        const FieldState& c = h.states[rng() % h.states.size()];
        REQUIRE(merge(a, a) == a);
        REQUIRE(merge(a, b) == merge(b, a));
        REQUIRE(merge(merge(a, b), c) == merge(a, merge(b, c)));
      }
      // Any order of delivering the final states gives the same result.
      std::vector<FieldState> order = h.finals;
      FieldState expected = merge_all(order, rule);
      std::shuffle(order.begin(), order.end(), rng);
      REQUIRE(merge_all(order, rule) == expected);
    }
  }
}

TEST_CASE("merge laws: the merged lww state equals the one defined from all writes",
          "[property][merge]") {
  const uint64_t seed = base_seed();
  size_t with_conflict = 0;
  for (int i = 0; i < 1500; ++i) {
    std::mt19937_64 rng(seed + static_cast<uint64_t>(i));
    History h = random_history(MergeRule::lww, rng);
    if (h.writes.empty()) continue;
    INFO("seed " << seed << " history " << i);
    // Let every replica see everything: the union of all writes.
    FieldState merged = merge_all(h.finals, MergeRule::lww);
    FieldState all = merge_all(h.writes, MergeRule::lww);
    const FieldState* winner = &h.writes.front();
    for (auto& w : h.writes)
      if (w.stamp > winner->stamp) winner = &w;
    const FieldState* lost = nullptr;
    for (auto& w : h.writes)
      if (winner->base < w.stamp && w.stamp < winner->stamp && (!lost || w.stamp > lost->stamp))
        lost = &w;
    REQUIRE(all.stamp == winner->stamp);
    REQUIRE(all.value == winner->value);
    REQUIRE(all.lost.has_value() == (lost != nullptr));
    if (lost) {
      REQUIRE(all.lost->stamp == lost->stamp);
      REQUIRE(all.lost->value == lost->value);
      ++with_conflict;
    }
    // Exchanging states reaches the same result as knowing all writes (when every write
    // reached some final state, which holds because writes are merged into local state).
    REQUIRE(merged == all);
  }
  CHECK(with_conflict > 100);  // the generator does produce concurrent writes
}

TEST_CASE("merge laws: a set element is present iff some add was not observed by a remove",
          "[property][merge][set]") {
  const uint64_t seed = base_seed();
  size_t add_won = 0;
  for (int i = 0; i < 1500; ++i) {
    std::mt19937_64 rng(seed + 100000 + static_cast<uint64_t>(i));
    History h = random_history(MergeRule::set, rng);
    INFO("seed " << seed << " history " << i);
    FieldState merged = merge_all(h.finals, MergeRule::set);
    bool expected = std::any_of(h.all_adds.begin(), h.all_adds.end(), [&](const Stamp& s) {
      return !std::binary_search(merged.removed.begin(), merged.removed.end(), s);
    });
    REQUIRE(merged.present() == expected);
    REQUIRE(merged.adds.size() == h.all_adds.size());
    if (expected && !merged.removed.empty()) ++add_won;
  }
  CHECK(add_won > 50);
}
