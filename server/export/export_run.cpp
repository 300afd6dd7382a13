// The nightly dossier export run (export_run.hpp): group by group, so that only one group's
// exports are in memory at a time (the CSV needs all of a group's rows).
#include "export_run.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "atomic_file.hpp"
#include "dossier_export.hpp"
#include "export_state.hpp"
#include "portfolio_html.hpp"
#include "progress_csv.hpp"
#include "pupil_folder.hpp"
#include "thumbnails.hpp"
#include "werkex/blob_store.hpp"
#include "werkex/clock.hpp"
#include "werkex/schema.hpp"
#include "work_queue.hpp"

namespace werkex::exporter {

namespace fs = std::filesystem;

namespace {

struct PupilRef {
  std::string id, folder;  // folder: the pupil's own folder name
};

// Pupils by group folder, each group's pupils in folder-name order.
using Groups = std::map<std::string, std::vector<PupilRef>>;

Result<Groups> group_pupils(const Replica& r) {
  WX_ASSIGN_OR_RETURN(auto persons, r.list(Query::where("person", "", "role", "pupil")));
  std::map<std::string, std::string> names;  // group id -> name ("" when absent)
  Groups groups;
  for (const json& p : persons) {
    std::vector<std::string> mine;
    for (const json& gj : p.value("groups", json::array())) {
      if (!gj.is_string()) continue;
      const std::string g = gj.get<std::string>();
      if (!names.count(g)) {
        auto doc = r.get(g);
        if (!doc && doc.error().code != WX_NOT_FOUND) return doc.error();
        bool live = doc && !doc->value("deleted", false);
        names[g] = live ? doc->value("name", "") : "";
      }
      if (!names[g].empty()) mine.push_back(names[g]);
    }
    std::sort(mine.begin(), mine.end());
    std::string group = mine.empty() ? kNoGroupFolder : safe_file_name(mine.front());
    std::string id = p.value("id", "");
    groups[group].push_back({id, pupil_folder_name(p.value("name", ""), id)});
  }
  for (auto& [group, pupils] : groups)
    std::sort(pupils.begin(), pupils.end(), [](const PupilRef& a, const PupilRef& b) {
      return std::tie(a.folder, a.id) < std::tie(b.folder, b.id);
    });
  return groups;
}

class Run {
 public:
  Run(const Replica& r, std::string blob_dir, std::string out_dir, const ExportOptions& options)
      : r_(r), blob_dir_(std::move(blob_dir)), out_(std::move(out_dir)), options_(options) {
    now_ = options.now_ms ? options.now_ms : SystemClockSource().now_millis();
    settings_ = "px=" + std::to_string(options.thumbnail_px);
  }
  Result<ExportReport> run();

 private:
  bool selected(const std::string& id) const {
    return options_.only.empty() ||
           std::find(options_.only.begin(), options_.only.end(), id) != options_.only.end();
  }
  void export_group(const std::string& group, const std::vector<PupilRef>& pupils);
  void export_pupil(const std::string& group, const PupilRef& p, const json& doc);
  // On a worker: writes the files, then records the outcome.
  void write_job(const std::string& id, const std::string& rel, const std::string& old_rel,
                 const std::string& fingerprint, const json& doc);
  Status write_pupil(const std::string& rel, const std::string& old_rel, const json& doc,
                     size_t& photos_copied);
  Status copy_photos(const json& doc, const fs::path& dir, size_t& copied);
  void write_csv(const std::string& group, const std::vector<json>& exports);

