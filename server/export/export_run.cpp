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
#include "export_dependencies.hpp"
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

Result<Groups> group_pupils(const EntityReader& r, const std::string& school_bucket) {
  WX_ASSIGN_OR_RETURN(auto persons, r.list(Query::where("person", school_bucket, "role", "pupil")));
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
  Run(const EntityReader& r, std::string blob_dir, std::string out_dir,
      const ExportOptions& options)
      : r_(r), blob_dir_(std::move(blob_dir)), out_(std::move(out_dir)), options_(options) {
    now_ = options.now_ms ? options.now_ms : SystemClockSource().now_millis();
    settings_ = "px=" + std::to_string(options.thumbnail_px);
    basis_ = "replica=" + options.store + ";history=" + options.history + ";" + settings_ +
             ";csv=" + std::string(1, options.csv_separator) +
             ";schema=" + std::to_string(r.schema().version());
  }
  Result<ExportReport> run();

 private:
  bool selected(const std::string& id) const {
    return options_.only.empty() ||
           std::find(options_.only.begin(), options_.only.end(), id) != options_.only.end();
  }
  Status find_changed();
  // Unchanged since the state was written, known without reading the pupil (export_state.hpp).
  bool known_unchanged(const std::string& id, const std::string& rel);
  void export_group(const std::string& group, const std::vector<PupilRef>& pupils);
  void export_pupil(const std::string& rel, const std::string& id, const json& doc,
                    const std::string& csv_row);
  // On a worker: writes the files, then records the outcome in `made`.
  void write_job(const std::string& id, const std::string& old_rel, PupilState made,
                 const json& doc);
  Status write_pupil(const std::string& rel, const std::string& old_rel, const json& doc,
                     size_t& photos_copied);
  Status copy_photos(const json& doc, const fs::path& dir, size_t& copied);
  void write_csv(const std::string& group, const std::vector<std::string>& rows);

  const EntityReader& r_;
  const std::string blob_dir_, out_;
  const ExportOptions& options_;
  uint64_t now_ = 0;
  std::string settings_;
  std::string basis_;         // export_state.hpp: what the state's seq is counted in
  bool incremental_ = false;  // the state's seq may be trusted: only changed_ are read
  std::set<std::string> changed_;
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
  const uint64_t seq = r_.last_seq();  // first: a change made during the run is seen next run
  WX_RETURN_IF_ERROR(find_changed());
  state_.basis = basis_;
  state_.seq = seq;
  WX_ASSIGN_OR_RETURN(Groups groups, group_pupils(r_, options_.school_bucket));
  WX_ASSIGN_OR_RETURN(placements_, placements_by_pupil(r_));
  for (const auto& [group, pupils] : groups)
    for (const PupilRef& p : pupils) total_ += selected(p.id) ? 1 : 0;
  // Twice as many jobs as workers may wait: enough to keep them busy, little memory.
  queue_ =
      std::make_unique<WorkQueue>(options_.threads, 2 * options_.threads, options_.worker_nice);
  for (const auto& [group, pupils] : groups) export_group(group, pupils);
  queue_.reset();                                           // every file written
  WX_RETURN_IF_ERROR(state_.save(out_, options_.durable));  // last: see the header
  report_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report_;
}

Status Run::find_changed() {
  incremental_ =
      !options_.force && state_.basis == basis_ && state_.seq > 0 && state_.seq <= r_.last_seq();
  if (!incremental_) return Status::ok();
  std::map<std::string, std::set<std::string>> dependents;  // key -> pupils
  for (const auto& [id, p] : state_.pupils)
    for (const std::string& key : p.depends_on) dependents[key].insert(id);
  WX_ASSIGN_OR_RETURN(changed_, pupils_touched_since(r_, state_.seq, dependents));
  return Status::ok();
}

bool Run::known_unchanged(const std::string& id, const std::string& rel) {
  if (!incremental_ || changed_.count(id)) return false;
  std::lock_guard lock(mutex_);  // the workers add entries
  auto it = state_.pupils.find(id);
  if (it == state_.pupils.end()) return false;
  const PupilState& p = it->second;
  std::error_code ec;
  return !p.recheck && p.folder == rel && !p.csv_row.empty() &&
         fs::exists(fs::path(out_) / rel / "dossier.json", ec);
}

