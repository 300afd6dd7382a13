// Property tests of the merge laws over random single-field histories.
//
// Each history has several replicas that write (in runs of several local edits) and exchange
// states of one field in random order, so writes are relayed through third replicas. Every
// state any replica ever held is collected; merge must be idempotent, commutative and
// associative over them. Beside the states the test keeps its own model, independent of the
// causal contexts: for every replica the set of writes it has received, and for every write
// the set its replica had received when it was made. From that alone it computes what each
// state must show: the winner is the highest write not seen by any other, and every other
// such write is lost. Seeds are printed on failure; set WERKEX_SEED to replay one.
#include <algorithm>
#include <cstdlib>
#include <random>
#include <set>

#include "test_support.hpp"
#include "werkex/merge.hpp"

using namespace werkex;

namespace {

uint64_t base_seed() {
  if (const char* s = std::getenv("WERKEX_SEED")) return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

struct ModelWrite {
  json value;
  Stamp stamp;
  std::set<size_t> seen;  // indices of the writes its replica had received
};

struct History {
  std::vector<FieldState> states;  // every state ever held by any replica
  std::vector<FieldState> finals;  // each replica's last state
  std::vector<FieldState> writes;  // lww/once: every single write, as its own state
  std::vector<Stamp> all_adds;     // set: every add
  // lww model: all writes, and per replica which of them it had received (at the end, and
  // beside every state in `states`).
  std::vector<ModelWrite> model;
  std::vector<std::set<size_t>> received;
  std::vector<std::set<size_t>> received_at_state;
};

// Per replica, stamps strictly increase (as HybridClock guarantees) and stay above what it
// received; across replicas equal HLCs are common, so the replica id must break ties.
Stamp next_stamp(std::vector<uint64_t>& millis, std::vector<Hlc>& last, int r, Hlc seen_max,
                 std::mt19937_64& rng) {
  millis[r] += rng() % 3;  // sometimes the same millisecond: counters and replica ids decide
  Hlc next = Hlc::from_parts(millis[r], 0);
  Hlc floor = std::max(last[r], seen_max);
  last[r] = next > floor ? next : Hlc{floor.value + 1};
  return Stamp{last[r], static_cast<uint64_t>(r + 1)};
}

void local_write(History& h, std::vector<FieldState>& local, int r, Stamp stamp,
                 std::mt19937_64& rng) {
  MergeRule rule = local[r].rule;
  if (rule == MergeRule::set) {
    if (rng() % 100 < 60) {
      local[r] = merge(local[r], set_add(local[r], stamp));
      h.all_adds.push_back(stamp);
    } else {
      local[r] = merge(local[r], set_remove(local[r]));
    }
    return;
  }
  json value = static_cast<int>(rng() % 1000);
  FieldState w = register_write(local[r], value, stamp);
  h.writes.push_back(w);
  h.model.push_back({value, stamp, h.received[r]});
  h.received[r].insert(h.model.size() - 1);
  local[r] = merge(local[r], w);
}

History random_history(MergeRule rule, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> n_replicas(3, 5), n_steps(5, 40), pct(0, 99);
  int replicas = n_replicas(rng);
  std::vector<FieldState> local(replicas, empty_state(rule));
  std::vector<uint64_t> millis(replicas);
  std::vector<Hlc> last(replicas);
  for (int i = 0; i < replicas; ++i) millis[i] = 1000 + rng() % 3;
  History h;
  h.received.resize(replicas);
  int steps = n_steps(rng);
  for (int step = 0; step < steps; ++step) {
    int r = static_cast<int>(rng() % replicas);
    if (pct(rng) < 45) {
      for (int run = 1 + static_cast<int>(rng() % 3); run > 0; --run) {
        local_write(h, local, r, next_stamp(millis, last, r, local[r].max_stamp().hlc, rng), rng);
        h.states.push_back(local[r]);
        h.received_at_state.push_back(h.received[r]);
      }
    } else {
      int from = static_cast<int>(rng() % replicas);
      local[r] = merge(local[r], local[from]);
      h.received[r].insert(h.received[from].begin(), h.received[from].end());
      h.states.push_back(local[r]);
      h.received_at_state.push_back(h.received[r]);
    }
  }
  h.finals = local;
  return h;
}

// The lww state the model says a replica that received `known` must hold: siblings are the
// writes no other received write had seen; the highest wins, the others are lost.
FieldState expected_state(const History& h, const std::set<size_t>& known) {
  std::vector<const ModelWrite*> siblings;
  for (size_t w : known) {
    bool seen_by_other = std::any_of(known.begin(), known.end(),
                                     [&](size_t x) { return h.model[x].seen.count(w) > 0; });
    if (!seen_by_other) siblings.push_back(&h.model[w]);
  }
  std::sort(siblings.begin(), siblings.end(), [](auto* a, auto* b) { return a->stamp < b->stamp; });
  FieldState s = empty_state(MergeRule::lww);
  if (siblings.empty()) return s;
  s.value = siblings.back()->value;
  s.stamp = siblings.back()->stamp;
  for (size_t i = 0; i + 1 < siblings.size(); ++i)
    s.lost.push_back({siblings[i]->value, siblings[i]->stamp});
  return s;
}

void require_matches_model(const FieldState& actual, const FieldState& expected) {
  REQUIRE(actual.stamp == expected.stamp);
  REQUIRE(actual.value == expected.value);
  REQUIRE(actual.lost == expected.lost);
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

TEST_CASE("merge laws: every lww state shows exactly the writes causality says it must",
          "[property][merge]") {
  const uint64_t seed = base_seed();
  size_t with_conflict = 0, with_several_lost = 0;
  for (int i = 0; i < 1500; ++i) {
    std::mt19937_64 rng(seed + static_cast<uint64_t>(i));
    History h = random_history(MergeRule::lww, rng);
    if (h.writes.empty()) continue;
    INFO("seed " << seed << " history " << i);
    // Every state any replica held, against what that replica had received.
    for (size_t k = 0; k < h.states.size(); ++k)
      require_matches_model(h.states[k], expected_state(h, h.received_at_state[k]));
    // Exchanging the final states, in any order, equals having received every write; so does
    // merging the single writes' own states (each carries what its replica had seen).
    std::set<size_t> everything;
    for (size_t w = 0; w < h.model.size(); ++w) everything.insert(w);
    FieldState expected = expected_state(h, everything);
    FieldState merged = merge_all(h.finals, MergeRule::lww);
    require_matches_model(merged, expected);
    require_matches_model(merge_all(h.writes, MergeRule::lww), expected);
    if (!expected.lost.empty()) ++with_conflict;
    if (expected.lost.size() >= 2) ++with_several_lost;
  }
  CHECK(with_conflict > 300);      // the generator does produce concurrent writes
  CHECK(with_several_lost > 100);  // ... by three or more replicas
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

// Issue 10.14: two writes with one stamp (only a forged bundle makes them) must still merge
// the same in every order, or applying one bundle twice would make replicas diverge.
TEST_CASE("merge laws: hold when a forger reuses stamps with other values", "[property][merge]") {
  const uint64_t seed = base_seed();
  for (MergeRule rule : {MergeRule::lww, MergeRule::once}) {
    for (int i = 0; i < 500; ++i) {
      std::mt19937_64 rng(seed + 200000 + static_cast<uint64_t>(i));
      History h = random_history(rule, rng);
      INFO("seed " << seed << " history " << i << " rule " << merge_rule_name(rule));
      std::vector<FieldState> pool = h.states;
      for (const FieldState& s : h.states) {
        if (s.stamp.is_zero() || rng() % 3) continue;
        FieldState forged = s;
        forged.value = "vervalst " + std::to_string(rng() % 5);
        for (LostWrite& l : forged.lost)
          if (rng() % 2) l.value = "ook vervalst";
        pool.push_back(forged);
      }
      for (int k = 0; k < 30; ++k) {
        const FieldState& a = pool[rng() % pool.size()];
        const FieldState& b = pool[rng() % pool.size()];
        const FieldState& c = pool[rng() % pool.size()];
        REQUIRE(merge(a, a) == a);
        REQUIRE(merge(a, b) == merge(b, a));
        REQUIRE(merge(merge(a, b), c) == merge(a, merge(b, c)));
        REQUIRE(merge(merge(a, b), b) == merge(a, b));  // the same bundle applied twice
      }
    }
  }
}