  const Replica& r_;
  const std::string blob_dir_, out_;
  const ExportOptions& options_;
  uint64_t now_ = 0;
  std::string settings_;
  std::mutex mutex_;     // the workers and the reading thread share state_ and report_
  ExportState state_;    // GUARDED_BY(mutex_)
  ExportReport report_;  // GUARDED_BY(mutex_)
  size_t total_ = 0, done_ = 0;
  PlacementsByPupil placements_;  // read once per run (dossier_export.hpp)
  std::unique_ptr<WorkQueue> queue_;
};

Result<ExportReport> Run::run() {
  auto start = std::chrono::steady_clock::now();
  WX_RETURN_IF_ERROR(start_vips());
  std::error_code ec;
  fs::create_directories(out_, ec);
  if (ec) return make_error(WX_IO, "creating the output folder " + out_ + ": " + ec.message());
  state_ = ExportState::load(out_, &report_.state_was_damaged);
  WX_ASSIGN_OR_RETURN(Groups groups, group_pupils(r_));
  WX_ASSIGN_OR_RETURN(placements_, placements_by_pupil(r_));
  for (const auto& [group, pupils] : groups)
    for (const PupilRef& p : pupils) total_ += selected(p.id) ? 1 : 0;
  // Twice as many jobs as workers may wait: enough to keep them busy, little memory.
  queue_ = std::make_unique<WorkQueue>(options_.threads, 2 * options_.threads);
  for (const auto& [group, pupils] : groups) export_group(group, pupils);
  queue_.reset();                                           // every file written
  WX_RETURN_IF_ERROR(state_.save(out_, options_.durable));  // last: see the header
  report_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report_;
}

void Run::export_group(const std::string& group, const std::vector<PupilRef>& pupils) {
  if (std::none_of(pupils.begin(), pupils.end(), [&](auto& p) { return selected(p.id); })) return;
  std::vector<json> exports;  // every pupil's, selected or not: the CSV lists them all
  for (const PupilRef& p : pupils) {
    auto doc = export_dossier(r_, p.id, now_, &placements_);
    if (!doc) {
      if (selected(p.id)) {
        std::lock_guard lock(mutex_);
        ++report_.pupils;
        report_.failed.push_back({p.id, group + "/" + p.folder, doc.error().to_string()});
      }
    } else {
      if (selected(p.id)) export_pupil(group, p, *doc);
      exports.push_back(std::move(doc).value());
    }
    if (selected(p.id) && options_.progress) options_.progress(++done_, total_);
  }
  write_csv(group, exports);
}

void Run::export_pupil(const std::string& group, const PupilRef& p, const json& doc) {
  const std::string rel = group + "/" + p.folder;
  const std::string fingerprint = dossier_fingerprint(doc, settings_, blob_dir_);
  std::string old_fingerprint, old_rel;
  {
    std::lock_guard lock(mutex_);
    ++report_.pupils;
    auto old = state_.pupils.find(p.id);
    if (old != state_.pupils.end()) {
      old_fingerprint = old->second.fingerprint;
      old_rel = old->second.folder;
    }
  }
  std::error_code ec;
  bool same = old_fingerprint == fingerprint && old_rel == rel &&
              fs::exists(fs::path(out_) / rel / "dossier.json", ec);
  if (same && !options_.force) {
    std::lock_guard lock(mutex_);
    ++report_.unchanged;
    return;
  }
  queue_->submit([this, id = p.id, rel, old_rel, fingerprint, doc] {
    write_job(id, rel, old_rel, fingerprint, doc);
  });
}

void Run::write_job(const std::string& id, const std::string& rel, const std::string& old_rel,
                    const std::string& fingerprint, const json& doc) {
  size_t photos = 0;
  Status s = write_pupil(rel, old_rel, doc, photos);
  std::lock_guard lock(mutex_);
  report_.photos_copied += photos;
  if (!s) {
    report_.failed.push_back({id, rel, s.error().message});
    return;
  }
  ++report_.written;
  state_.pupils[id] = {fingerprint, rel, rfc3339_utc(now_)};
}

Status Run::write_pupil(const std::string& rel, const std::string& old_rel, const json& doc,
                        size_t& photos_copied) {
  const fs::path dir = fs::path(out_) / rel;
  std::error_code ec;
  if (!old_rel.empty() && old_rel != rel && fs::is_directory(fs::path(out_) / old_rel, ec) &&
      !fs::exists(dir, ec)) {
    // Renamed or moved: take the old folder along rather than leave a stale copy behind.
    fs::create_directories(dir.parent_path(), ec);
    fs::rename(fs::path(out_) / old_rel, dir, ec);  // on failure the new folder is made fresh
  }
  fs::create_directories(dir / "photos", ec);
  if (ec) return make_error(WX_IO, "creating " + (dir / "photos").string() + ": " + ec.message());
  WX_RETURN_IF_ERROR(copy_photos(doc, dir, photos_copied));
  WX_RETURN_IF_ERROR(
      write_file_atomically((dir / "dossier.json").string(), doc.dump(2) + "\n", options_.durable));
  const int px = options_.thumbnail_px;
  std::string html = portfolio_html(doc, [&](const std::string& sha) -> std::optional<std::string> {
    if (!is_valid_sha256_hex(sha)) return std::nullopt;
    auto jpeg = jpeg_thumbnail(blob_path(blob_dir_, sha), px);
    return jpeg ? std::optional<std::string>(std::move(jpeg).value()) : std::nullopt;
  });
  return write_file_atomically((dir / "portfolio.html").string(), html, options_.durable);
}

Status Run::copy_photos(const json& doc, const fs::path& dir, size_t& copied_count) {
  std::set<std::string> done;
  for (const json& p : doc.value("photos", json::array())) {
    const std::string sha = p.value("sha256", ""), file = p.value("file", "");
    if (!is_valid_sha256_hex(sha) || !done.insert(file).second) continue;
    auto copied =
        copy_file_once(blob_path(blob_dir_, sha), (dir / file).string(), options_.durable);
    // Not on the server yet (the phone has not uploaded it): the fingerprint notes it, so
    // the dossier is written again once it arrives.
    if (!copied && copied.error().code == WX_NOT_FOUND) continue;
    if (!copied) return copied.error();
    if (*copied) ++copied_count;
  }
  return Status::ok();
}

void Run::write_csv(const std::string& group, const std::vector<json>& exports) {
  const fs::path dir = fs::path(out_) / group;
  const std::string csv = progress_csv(exports, options_.csv_separator, options_.csv_bom);
  const std::string sha = sha256_hex(csv);
  std::error_code ec;
  std::unique_lock lock(mutex_);
  if (state_.csv[group] == sha && fs::exists(dir / "voortgang.csv", ec)) return;
  lock.unlock();
  fs::create_directories(dir, ec);
  Status s = ec ? Status(make_error(WX_IO, "creating " + dir.string() + ": " + ec.message()))
                : write_file_atomically((dir / "voortgang.csv").string(), csv, options_.durable);
  lock.lock();
  if (!s) {
    report_.failed.push_back({"", group + "/voortgang.csv", s.error().message});
    return;
  }
  ++report_.csv_written;
  state_.csv[group] = sha;
}

}  // namespace

json ExportReport::to_json() const {
  json f = json::array();
  for (const ExportFailure& x : failed)
    f.push_back({{"pupil", x.pupil}, {"folder", x.folder}, {"reason", x.reason}});
  return {{"pupils", pupils},
          {"written", written},
          {"unchanged", unchanged},
          {"failed", f},
          {"photos_copied", photos_copied},
          {"csv_written", csv_written},
          {"seconds", seconds},
          {"state_was_damaged", state_was_damaged}};
}

Result<ExportReport> export_dossiers(const Replica& dossiers, const std::string& blob_dir,
                                     const std::string& out_dir, const ExportOptions& options) {
  return Run(dossiers, blob_dir, out_dir, options).run();
}

}  // namespace werkex::exporter