void Run::export_group(const std::string& group, const std::vector<PupilRef>& pupils) {
  if (std::none_of(pupils.begin(), pupils.end(), [&](auto& p) { return selected(p.id); })) return;
  std::vector<std::string> rows;  // every pupil's, selected or not: the CSV lists them all
  for (const PupilRef& p : pupils) {
    const std::string rel = group + "/" + p.folder;
    if (known_unchanged(p.id, rel)) {
      std::lock_guard lock(mutex_);
      rows.push_back(state_.pupils[p.id].csv_row);
      if (selected(p.id)) ++report_.pupils, ++report_.unchanged;
    } else if (auto doc = export_dossier(r_, p.id, now_, &placements_); !doc) {
      std::lock_guard lock(mutex_);
      ++report_.examined;
      if (state_.pupils.count(p.id)) state_.pupils[p.id].recheck = true;
      if (selected(p.id)) {
        ++report_.pupils;
        report_.failed.push_back({p.id, rel, doc.error().to_string()});
      }
    } else {
      {
        std::lock_guard lock(mutex_);
        ++report_.examined;
      }
      rows.push_back(progress_csv_row(*doc, options_.csv_separator));
      if (selected(p.id)) {
        export_pupil(rel, p.id, *doc, rows.back());
      } else {  // read for its CSV row only: a later run without `only` writes it
        std::lock_guard lock(mutex_);
        if (state_.pupils.count(p.id)) state_.pupils[p.id].recheck = true;
      }
    }
    if (selected(p.id) && options_.progress) options_.progress(++done_, total_);
  }
  write_csv(group, rows);
}

void Run::export_pupil(const std::string& rel, const std::string& id, const json& doc,
                       const std::string& csv_row) {
  PupilState made;
  made.fingerprint = dossier_fingerprint(doc, settings_, blob_dir_, &made.recheck);
  made.folder = rel;
  made.depends_on = export_dependencies(doc);
  made.csv_row = csv_row;
  std::string old_rel;
  {
    std::lock_guard lock(mutex_);
    ++report_.pupils;
    auto old = state_.pupils.find(id);
    std::error_code ec;
    if (old != state_.pupils.end() && !options_.force &&
        old->second.fingerprint == made.fingerprint && old->second.folder == rel &&
        fs::exists(fs::path(out_) / rel / "dossier.json", ec)) {
      made.written_at = old->second.written_at;
      old->second = std::move(made);
      ++report_.unchanged;
      return;
    }
    if (old != state_.pupils.end()) old_rel = old->second.folder;
  }
  queue_->submit([this, id, old_rel, made = std::move(made), doc]() mutable {
    write_job(id, old_rel, std::move(made), doc);
  });
}

void Run::write_job(const std::string& id, const std::string& old_rel, PupilState made,
                    const json& doc) {
  size_t photos = 0;
  Status s = write_pupil(made.folder, old_rel, doc, photos);
  std::lock_guard lock(mutex_);
  report_.photos_copied += photos;
  if (!s) {
    // The previous state stays, marked to be tried again next run.
    if (state_.pupils.count(id)) state_.pupils[id].recheck = true;
    report_.failed.push_back({id, made.folder, s.error().message});
    return;
  }
  ++report_.written;
  made.written_at = rfc3339_utc(now_);
  state_.pupils[id] = std::move(made);
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

void Run::write_csv(const std::string& group, const std::vector<std::string>& rows) {
  const fs::path dir = fs::path(out_) / group;
  const std::string csv = progress_csv_of_rows(rows, options_.csv_separator, options_.csv_bom);
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
  return {
      {"pupils", pupils},           {"written", written}, {"unchanged", unchanged},
      {"examined", examined},       {"failed", f},        {"photos_copied", photos_copied},
      {"csv_written", csv_written}, {"seconds", seconds}, {"state_was_damaged", state_was_damaged}};
}

void ExportReport::add(const ExportReport& other, const std::string& folder) {
  pupils += other.pupils;
  written += other.written;
  unchanged += other.unchanged;
  examined += other.examined;
  for (ExportFailure f : other.failed) {
    if (!folder.empty()) f.folder = folder + "/" + f.folder;
    failed.push_back(std::move(f));
  }
  photos_copied += other.photos_copied;
  csv_written += other.csv_written;
  seconds += other.seconds;
  state_was_damaged = state_was_damaged || other.state_was_damaged;
}

Result<ExportReport> export_dossiers(const EntityReader& dossiers, const std::string& blob_dir,
                                     const std::string& out_dir, const ExportOptions& options) {
  return Run(dossiers, blob_dir, out_dir, options).run();
}

Result<ExportReport> export_dossiers(const Replica& dossiers, const std::string& blob_dir,
                                     const std::string& out_dir, ExportOptions options) {
  if (options.store.empty()) options.store = std::to_string(dossiers.replica_id());
  return export_dossiers(static_cast<const EntityReader&>(dossiers), blob_dir, out_dir, options);
}

}  // namespace werkex::exporter
