// The nightly figures as --json keys and as text (nightly_bench.hpp).
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "nightly_bench.hpp"

namespace bench {

void add_nightly_json(nlohmann::ordered_json& j, const NightlyFigures& n) {
  j["nightly_pupils"] = n.pupils;
  j["nightly_import_1200_s"] = rounded(n.import_s, 2);
  j["nightly_rerun_s"] = rounded(n.rerun_s, 2);
  j["nightly_rerun_changes"] = n.rerun_changes;
  j["nightly_peak_rss_mb"] = rounded(n.peak_rss_mb, 1);
  j["nightly_dossier_entities"] = n.dossiers.entities;
  j["nightly_photos"] = n.dossiers.photos;
  j["nightly_photo_kb_mean"] = rounded(
      double(n.dossiers.photo_bytes) / 1024.0 / double(std::max<size_t>(1, n.dossiers.photos)), 1);
  j["nightly_signoffs"] = n.dossiers.signoffs;
  j["nightly_dossiers_build_s"] = rounded(n.dossiers.seconds, 1);
  j["nightly_export_1200_s"] = rounded(n.export_s, 2);
  j["nightly_export_written"] = n.export_written;
  j["nightly_export_photos_copied"] = n.export_photos;
  j["nightly_export_peak_rss_mb"] = rounded(n.export_peak_rss_mb, 1);
  j["nightly_rss_before_export_mb"] = rounded(n.rss_before_export_mb, 1);
  j["nightly_roster_under_load_s"] = rounded(n.roster_s, 2);
  j["nightly_roster_under_load_changes"] = n.roster_changes;
  j["nightly_incremental_export_s"] = rounded(n.incremental_s, 2);
  j["nightly_incremental_written"] = n.incremental_written;
  j["sync_devices_during_nightly"] = n.sync_devices;
  j["sync_interval_ms_during_nightly"] = n.sync_interval_ms;
  j["sync_samples_during_nightly"] = n.sync_samples;
  j["sync_p50_ms_during_nightly"] = rounded(n.sync_p50_ms, 1);
  j["sync_p99_ms_during_nightly"] = rounded(n.sync_p99_ms, 1);
  j["sync_max_ms_during_nightly"] = rounded(n.sync_max_ms, 1);
  j["sync_server_p99_ms_during_nightly"] = rounded(n.sync_server_p99_ms, 1);
  j["sync_p50_ms_before_nightly"] = rounded(n.quiet_p50_ms, 1);
  j["sync_p99_ms_before_nightly"] = rounded(n.quiet_p99_ms, 1);
  j["sync_samples_before_nightly"] = n.quiet_samples;
}

void print_nightly(const NightlyFigures& n) {
  auto& o = std::cout;
  o << fmt("\nNightly school sync: a OneRoster school of %zu pupils (%zu people)\n", n.pupils,
           n.people);
  o << fmt("  %-22s %10.2f s       target < 30 s   %s\n", "first import", n.import_s,
           verdict(n.import_s < 30));
  o << fmt("  %-22s %10.2f s       target < 5 s    %s  (%zu changes)\n", "rerun", n.rerun_s,
           verdict(n.rerun_s < 5), n.rerun_changes);
  o << fmt("  %-22s %10.1f MB      target < 300 MB %s\n", "peak RSS (VmHWM)", n.peak_rss_mb,
           verdict(n.peak_rss_mb < 300));
  const DossierTotals& d = n.dossiers;
  o << fmt(
      "  dossiers: %zu entities, %zu photos (%.1f KB mean, %zu showing others), %zu "
      "sign-offs, built in %.1f s\n",
      d.entities, d.photos, double(d.photo_bytes) / 1024.0 / double(std::max<size_t>(1, d.photos)),
      d.shows_others, d.signoffs, d.seconds);
  o << fmt("  %-22s %10.2f s       target < 120 s  %s  (%zu written, %zu photos copied)\n",
           "export, every pupil", n.export_s, verdict(n.export_s < 120), n.export_written,
           n.export_photos);
  o << fmt(
      "  %-22s %10.1f MB      target < 300 MB %s  (the server process, phones included; "
      "%.1f MB before)\n",
      "peak RSS over export", n.export_peak_rss_mb, verdict(n.export_peak_rss_mb < 300),
      n.rss_before_export_mb);
  o << fmt("  %-22s %10.2f s                        (%zu changes)\n", "roster after export",
           n.roster_s, n.roster_changes);
  o << fmt("  %-22s %10.2f s       target < 5 s    %s  (%zu written)\n", "next night's export",
           n.incremental_s, verdict(n.incremental_s < 5), n.incremental_written);
  o << fmt(
      "  %-22s %10.1f ms p99  target < 250 ms %s  (p50 %.1f ms, max %.1f ms; %zu syncs of "
      "%zu phones, one each per %.0f ms; server side p99 %.1f ms)\n",
      "sync during the night", n.sync_p99_ms, verdict(n.sync_p99_ms < 250), n.sync_p50_ms,
      n.sync_max_ms, n.sync_samples, n.sync_devices, n.sync_interval_ms, n.sync_server_p99_ms);
  o << fmt(
      "  %-22s %10.1f ms p99                   (p50 %.1f ms; %zu syncs, nothing else "
      "running)\n",
      "sync before the night", n.quiet_p99_ms, n.quiet_p50_ms, n.quiet_samples);
}

}  // namespace bench
