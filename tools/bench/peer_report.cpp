// werkex-bench --only peer: the figures as JSON keys (peer_*) and as text.
#include <iostream>

#include "peer_workload.hpp"

namespace bench::peer {

namespace {

double per_s(double us) {
  return us > 0 ? 1e6 / us : 0;
}

void add_writes(nlohmann::ordered_json& j, const Figures& f, const std::string& tag) {
  j["peer_write_us_" + tag] = rounded(f.write_us, 1);
  j["peer_writes_per_s_" + tag] = rounded(per_s(f.write_us), 0);
  j["peer_write_fsync_us_" + tag] = rounded(f.write_sync_us, 1);
  j["peer_write_us_" + tag + "_fsync_free"] = rounded(f.write_us - f.write_sync_us, 1);
  j["peer_write_fsyncs_per_op_" + tag] = rounded(f.write_syncs_per_op, 2);
  j["peer_floor_write_us_" + tag] = rounded(f.floor_us, 1);
  j["peer_floor_write_us_" + tag + "_fsync_free"] = rounded(f.floor_us - f.floor_sync_us, 1);
  j["peer_write_vs_floor_ratio_" + tag] = rounded(f.floor_us > 0 ? f.write_us / f.floor_us : 0, 2);
}

void add_merge(nlohmann::ordered_json& j, const Figures& f, const std::string& suffix) {
  j["peer_merge_ms" + suffix] = rounded(f.merge_ms, 1);
  j["peer_merge_changes_since_ms" + suffix] = rounded(f.merge_changes_since_ms, 1);
  j["peer_merge_export_ms" + suffix] = rounded(f.merge_export_ms, 1);
  j["peer_merge_parse_ms" + suffix] = rounded(f.merge_parse_ms, 1);
  j["peer_merge_apply_ms" + suffix] = rounded(f.merge_apply_ms, 1);
  j["peer_merge_fsync_ms" + suffix] = rounded(f.merge_sync_ms, 1);
  j["peer_merge_rounds" + suffix] = f.rounds;
  j["peer_converged" + suffix] = f.converged;
  j["peer_peak_rss_mb" + suffix] = rounded(f.peak_rss_mb, 1);
  j["peer_rss_after_writes_mb" + suffix] = rounded(f.hwm_after_writes_mb, 1);
  j["peer_rss_start_mb" + suffix] = rounded(f.rss_start_mb, 1);
}

}  // namespace

void add_json(nlohmann::ordered_json& j, const Report& r) {
  j["peer_records"] = r.shape.R;
  j["peer_fields"] = r.shape.F;
  j["peer_replicas"] = r.shape.K;
  j["peer_updates_per_replica"] = r.shape.U;
  j["peer_seed"] = r.shape.seed;
  j["peer_workload_digest"] = r.digest;
  add_writes(j, r.full, "full");
  add_writes(j, r.normal, "normal");
  j["peer_noop_writes"] = r.full.noop_writes;
  j["peer_init_ms"] = rounded(r.full.init_ms, 1);
  j["peer_init_bytes"] = r.full.init_bytes;
  add_merge(j, r.full, "");  // FULL, werkex's default
  add_merge(j, r.normal, "_normal");
  j["peer_merge_bytes"] = r.full.merge_bytes;
  j["peer_merge_bytes_json"] = r.full.merge_bytes_json;
  j["peer_merge_messages"] = r.full.messages;
  j["peer_changes_sent"] = r.full.changes_sent;
  j["peer_changes_redundant"] = r.full.redundant;
  j["peer_changes_identical"] = r.full.identical;
  j["peer_changes_unchanged"] = r.full.unchanged;
  j["peer_changes_applied"] = r.full.applied;
  j["peer_changes_rejected"] = r.full.rejected;
  j["peer_merge_pairs"] = r.full.pairs;
}

void print(const Report& r) {
  auto& o = std::cout;
  o << fmt("\nPeer workload (issue 14): %d records x %d text fields; %d replicas x %s offline\n",
           r.shape.R, r.shape.F, r.shape.K, std::to_string(r.shape.U).c_str());
  o << fmt("single-field updates, one transaction each (seed %u, workload %s); then pairwise\n",
           r.shape.seed, r.digest.c_str());
  o << "exchange (0,1), (0,2), (1,2) until all are equal. Each in a forked child.\n";
  o << fmt("  %-20s %10s %10s %10s %10s %8s\n", "writes, us/update", "werkex", "of it fsync",
           "floor", "floor fsync", "ratio");
  for (const Figures* f : {&r.full, &r.normal})
    o << fmt("  %-20s %10.1f %10.1f %10.1f %10.1f %7.2fx\n", f->sync.c_str(), f->write_us,
             f->write_sync_us, f->floor_us, f->floor_sync_us, f->write_us / f->floor_us);
  o << fmt("  %-20s %10s %10s %10s %10s %8s\n", "merge", "ms", "MB", "rounds", "peak RSS MB",
           "equal");
  for (const Figures* f : {&r.full, &r.normal})
    o << fmt("  %-20s %10.1f %10.2f %10d %10.1f %8s\n", f->sync.c_str(), f->merge_ms,
             static_cast<double>(f->merge_bytes) / 1e6, f->rounds, f->peak_rss_mb,
             f->converged ? "yes" : "NO");
  const Figures& f = r.full;
  o << fmt("  merge (FULL): changes_since %.0f ms, export %.0f ms, parse %.0f ms, apply %.0f ms\n",
           f.merge_changes_since_ms, f.merge_export_ms, f.merge_parse_ms, f.merge_apply_ms);
  o << fmt("  changes sent %zu, of them already had by the receiver %zu (%.0f%%), applied %zu\n",
           f.changes_sent, f.redundant,
           f.changes_sent
               ? 100.0 * static_cast<double>(f.redundant) / static_cast<double>(f.changes_sent)
               : 0.0,
           f.applied);
}

}  // namespace bench::peer
