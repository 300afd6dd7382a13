// The merge of the peer workload: werkex's own device-to-device exchange, pairwise (0,1),
// (0,2), (1,2), whole passes until every replica's dump() is the same. Timed: peer_seq and
// knowledge (the receiver's version vector), changes_since, bundle_to_binary,
// bundle_from_bytes, apply. Not timed: the size of each bundle's JSON text, counting the
// changes the receiver already had, and the convergence check.
//
// The exchange is peer-bench's (werkex_peer.cpp): per pair, both sides export before either
// applies, so neither sends back what it just received.
#include <unordered_map>

#include "peer_workload.hpp"
#include "werkex/bundle.hpp"

namespace bench::peer {

namespace {

using werkex::json;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Whether `held` has seen every write `sent` carries (its winner, lost writes and context):
// what a version vector would have kept from being sent. Other rules: the same state.
bool seen_all(const werkex::FieldState& held, const werkex::FieldState& sent) {
  if (sent.rule != werkex::MergeRule::lww || held.rule != werkex::MergeRule::lww)
    return held == sent;
  bool seen = werkex::has_seen(held, sent.stamp);
  for (const werkex::Stamp& s : sent.context) seen = seen && werkex::has_seen(held, s);
  for (const werkex::LostWrite& l : sent.lost) seen = seen && werkex::has_seen(held, l.stamp);
  return seen;
}

// How many changes of `b` the receiver already had: every write in them seen (`had`), and
// of those, the very same field state (`identical`).
void count_already_had(const werkex::Replica& receiver, const werkex::Bundle& b, size_t& had,
                       size_t& identical) {
  std::unordered_map<std::string, std::vector<const werkex::Change*>> by_entity;
  for (const werkex::Change& c : b.changes) by_entity[c.entity].push_back(&c);
  for (const auto& [entity, changes] : by_entity) {
    auto states = receiver.field_states(entity);
    if (!states) continue;  // WX_NOT_FOUND: it has none of them
    for (const werkex::Change* c : changes)
      for (const werkex::Change& s : *states) {
        if (s.field != c->field || s.element != c->element) continue;
        had += seen_all(s.state, c->state);
        identical += s.state == c->state;
      }
  }
}

// One direction of a pair, exported before either side applies anything (so neither sends
// back what it just received): what `to` has not seen of `from`.
struct Outgoing {
  std::string bytes;  // the binary form
  size_t json_bytes = 0;
  uint64_t since = 0;
  size_t changes = 0, already_had = 0, identical = 0;
};

Outgoing export_to(werkex::Replica& from, const werkex::Replica& to, Figures& f) {
  Outgoing out;
  auto t0 = Clock::now();
  out.since = check(to.peer_seq(from.replica_id()), "peer_seq");
  werkex::ChangeFilter filter;
  filter.known = check(to.knowledge(), "knowledge");  // the receiver's version vector
  auto t1 = Clock::now();
  werkex::Bundle bundle = check(from.changes_since(out.since, 0, filter), "changes_since");
  auto t2 = Clock::now();
  out.bytes = check(werkex::bundle_to_binary(bundle), "bundle_to_binary");
  f.merge_peer_seq_ms += std::chrono::duration<double, std::milli>(t1 - t0).count();
  f.merge_changes_since_ms += std::chrono::duration<double, std::milli>(t2 - t1).count();
  f.merge_export_ms += ms_since(t1);
  out.changes = bundle.changes.size();
  out.json_bytes = werkex::bundle_to_json(bundle).dump().size();  // not timed
  count_already_had(to, bundle, out.already_had, out.identical);  // not timed
  return out;
}

json deliver(const Outgoing& out, werkex::Replica& to, Figures& f) {
  SyncTotals s0 = sync_totals();
  auto t0 = Clock::now();
  werkex::Bundle parsed = check(werkex::bundle_from_bytes(out.bytes), "bundle_from_bytes");
  auto t1 = Clock::now();
  werkex::ApplyReport report = check(to.apply(parsed), "apply");
  f.merge_parse_ms += std::chrono::duration<double, std::milli>(t1 - t0).count();
  f.merge_apply_ms += ms_since(t1);
  f.merge_sync_ms += (sync_totals().seconds - s0.seconds) * 1000;
  f.merge_bytes += out.bytes.size();
  f.merge_bytes_json += out.json_bytes;
  f.messages++;
  f.changes_sent += out.changes;
  f.redundant += out.already_had;
  f.identical += out.identical;
  f.applied += report.applied;
  f.unchanged += report.unchanged;
  f.rejected += report.rejected.size();
  return {{"since", out.since},         {"changes", out.changes},
          {"bytes", out.bytes.size()},   {"already_had", out.already_had},
          {"identical", out.identical}, {"applied", report.applied}};
}

bool all_equal(const Replicas& r) {
  std::string first = check(r.reps[0]->dump(), "dump");
  for (size_t k = 1; k < r.reps.size(); ++k)
    if (check(r.reps[k]->dump(), "dump") != first) return false;
  return true;
}

}  // namespace

void merge(Replicas& r, Figures& f) {
  const size_t K = r.reps.size();
  while (!f.converged && f.rounds < 5) {
    f.rounds++;
    for (size_t a = 0; a < K; ++a)
      for (size_t b = a + 1; b < K; ++b) {
        Outgoing to_b = export_to(*r.reps[a], *r.reps[b], f);
        Outgoing to_a = export_to(*r.reps[b], *r.reps[a], f);
        json ab = deliver(to_b, *r.reps[b], f);
        json ba = deliver(to_a, *r.reps[a], f);
        f.pairs.push_back(
            {{"round", f.rounds}, {"a", a}, {"b", b}, {"a_to_b", ab}, {"b_to_a", ba}});
      }
    f.converged = all_equal(r);
    progress(fmt("peer %s: merge round %d%s", f.sync.c_str(), f.rounds,
                 f.converged ? ", converged" : ""));
  }
  f.merge_ms = f.merge_peer_seq_ms + f.merge_export_ms + f.merge_parse_ms + f.merge_apply_ms;
}

}  // namespace bench::peer
