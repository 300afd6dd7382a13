// What werkex-bench measures: local writes against plain SQLite, applying a received bundle,
// and the memory of an opened and listed dossier.
#include <sqlite3.h>

#include <stdexcept>
#include <unordered_set>

#include "bench.hpp"
#include "werkex/bundle.hpp"
#include "werkex/dossier.hpp"
#include "werkex/ids.hpp"

namespace bench {

// The same eight fields go through the domain API in every workload.
werkex::ExperienceDraft draft_of(const Experience& e, const std::string& activity) {
  werkex::ExperienceDraft d;
  d.activity = activity;
  d.occurred_at = e.occurred_at;
  d.note = e.note;
  d.emotion = e.emotion;
  d.extra = {{"emotion_note", e.emotion_note},
             {"observed_goals", e.observed_goals},
             {"role_model", e.role_model},
             {"competencies", e.competencies}};
  return d;
}

size_t raw_value_bytes(const werkex::Change& c) {
  const werkex::json& v = c.state.rule == werkex::MergeRule::set ? c.element : c.state.value;
  return v.dump().size();
}

namespace {

using werkex::json;

uint64_t wall_millis() {
  using namespace std::chrono;
  return static_cast<uint64_t>(
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

void remove_db(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
}

// ---- local writes -------------------------------------------------------------------------

// The domain API: one experience per action, 7 registers + a set of 2 = 9 field rows.
class LocalWriter {
 public:
  LocalWriter(const std::string& path, bool durable)
      : replica_(open_pupil_replica(path, durable)),
        activity_(plan_activity(*replica_, 0)),
        dossier_(*replica_) {}

  void write(const Experience& e) {
    check(dossier_.record_experience(draft_of(e, activity_)), "record experience");
  }

 private:
  std::unique_ptr<werkex::Replica> replica_;
  std::string activity_;
  werkex::Dossier dossier_;
};

// Plain SQLite: the same values as (entity, field, value) rows, one transaction per entity.
class PlainWriter {
 public:
  PlainWriter(const std::string& path, bool durable) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
        SQLITE_OK)
      fail("open " + path);
    exec("PRAGMA journal_mode=WAL");
    exec(durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    exec("CREATE TABLE plain(entity TEXT, field TEXT, value TEXT)");
    const char* sql = "INSERT INTO plain(entity, field, value) VALUES(?1, ?2, ?3)";
    if (sqlite3_prepare_v2(db_, sql, -1, &insert_, nullptr) != SQLITE_OK) fail(sql);
    activity_ = werkex::new_uuid_v7(wall_millis());
  }
  ~PlainWriter() {
    sqlite3_finalize(insert_);
    sqlite3_close_v2(db_);
  }
  PlainWriter(const PlainWriter&) = delete;
  PlainWriter& operator=(const PlainWriter&) = delete;

  void write(const Experience& e) {
    std::string id = werkex::new_uuid_v7(wall_millis());
    exec("BEGIN IMMEDIATE");
    insert(id, "activity", activity_);
    insert(id, "occurred_at", e.occurred_at);
    insert(id, "note", e.note);
    insert(id, "emotion", e.emotion);
    insert(id, "emotion_note", e.emotion_note);
    insert(id, "observed_goals", e.observed_goals);
    insert(id, "role_model", e.role_model);
    for (const std::string& c : e.competencies) insert(id, "competencies", c);
    exec("COMMIT");
  }

 private:
  void exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(sql);
  }
  void insert(const std::string& entity, const char* field, const std::string& value) {
    sqlite3_bind_text(insert_, 1, entity.data(), static_cast<int>(entity.size()), SQLITE_STATIC);
    sqlite3_bind_text(insert_, 2, field, -1, SQLITE_STATIC);
    sqlite3_bind_text(insert_, 3, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
    if (sqlite3_step(insert_) != SQLITE_DONE) fail("insert");
    sqlite3_reset(insert_);
  }
  [[noreturn]] void fail(const std::string& what) {
    throw Failure("plain sqlite: " + what + ": " + (db_ ? sqlite3_errmsg(db_) : "no handle"));
  }
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  std::string activity_;
};

}  // namespace

WriteFigures bench_writes(const TempDir& dir, const std::vector<Experience>& data, bool durable,
                          int rounds) {
  std::vector<double> local, plain, ratio;
  const std::string tag = durable ? "full" : "normal";
  const double n = static_cast<double>(data.size());
  for (int r = 0; r < rounds; ++r) {
    std::string lp = dir.file("local-" + tag + "-" + std::to_string(r) + ".db");
    std::string pp = dir.file("plain-" + tag + "-" + std::to_string(r) + ".db");
    double l = 0, p = 0;  // seconds
    {
      LocalWriter lw(lp, durable);
      PlainWriter pw(pp, durable);
      // Action by action, alternating which side goes first, so both see the same disk
      // (fsync latency here drifts by 10x within a minute) and neither is always second.
      for (size_t i = 0; i < data.size(); ++i) {
        auto t0 = Clock::now();
        if (i % 2)
          pw.write(data[i]);
        else
          lw.write(data[i]);
        auto t1 = Clock::now();
        if (i % 2)
          lw.write(data[i]);
        else
          pw.write(data[i]);
        auto t2 = Clock::now();
        double first = std::chrono::duration<double>(t1 - t0).count();
        double second = std::chrono::duration<double>(t2 - t1).count();
        l += i % 2 ? second : first;
        p += i % 2 ? first : second;
      }
    }
    local.push_back(l * 1e6 / n);
    plain.push_back(p * 1e6 / n);
    ratio.push_back(l / p);
    remove_db(lp);
    remove_db(pp);
    progress("writes " + tag + " round " + std::to_string(r + 1) + ": werkex " +
             std::to_string(local.back()) + " us, sqlite " + std::to_string(plain.back()) +
             " us per action");
  }
  WriteFigures f;
  f.local_us = median(local);
  f.sqlite_us = median(plain);
  f.ratio = median(ratio);
  f.actions = data.size();
  f.rows_per_action = 7 + (data.empty() ? 0 : data.front().competencies.size());
  return f;
}

// ---- dossier memory -----------------------------------------------------------------------

void build_dossier(const std::string& path, size_t activities, size_t experiences) {
  auto replica = open_pupil_replica(path, /*durable=*/false);
  std::vector<std::string> acts;
  for (size_t i = 0; i < activities; ++i) acts.push_back(plan_activity(*replica, i));
  werkex::Dossier dossier(*replica);
  std::vector<Experience> data = make_experiences(experiences, 2);
  for (size_t i = 0; i < data.size(); ++i) {
    check(dossier.record_experience(draft_of(data[i], acts[i % acts.size()])), "record experience");
  }
}

DossierMemory measure_dossier_in_child(const std::string& path) {
  std::string out = run_in_child("dossier memory", [&] {
    double before = proc_status_mb("VmRSS:");
    auto replica = check(werkex::Replica::open(path), "open " + path);
    double opened = proc_status_mb("VmRSS:");
    werkex::Query q;
    q.bucket = bench_pupil().bucket;
    q.order_by = "occurred_at";  // the timeline
    // First as an app shows a long timeline: streamed, each document parsed and dropped.
    size_t streamed = 0;
    check(replica->scan(q,
                        [&](std::string_view doc) {
                          streamed += json::parse(doc).size() > 0;
                          return true;
                        }),
          "scan");
    double scan_hwm = proc_status_mb("VmHWM:");
    // Then the worst case: every document parsed and held at once.
    auto docs = check(replica->list(q), "list");
    double after = proc_status_mb("VmRSS:");
    double hwm = proc_status_mb("VmHWM:");
    if (streamed != docs.size()) return std::string("null");
    return json{before, opened, after, scan_hwm, hwm, docs.size()}.dump();
  });
  json j = json::parse(out);
  if (j.is_null()) throw std::runtime_error("scan and list disagree");
  return {j[0].get<double>(), j[1].get<double>(), j[2].get<double>(),
          j[3].get<double>(), j[4].get<double>(), j[5].get<size_t>()};
}

// ---- applying a received bundle -----------------------------------------------------------

namespace {

// Parses `bytes` with `parse` and applies the bundle to a fresh durable replica, `rounds`
// times; medians of the parse, the apply and the two together.
template <class Parse>
ApplyTimes time_parse_and_apply(const std::string& bytes, Parse parse, size_t expected,
                                const TempDir& dir, int rounds, const std::string& label) {
  std::vector<double> parse_s, apply_s, total_s;
  for (int r = 0; r < rounds; ++r) {
    std::string path = dir.file("target-" + label + "-" + std::to_string(r) + ".db");
    {
      auto target = check(werkex::Replica::open(path), "open " + path);  // default: durable
      auto t0 = Clock::now();
      werkex::Bundle b = check(parse(bytes), "parse bundle (" + label + ")");
      auto t1 = Clock::now();
      werkex::ApplyReport report = check(target->apply(b), "apply");
      auto t2 = Clock::now();
      if (report.applied != expected || !report.rejected.empty())
        throw Failure("apply: " + std::to_string(report.applied) + " of " +
                      std::to_string(expected) + " changes applied, " +
                      std::to_string(report.rejected.size()) + " rejected");
      parse_s.push_back(std::chrono::duration<double>(t1 - t0).count());
      apply_s.push_back(std::chrono::duration<double>(t2 - t1).count());
      total_s.push_back(std::chrono::duration<double>(t2 - t0).count());
    }
    remove_db(path);
    progress("apply round " + std::to_string(r + 1) + " (" + label + "): parse " +
             std::to_string(parse_s.back()) + " s, apply " + std::to_string(apply_s.back()) + " s");
  }
  const double n = static_cast<double>(expected);
  return {median(parse_s), median(apply_s), n / median(total_s), n / median(apply_s)};
}

}  // namespace

ApplyFigures bench_apply(const std::string& source, const TempDir& dir, int rounds) {
  ApplyFigures f;
  std::string text, binary;
  {
    werkex::ReplicaOptions quick;
    quick.durable = false;
    auto src = check(werkex::Replica::open(source, quick), "open " + source);
    auto start = Clock::now();
    werkex::Bundle b = check(src->changes_since(0), "changes_since(0)");
    text = werkex::bundle_to_json(b).dump();
    double export_s = seconds_since(start);
    binary = check(werkex::bundle_to_binary(b), "bundle_to_binary");
    f.changes = b.changes.size();
    f.export_changes_per_s = static_cast<double>(f.changes) / export_s;
    std::unordered_set<std::string> entities;
    for (const werkex::Change& c : b.changes) {
      entities.insert(c.entity);
      f.raw_value_bytes += static_cast<double>(raw_value_bytes(c));
    }
    f.entities = entities.size();
  }
  f.bundle_bytes = text.size();
  f.binary_bundle_bytes = binary.size();
  f.json = time_parse_and_apply(text, werkex::bundle_from_text, f.changes, dir, rounds, "json");
  f.binary =
      time_parse_and_apply(binary, werkex::bundle_from_bytes, f.changes, dir, rounds, "binary");
  return f;
}

}  // namespace bench
