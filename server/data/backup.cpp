// Backups and restores (backup.hpp).
#include "backup.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "auth_store_sqlite.hpp"
#include "werkex/clock.hpp"
#include "werkex/sqlite.hpp"

namespace werkex::server {

namespace fs = std::filesystem;

namespace {

constexpr const char* kDatabases[] = {"dossiers.db", "server.db"};

Error io(const std::string& what, const std::error_code& ec) {
  return make_error(WX_IO, what + ": " + ec.message());
}

// One consistent snapshot of `from` (a live WAL database) into the new file `to`.
Status snapshot(const std::string& from, const std::string& to) {
  WX_ASSIGN_OR_RETURN(sql::Db src, sql::Db::open(from));
  WX_ASSIGN_OR_RETURN(sql::Db dst, sql::Db::open(to));
  sqlite3_backup* b = sqlite3_backup_init(dst.raw(), "main", src.raw(), "main");
  if (!b) return dst.error("backup of " + from);
  int rc = sqlite3_backup_step(b, -1);  // all pages in one step: one snapshot
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) return make_error(WX_IO, "backup of " + from + ": " + sqlite3_errstr(rc));
  return dst.exec("PRAGMA journal_mode=DELETE");  // one self-contained file
}

// Copies `from` to `to` unless `to` exists, through a temporary name. Returns whether it
// copied.
Result<bool> copy_once(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  if (fs::exists(to, ec)) return false;
  fs::create_directories(to.parent_path(), ec);
  if (ec) return io("cannot make " + to.parent_path().string(), ec);
  fs::path tmp = to;
  tmp += ".tmp";
  fs::copy_file(from, tmp, fs::copy_options::overwrite_existing, ec);
  if (!ec) fs::rename(tmp, to, ec);
  if (ec) return io("cannot copy " + from.string(), ec);
  return true;
}

// Every complete blob file of `blobs` (partial uploads are not worth keeping).
Result<std::vector<fs::path>> list_blobs(const fs::path& blobs) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::exists(blobs, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(blobs, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_directory(ec) && it->path().filename() == "partial") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec) && it->path().filename().string().size() == 64)
      out.push_back(it->path());
  }
  if (ec) return io("cannot read " + blobs.string(), ec);
  return out;
}

// Every complete blob file of `blobs` into `into`, those already there skipped.
Status copy_blobs(const fs::path& blobs, const fs::path& into, const BackupOptions& options,
                  BackupReport& report) {
  WX_ASSIGN_OR_RETURN(auto files, list_blobs(blobs));
  if (options.progress) options.progress("blobs", 0, files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    std::error_code ec;
    fs::path rel = fs::relative(files[i], blobs, ec);
    if (ec) return io("cannot read " + files[i].string(), ec);
    WX_ASSIGN_OR_RETURN(bool copied, copy_once(files[i], into / rel));
    ++(copied ? report.blobs_copied : report.blobs_present);
    if (options.progress && (i % 64 == 63 || i + 1 == files.size()))
      options.progress("blobs", i + 1, files.size());
  }
  return Status::ok();
}

// Removes the oldest complete dated folders beyond `keep`.
size_t prune(const fs::path& dir, size_t keep) {
  std::vector<fs::path> dated;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_directory(ec) && fs::exists(e.path() / "backup.json", ec)) dated.push_back(e.path());
  std::sort(dated.begin(), dated.end());
  size_t removed = 0;
  while (dated.size() > std::max<size_t>(keep, 1)) {
    fs::remove_all(dated.front(), ec);
    dated.erase(dated.begin());
    ++removed;
  }
  return removed;
}

// 20261202T020000123Z: sorts by time, millisecond precision.
std::string stamp_of(uint64_t now_ms) {
  std::string s = rfc3339_utc(now_ms - now_ms % 1000);  // 2026-12-02T02:00:00Z
  std::string out;
  for (char c : s)
    if (c != '-' && c != ':' && c != 'Z') out += c;
  char ms[8];
  std::snprintf(ms, sizeof ms, "%03uZ", static_cast<unsigned>(now_ms % 1000));
  return out + ms;
}

}  // namespace

json BackupReport::to_json() const {
  return {{"folder", folder},
          {"database_bytes", database_bytes},
          {"blobs_copied", blobs_copied},
          {"blobs_present", blobs_present},
          {"removed", removed},
          {"seconds", seconds}};
}

Result<BackupReport> make_backup(const std::string& data_dir, const BackupOptions& options,
                                 uint64_t now_ms) {
  const auto t0 = std::chrono::steady_clock::now();
  BackupReport report;
  const fs::path dir = options.dir;
  // Two backups within one millisecond (a script): the later takes the next free name.
  std::error_code probe;
  while (fs::exists(dir / stamp_of(now_ms), probe)) ++now_ms;
  const fs::path stamp = stamp_of(now_ms);
  const fs::path partial = dir / (".partial-" + stamp.string()), final_dir = dir / stamp;
  std::error_code ec;
  fs::create_directories(partial, ec);
  if (ec) return io("cannot make " + partial.string(), ec);
  const size_t databases = std::size(kDatabases);
  if (options.progress) options.progress("databases", 0, databases);
  for (size_t i = 0; i < databases; ++i) {
    const char* db = kDatabases[i];
    WX_RETURN_IF_ERROR(snapshot(data_dir + "/" + db, (partial / db).string()));
    report.database_bytes += fs::file_size(partial / db, ec);
    if (options.progress) options.progress("databases", i + 1, databases);
  }
  // After the snapshots: every blob they reference is complete by now (a blob completed
  // since is merely extra).
  WX_RETURN_IF_ERROR(copy_blobs(fs::path(data_dir) / "blobs", dir / "blobs", options, report));
  std::ofstream(partial / "backup.json")
      << json{{"made_at", rfc3339_utc(now_ms)}, {"from", data_dir}}.dump() << "\n";
  fs::rename(partial, final_dir, ec);
  if (ec) return io("cannot complete " + final_dir.string(), ec);
  report.folder = final_dir.string();
  report.removed = prune(dir, options.keep);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return report;
}

Status restore_backup(const std::string& backup_folder, const std::string& data_dir) {
  const fs::path from = backup_folder, to = data_dir;
  std::error_code ec;
  for (const char* db : kDatabases)
    if (!fs::exists(from / db, ec) || !fs::exists(from / "backup.json", ec))
      return make_error(WX_NOT_FOUND, backup_folder + " is not a complete werkex backup");
  if (fs::exists(to, ec) && !fs::is_empty(to, ec))
    return make_error(WX_CONFLICT, data_dir + " is not empty: restore into a new folder");
  fs::create_directories(to, ec);
  if (ec) return io("cannot make " + data_dir, ec);
  for (const char* db : kDatabases) {
    fs::copy_file(from / db, to / db, ec);
    if (ec) return io(std::string("cannot copy ") + db, ec);
  }
  BackupReport ignored;
  WX_RETURN_IF_ERROR(
      copy_blobs(from.parent_path() / "blobs", to / "blobs", BackupOptions{}, ignored));
  WX_ASSIGN_OR_RETURN(auto auth, SqliteAuthStore::open(data_dir + "/server.db"));
  return auth->renew_epoch();
}

}  // namespace werkex::server
