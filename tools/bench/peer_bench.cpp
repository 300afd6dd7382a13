// werkex-bench --only peer: one run of the peer workload (replicas, init, offline writes
// beside the plain-SQLite floor), FULL and NORMAL each in a forked child.
#include "peer_workload.hpp"
#include "werkex/bundle.hpp"
#include "werkex/schema.hpp"

namespace bench::peer {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Figures, sync, init_ms, init_bytes, writes, noop_writes,
                                   write_us, floor_us, write_sync_us, floor_sync_us,
                                   write_syncs_per_op, merge_ms, merge_peer_seq_ms,
                                   merge_changes_since_ms, merge_export_ms, merge_parse_ms,
                                   merge_apply_ms, merge_sync_ms, rounds, converged, merge_bytes,
                                   merge_bytes_json,
                                   messages, changes_sent, applied, unchanged, redundant, identical,
                                   rejected, pairs, rss_start_mb, hwm_after_writes_mb, peak_rss_mb)

namespace {

using werkex::json;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// The built-in schema plus "record": the workload's fields as free text (lww registers) in
// the pupil's bucket, written by the pupil (as ../shared/peer-bench/werkex_peer.cpp).
std::shared_ptr<const werkex::Schema> record_schema(const Workload& w) {
  json doc = json::parse(werkex::Schema::builtin_text());
  json fields = json::object();
  for (const std::string& f : w.fields)
    fields[f] = {{"kind", "text"}, {"doc", "peer workload field (free text, lww)"}};
  if (doc["types"].contains("record")) throw Failure("the built-in schema has a 'record' type");
  doc["types"]["record"] = {{"doc", "a peer-workload record: F free-text lww fields"},
                            {"bucket", "pupil"},
                            {"write", json::array({"pupil"})},
                            {"fields", fields}};
  return check(werkex::Schema::parse(doc.dump()), "record schema");
}

Replicas open_replicas(const Workload& w, const std::string& dir, bool durable) {
  Replicas r;
  werkex::ReplicaOptions o;
  o.schema = record_schema(w);
  o.durable = durable;
  for (int k = 0; k < w.K; ++k) {
    std::string path = fmt("%s/peer-%s-%d.db", dir.c_str(), durable ? "full" : "normal", k);
    r.reps.push_back(check(werkex::Replica::open(path, o), "open " + path));
    check(r.reps.back()->set_identity(bench_pupil()), "set identity");
  }
  return r;
}

// Replica 0 creates the records (one put() each); the others apply its bundle. Returns the
// entity id of each record.
std::vector<std::string> init(const Workload& w, Replicas& r, Figures& f) {
  auto t0 = Clock::now();
  std::vector<std::string> ids;
  for (const auto& row : w.init) {
    json doc = {{"type", "record"}};
    for (size_t i = 0; i < row.size(); ++i) doc[w.fields[i]] = row[i];
    ids.push_back(check(r.reps[0]->put(doc), "init put"));
  }
  std::string text = werkex::bundle_to_json(check(r.reps[0]->changes_since(0), "export")).dump();
  for (size_t k = 1; k < r.reps.size(); ++k) {
    auto report = check(r.reps[k]->apply(check(werkex::bundle_from_text(text), "parse")), "apply");
    if (!report.rejected.empty()) throw Failure("init: " + report.to_json().dump());
  }
  f.init_ms = ms_since(t0);
  f.init_bytes = text.size();
  return ids;
}

struct WriteTimes {
  double werkex_s = 0, floor_s = 0, werkex_sync_s = 0, floor_sync_s = 0;
  uint64_t werkex_syncs = 0;
};

// One update on each side, the side that goes first alternating; each timed alone.
void write_pair(werkex::Replica& rep, Floor& floor, const json& doc, const Update& u, int64_t ts,
                int k, bool werkex_first, WriteTimes& t) {
  for (int side = 0; side < 2; ++side) {
    bool werkex_now = (side == 0) == werkex_first;
    SyncTotals s0 = sync_totals();
    auto t0 = Clock::now();
    if (werkex_now)
      check(rep.put(doc), "put");
    else
      floor.write(u, ts, k);
    double s = seconds_since(t0);
    SyncTotals s1 = sync_totals();
    (werkex_now ? t.werkex_s : t.floor_s) += s;
    (werkex_now ? t.werkex_sync_s : t.floor_sync_s) += s1.seconds - s0.seconds;
    if (werkex_now) t.werkex_syncs += s1.calls - s0.calls;
  }
}

void offline_writes(const Workload& w, Replicas& r, const std::vector<std::string>& ids,
                    const std::string& dir, bool durable, Figures& f) {
  WriteTimes t;
  size_t n = 0;
  for (int k = 0; k < w.K; ++k) {
    werkex::Replica& rep = *r.reps[static_cast<size_t>(k)];
    Floor floor(fmt("%s/floor-%s-%d.db", dir.c_str(), durable ? "full" : "normal", k), durable, w);
    const auto& ops = w.ops[static_cast<size_t>(k)];
    for (size_t i = 0; i < ops.size(); ++i, ++n) {
      const Update& u = ops[i];
      json doc = {{"id", ids[u.record]}, {w.fields[u.field], u.value}};
      uint64_t before = rep.last_seq();
      auto ts = static_cast<int64_t>(i) * w.K + k + 1;
      write_pair(rep, floor, doc, u, ts, k, n % 2 == 0, t);
      if (rep.last_seq() == before) f.noop_writes++;
    }
    progress(fmt("peer %s: replica %d wrote %zu updates", f.sync.c_str(), k, ops.size()));
  }
  const double us = 1e6 / static_cast<double>(n);
  f.writes = n;
  f.write_us = t.werkex_s * us;
  f.floor_us = t.floor_s * us;
  f.write_sync_us = t.werkex_sync_s * us;
  f.floor_sync_us = t.floor_sync_s * us;
  f.write_syncs_per_op = static_cast<double>(t.werkex_syncs) / static_cast<double>(n);
}

}  // namespace

Figures run_once(const Workload& w, const std::string& dir, bool durable) {
  install_sync_timer();
  Figures f;
  f.sync = durable ? "FULL" : "NORMAL";
  f.rss_start_mb = proc_status_mb("VmRSS:");
  Replicas r = open_replicas(w, dir, durable);
  std::vector<std::string> ids = init(w, r, f);
  offline_writes(w, r, ids, dir, durable, f);
  f.hwm_after_writes_mb = proc_status_mb("VmHWM:");
  merge(r, f);
  f.peak_rss_mb = proc_status_mb("VmHWM:");
  return f;
}

Report bench_peer(const TempDir& dir, bool quick) {
  Report rep;
  Workload w = quick ? make_workload(100, 500) : make_workload(2000, 20000);
  rep.digest = workload_digest(w);
  rep.shape.R = w.R;
  rep.shape.F = w.F;
  rep.shape.K = w.K;
  rep.shape.U = w.U;
  rep.shape.seed = w.seed;
  for (bool durable : {true, false}) {
    progress(fmt("peer workload, synchronous=%s", durable ? "FULL" : "NORMAL"));
    std::string out = run_in_child(
        "peer workload", [&] { return json(run_once(w, dir.path().string(), durable)).dump(); });
    (durable ? rep.full : rep.normal) = json::parse(out).get<Figures>();
  }
  return rep;
}

}  // namespace bench::peer
