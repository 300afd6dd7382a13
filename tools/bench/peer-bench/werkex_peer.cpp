// werkex_peer.cpp — werkex (synclib, the project's C++ library) as an `exec:` peer of bench.mjs.
//
// It uses the library's public C++ API (synclib/include/werkex/*.hpp) the way an app would and
// links the static library built by the project (build/default/synclib/libwerkex_sync.a).
//
// Mapping of the shared workload (node/workload.mjs) onto werkex:
//   * schema : no built-in type has 8 free-text fields (the closest, `experience`, has 6 text
//              fields next to enums, dates and refs the workload's values do not fit), so the peer
//              passes ReplicaOptions::schema = the built-in schema plus one type
//              "record" {bucket: pupil, write: [pupil], fields: title, text, kind, date, place,
//              emotion, tags, status, all kind "text"} (more fields -> x9.. also "text").
//              All fields merge as `lww` registers (werkex's rule for scalars and text).
//   * replicas: K replica files <dir>/werkex_peer.<pid>.<k>.db, each opened with
//              Replica::open(path, {durable = --sync FULL (the library's default) or
//              NORMAL (durable = false)}), all with the same identity (one pupil's K devices:
//              role "pupil", bucket "pupil:<user>").
//   * init   : replica 0 creates the R records, one put() (one transaction) each; werkex makes
//              the entity ids (UUIDv7), so the peer keeps a record -> id map. The others get
//              that state as one bundle: changes_since(0) -> JSON text -> bundle_from_text ->
//              apply(). Timed apart (init_ms).
//   * writes : each update = one Replica::put({"id": <entity>, <field>: <value>}) = one SQLite
//              transaction (BEGIN IMMEDIATE..COMMIT; with FULL one WAL fsync per write).
//              werkex stamps every write with its own hybrid logical clock (wall time), not
//              with the workload's ts, so its winners differ from the expected LWW state:
//              lww_digest_match is not expected; lww_agreement says how many cells agree.
//              (--clock workload drives the HLC from ts via a ManualClockSource, a semantic
//              check only: it is what tests do, not what an app does.)
//   * merge  : the library's device-to-device exchange, pairwise (0,1),(0,2),(1,2), whole pass
//              repeated until converged: per pair, each side names how far it has seen the other
//              (Replica::peer_seq) and what it knows (Replica::knowledge, its version vector),
//              each side exports changes_since(that, leaving out what the other knows) as a
//              binary bundle (bundle_to_binary), the other parses (bundle_from_bytes) and
//              apply()s it. bytes_exchanged = the bytes of the bundles. The two peer_seq numbers
//              per pair are not counted. The convergence check (dump() of every replica) is not
//              timed. merge_export_ms / merge_parse_ms / merge_apply_ms split merge_ms
//              (knowledge + changes_since + bundle_to_binary / bundle_from_bytes / apply);
//              merge_changes_since_ms is the knowledge + changes_since() part of it.
//              (This copy is the project's tools/bench/peer-bench/werkex_peer.cpp, adapted from
//              ../shared/peer-bench's when the exchange gained version vectors and binary.)
//   * verify : converged = every replica's dump() (canonical JSON of all entities) is
//              byte-identical AND the R x F values read back from every replica are identical.
//              digest = FNV-1a-32 over "record\tfield\tvalue\n" of replica 0 (as sqlite_floor).
//   * durability: pragma_synchronous / pragma_journal_mode / pragma_cache_size are read back from
//              the library's connection (Replica::database()): 2 = FULL, 1 = NORMAL.
//   * memory : peak_rss_mb = getrusage maxrss of this process (all K replicas in it);
//              rss_mb from /proc/self/statm, heap_mb = malloc in use (mallinfo2), sqlite_mb =
//              sqlite3_memory_used().
//   * saved_bytes: replica 0's database file after close (WAL checkpointed by the close).
//
// Build: make werkex_peer      Run: ./werkex_peer --workload wl.tsv [--sync FULL|NORMAL]
//        [--dir /tmp] [--clock system|workload] [--keep]
#include <malloc.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "werkex/bundle.hpp"
#include "werkex/clock.hpp"
#include "werkex/device.hpp"
#include "werkex/ids.hpp"
#include "werkex/schema.hpp"
#include "werkex/sqlite.hpp"
#include "werkex/store.hpp"

#ifndef WERKEX_COMMIT
#define WERKEX_COMMIT "unknown"
#endif

namespace {

using werkex::json;

struct Cell {
  int replica;
  long long seq;
  int rec;
  int field;
  long long ts;
  std::string value;
};

struct Workload {
  std::vector<std::string> records, fields;
  std::vector<Cell> init, updates;
  int R = 0, F = 0, K = 0;
  long long U = 0, seed = 0;
};

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "werkex_peer: %s\n", msg.c_str());
  std::exit(1);
}

template <class T>
T ok_or_die(werkex::Result<T> r, const char* what) {
  if (!r) die(std::string(what) + ": " + r.error().to_string());
  return std::move(r).value();
}

void ok_or_die(const werkex::Status& s, const char* what) {
  if (!s) die(std::string(what) + ": " + s.error().to_string());
}

std::vector<std::string> split(const std::string& s, char sep, size_t max_parts) {
  std::vector<std::string> out;
  size_t start = 0;
  while (out.size() + 1 < max_parts) {
    size_t p = s.find(sep, start);
    if (p == std::string::npos) break;
    out.emplace_back(s, start, p - start);
    start = p + 1;
  }
  out.emplace_back(s, start);
  return out;
}

// The TSV of `node bench.mjs --dump-workload` (same reader as sqlite_floor.cpp).
Workload load(const std::string& path) {
  std::ifstream in(path);
  if (!in) die("cannot open " + path);
  Workload w;
  std::unordered_map<std::string, int> rec_idx, field_idx;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line[0] == '#') {
      std::istringstream hs(line);
      std::string tok;
      while (hs >> tok) {
        auto eq = tok.find('=');
        if (eq == std::string::npos) continue;
        std::string k = tok.substr(0, eq), v = tok.substr(eq + 1);
        if (k == "R") w.R = std::stoi(v);
        else if (k == "F") w.F = std::stoi(v);
        else if (k == "K") w.K = std::stoi(v);
        else if (k == "U") w.U = std::stoll(v);
        else if (k == "seed") w.seed = std::stoll(v);
        else if (k == "fields") {
          w.fields = split(v, ',', 1 << 20);
          for (size_t i = 0; i < w.fields.size(); i++) field_idx[w.fields[i]] = (int)i;
        }
      }
      continue;
    }
    auto p = split(line, '\t', 7);
    if (p.size() != 7) die("bad line: " + line);
    Cell c;
    c.replica = std::stoi(p[1]);
    c.seq = std::stoll(p[2]);
    auto it = rec_idx.find(p[3]);
    if (it == rec_idx.end()) {
      it = rec_idx.emplace(p[3], (int)w.records.size()).first;
      w.records.push_back(p[3]);
    }
    c.rec = it->second;
    auto fi = field_idx.find(p[4]);
    if (fi == field_idx.end()) die("unknown field " + p[4]);
    c.field = fi->second;
    c.ts = std::stoll(p[5]);
    c.value = std::move(p[6]);
    if (p[0] == "I") w.init.push_back(std::move(c));
    else if (p[0] == "U") w.updates.push_back(std::move(c));
    else die("bad kind: " + p[0]);
  }
  if ((int)w.records.size() != w.R || (int)w.fields.size() != w.F) die("header/body mismatch");
  if ((long long)w.updates.size() != w.U * w.K) die("expected K*U updates");
  return w;
}

double now_ms() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

double r2(double x) { return std::round(x * 100) / 100; }

json mem() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  struct mallinfo2 mi = mallinfo2();
  const double MB = 1024.0 * 1024.0;
  return {{"rss_mb", r2(resident * (double)sysconf(_SC_PAGESIZE) / MB)},
          {"heap_mb", r2((mi.uordblks + mi.hblkhd) / MB)},
          {"sqlite_mb", r2(sqlite3_memory_used() / MB)}};
}

uint32_t fnv1a(const std::string& s, uint32_t h) {
  for (unsigned char ch : s) {
    h ^= ch;
    h *= 0x01000193u;
  }
  return h;
}

using State = std::vector<std::string>;  // R*F values, record-major

std::string digest_of(const Workload& w, const State& s) {
  uint32_t h = 0x811c9dc5u;
  for (int r = 0; r < w.R; r++)
    for (int f = 0; f < w.F; f++)
      h = fnv1a(w.records[r] + "\t" + w.fields[f] + "\t" + s[(size_t)r * w.F + f] + "\n", h);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", h);
  return buf;
}

// The built-in schema plus the generic type "record" with the workload's fields as free text.
std::shared_ptr<const werkex::Schema> make_schema(const Workload& w) {
  json doc = json::parse(werkex::Schema::builtin_text());
  json fields = json::object();
  for (const std::string& f : w.fields)
    fields[f] = {{"kind", "text"}, {"doc", "workload field (free text, lww)"}};
  if (doc["types"].contains("record")) die("the built-in schema already has a type 'record'");
  doc["types"]["record"] = {{"doc", "a peers-benchmark record: R x F free-text lww fields"},
                            {"bucket", "pupil"},
                            {"write", json::array({"pupil"})},
                            {"fields", fields}};
  return ok_or_die(werkex::Schema::parse(doc.dump()), "schema");
}

// The R x F values a replica holds for the workload's records (its documents, by id).
State read_state(const werkex::Replica& rep, const Workload& w,
                 const std::unordered_map<std::string, int>& rec_of, size_t* conflict_cells) {
  State s((size_t)w.R * w.F);
  std::vector<bool> seen(w.R, false);
  werkex::Query q;
  q.type = "record";
  size_t conflicts = 0;
  ok_or_die(rep.scan(q,
                     [&](std::string_view text) {
                       json d = json::parse(text);
                       auto it = rec_of.find(d.at("id").get<std::string>());
                       if (it == rec_of.end()) die("unknown entity " + d.at("id").get<std::string>());
                       int r = it->second;
                       seen[r] = true;
                       for (int f = 0; f < w.F; f++) {
                         auto v = d.find(w.fields[f]);
                         s[(size_t)r * w.F + f] = v == d.end() ? "" : v->get<std::string>();
                       }
                       if (auto c = d.find("_conflicts"); c != d.end()) conflicts += c->size();
                       return true;
                     }),
            "scan");
  for (int r = 0; r < w.R; r++)
    if (!seen[r]) die("replica lacks record " + w.records[r]);
  if (conflict_cells) *conflict_cells = conflicts;
  return s;
}

void unlink_db(const std::string& path) {
  for (const char* suf : {"", "-wal", "-shm", "-journal"}) ::unlink((path + suf).c_str());
  std::string blobs = path + ".blobs";
  ::rmdir(blobs.c_str());  // only if the library made an (empty) blob dir
}

// What the library set on its connection (read back, not assumed).
std::string pragma(werkex::Replica& rep, const char* name) {
  sqlite3_stmt* st = nullptr;
  std::string sql = std::string("PRAGMA ") + name;
  std::string out;
  if (sqlite3_prepare_v2(rep.database().raw(), sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return out;
}

long long file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? (long long)st.st_size : 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string wl_path, sync = "FULL", dir, clock_mode = "system";
  bool keep = false;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) die("missing value for " + a);
      return argv[++i];
    };
    if (a == "--workload") wl_path = next();
    else if (a == "--sync") sync = next();
    else if (a == "--dir") dir = next();
    else if (a == "--clock") clock_mode = next();
    else if (a == "--keep") keep = true;
    else die("unknown argument " + a);
  }
  if (wl_path.empty())
    die("usage: werkex_peer --workload FILE [--sync FULL|NORMAL] [--dir DIR] "
        "[--clock system|workload] [--keep]");
  if (sync != "FULL" && sync != "NORMAL") die("--sync must be FULL (durable, the default) or NORMAL");
  if (clock_mode != "system" && clock_mode != "workload") die("--clock must be system or workload");
  if (dir.empty()) {
    const char* t = std::getenv("TMPDIR");
    dir = t && *t ? t : "/tmp";
  }

  double t0 = now_ms();
  const Workload w = load(wl_path);
  const double load_ms = now_ms() - t0;
  const int K = w.K;
  const json mem_baseline = mem();

  // --clock workload: every replica's HLC reads the workload's ts (as milliseconds after a
  // fixed epoch) instead of the wall clock.
  const uint64_t epoch_ms = 1764547200000ull;  // 2025-12-01T00:00:00Z
  std::vector<std::unique_ptr<werkex::ManualClockSource>> clocks;
  for (int k = 0; k < K; k++) clocks.push_back(std::make_unique<werkex::ManualClockSource>(epoch_ms));

  auto schema = make_schema(w);
  const std::string base = dir + "/werkex_peer." + std::to_string(::getpid());
  std::vector<std::string> paths;
  std::vector<std::unique_ptr<werkex::Replica>> reps;
  werkex::Identity me = ok_or_die(
      werkex::complete_identity(*schema, {"0190a000-0000-7000-8000-000000000001", "pupil", "", ""}),
      "identity");
  for (int k = 0; k < K; k++) {
    paths.push_back(base + "." + std::to_string(k) + ".db");
    unlink_db(paths.back());
    werkex::ReplicaOptions o;
    o.schema = schema;
    o.durable = sync == "FULL";
    if (clock_mode == "workload") o.clock = clocks[k].get();
    reps.push_back(ok_or_die(werkex::Replica::open(paths.back(), o), "open"));
    ok_or_die(reps.back()->set_identity(me), "set_identity");
  }
  // synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA
  const std::string pragma_sync = pragma(*reps[0], "synchronous");
  const std::string pragma_journal = pragma(*reps[0], "journal_mode");
  const std::string pragma_cache = pragma(*reps[0], "cache_size");

  // ---- init: replica 0 creates the R records (one put each); the others apply its bundle.
  std::vector<std::string> ids(w.R);
  std::unordered_map<std::string, int> rec_of;
  t0 = now_ms();
  {
    std::vector<json> docs(w.R, json::object());
    for (const Cell& c : w.init) docs[c.rec][w.fields[c.field]] = c.value;
    for (int r = 0; r < w.R; r++) {
      docs[r]["type"] = "record";
      ids[r] = ok_or_die(reps[0]->put(docs[r]), "init put");
      rec_of.emplace(ids[r], r);
    }
  }
  std::string init_text;
  {
    auto b = ok_or_die(reps[0]->changes_since(0), "init changes_since");
    init_text = werkex::bundle_to_json(b).dump();
    for (int k = 1; k < K; k++) {
      auto parsed = ok_or_die(werkex::bundle_from_text(init_text), "init bundle_from_text");
      auto rep = ok_or_die(reps[k]->apply(parsed), "init apply");
      if (!rep.rejected.empty()) die("init apply rejected " + rep.to_json().dump());
    }
  }
  const double init_ms = now_ms() - t0;

  // ---- (a) offline writes: one put() = one transaction per update, replica-major.
  std::vector<double> write_ms(K, 0);
  long long noop_writes = 0;
  {
    size_t i = 0;
    for (int k = 0; k < K; k++) {
      werkex::Replica& rep = *reps[k];
      const size_t end = i + (size_t)w.U;
      t0 = now_ms();
      for (; i < end; i++) {
        const Cell& c = w.updates[i];
        if (clock_mode == "workload") clocks[k]->set(epoch_ms + (uint64_t)c.ts);
        const uint64_t before = rep.last_seq();
        json doc = {{"id", ids[c.rec]}, {w.fields[c.field], c.value}};
        auto r = rep.put(doc);
        if (!r) die("put: " + r.error().to_string());
        if (rep.last_seq() == before) noop_writes++;  // same value as stored: nothing written
      }
      write_ms[k] = now_ms() - t0;
    }
  }
  const json mem_after_writes = mem();

  // ---- (b) merge: pairwise bundle exchange until every dump is identical.
  long long bytes = 0, messages = 0, changes_sent = 0, applied = 0, unchanged = 0, rejected = 0;
  json per_pair = json::array();
  int rounds = 0;
  double merge_ms = 0, check_ms = 0, export_ms = 0, parse_ms = 0, apply_ms = 0,
         changes_since_ms = 0;
  bool dumps_equal = false;
  std::vector<std::string> dumps(K);
  for (;;) {
    rounds++;
    t0 = now_ms();
    for (int a = 0; a < K; a++) {
      for (int b = a + 1; b < K; b++) {
        werkex::Replica& ra = *reps[a];
        werkex::Replica& rb = *reps[b];
        // each side says how far it has seen the other
        const uint64_t b_has_a = ok_or_die(rb.peer_seq(ra.replica_id()), "peer_seq");
        const uint64_t a_has_b = ok_or_die(ra.peer_seq(rb.replica_id()), "peer_seq");
        // and what it knows (its version vector): nothing it has is sent again
        double p0 = now_ms();
        werkex::ChangeFilter to_b, to_a;
        to_b.known = ok_or_die(rb.knowledge(), "knowledge");
        to_a.known = ok_or_die(ra.knowledge(), "knowledge");
        auto ba = ok_or_die(ra.changes_since(b_has_a, 0, to_b), "changes_since");
        auto bb = ok_or_die(rb.changes_since(a_has_b, 0, to_a), "changes_since");
        changes_since_ms += now_ms() - p0;
        // the compact binary bundle (bundle.hpp); the JSON text form is still there
        const std::string ta = ok_or_die(werkex::bundle_to_binary(ba), "bundle_to_binary");
        const std::string tb = ok_or_die(werkex::bundle_to_binary(bb), "bundle_to_binary");
        const size_t na = ba.changes.size(), nb = bb.changes.size();
        ba = {};
        bb = {};
        double p1 = now_ms();
        auto pa = ok_or_die(werkex::bundle_from_bytes(ta), "bundle_from_bytes");
        double p2 = now_ms();
        auto reb = ok_or_die(rb.apply(pa), "apply");
        double p3 = now_ms();
        auto pb = ok_or_die(werkex::bundle_from_bytes(tb), "bundle_from_bytes");
        double p4 = now_ms();
        auto rea = ok_or_die(ra.apply(pb), "apply");
        double p5 = now_ms();
        export_ms += p1 - p0;
        parse_ms += (p2 - p1) + (p4 - p3);
        apply_ms += (p3 - p2) + (p5 - p4);
        bytes += (long long)(ta.size() + tb.size());
        messages += 2;
        changes_sent += (long long)(na + nb);
        applied += (long long)(reb.applied + rea.applied);
        unchanged += (long long)(reb.unchanged + rea.unchanged);
        rejected += (long long)(reb.rejected.size() + rea.rejected.size());
        per_pair.push_back({{"round", rounds}, {"a", a}, {"b", b},
                            {"a_to_b", {{"since", b_has_a}, {"changes", na}, {"bytes", ta.size()}}},
                            {"b_to_a", {{"since", a_has_b}, {"changes", nb}, {"bytes", tb.size()}}}});
      }
    }
    merge_ms += now_ms() - t0;
    double c0 = now_ms();
    for (int k = 0; k < K; k++) dumps[k] = ok_or_die(reps[k]->dump(), "dump");
    dumps_equal = std::all_of(dumps.begin(), dumps.end(), [&](const std::string& d) { return d == dumps[0]; });
    check_ms += now_ms() - c0;
    if (dumps_equal || rounds >= 5) break;
  }
  const json mem_after_merge = mem();
  if (rejected) std::fprintf(stderr, "werkex_peer: %lld changes rejected during merge\n", rejected);

  // ---- verify
  std::vector<State> states;
  size_t conflict_cells = 0;
  for (int k = 0; k < K; k++) states.push_back(read_state(*reps[k], w, rec_of, k == 0 ? &conflict_cells : nullptr));
  bool states_equal = std::all_of(states.begin(), states.end(), [&](const State& s) { return s == states[0]; });
  const std::string digest = digest_of(w, states[0]);

  // expected field-level LWW by (ts, replica), as workload.mjs expectedLww()
  State lww((size_t)w.R * w.F);
  std::vector<long long> best((size_t)w.R * w.F, 0);
  for (const Cell& c : w.init) lww[(size_t)c.rec * w.F + c.field] = c.value;
  for (const Cell& c : w.updates) {
    size_t cell = (size_t)c.rec * w.F + c.field;
    if (c.ts > best[cell]) {
      best[cell] = c.ts;
      lww[cell] = c.value;
    }
  }
  size_t agree = 0;
  for (size_t i = 0; i < lww.size(); i++) agree += lww[i] == states[0][i];
  const double lww_agreement = std::round(100.0 * agree / lww.size()) / 100.0;

  const size_t dump_bytes = dumps[0].size();
  dumps.clear();
  const uint64_t replica0 = reps[0]->replica_id();
  reps.clear();  // close: the last connection checkpoints the WAL into the file
  const long long saved_bytes = file_size(paths[0]);
  if (!keep)
    for (auto& p : paths) unlink_db(p);

  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  double total = 0;
  for (double x : write_ms) total += x;
  json wms = json::array();
  for (double x : write_ms) wms.push_back(r2(x));
  json out = {
      {"peer", "werkex"},
      {"version", std::string("0.1.0+") + WERKEX_COMMIT},
      {"sqlite_version", sqlite3_libversion()},
      {"layout", "entity per record"},
      {"sync", sync},
      {"durable", sync == "FULL"},
      {"pragma_synchronous", pragma_sync},
      {"pragma_journal_mode", pragma_journal},
      {"pragma_cache_size", pragma_cache},
      {"clock", clock_mode},
      {"R", w.R}, {"F", w.F}, {"K", K}, {"U", w.U}, {"seed", w.seed},
      {"load_tsv_ms", r2(load_ms)},
      {"init_ms", r2(init_ms)},
      {"init_snapshot_bytes", init_text.size()},
      {"write_ms_per_replica", wms},
      {"write_ops_per_s", std::llround((double)K * w.U / (total / 1000.0))},
      {"write_us_per_op", r2(total * 1000.0 / ((double)K * w.U))},
      {"noop_writes", noop_writes},
      {"merge_ms", r2(merge_ms)},
      {"merge_check_ms", r2(check_ms)},
      {"merge_export_ms", r2(export_ms)},
      {"merge_changes_since_ms", r2(changes_since_ms)},
      {"merge_parse_ms", r2(parse_ms)},
      {"merge_apply_ms", r2(apply_ms)},
      {"merge_apply_changes_per_s", apply_ms > 0 ? std::llround(changes_sent / (apply_ms / 1000.0)) : 0},
      {"merge_parse_apply_changes_per_s",
       parse_ms + apply_ms > 0 ? std::llround(changes_sent / ((parse_ms + apply_ms) / 1000.0)) : 0},
      {"merge_rounds", rounds},
      {"bytes_exchanged", bytes},
      {"messages", messages},
      {"changes_sent", changes_sent},
      {"changes_applied", applied},
      {"changes_unchanged", unchanged},
      {"changes_rejected", rejected},
      {"bytes_per_change_sent", changes_sent ? r2((double)bytes / changes_sent) : 0.0},
      {"pairs", per_pair},
      {"mem_baseline", mem_baseline},
      {"mem_after_writes", mem_after_writes},
      {"mem_after_merge", mem_after_merge},
      {"rss_delta_mb", r2(mem_after_merge["rss_mb"].get<double>() - mem_baseline["rss_mb"].get<double>())},
      {"peak_rss_mb", r2(ru.ru_maxrss / 1024.0)},
      {"native_converged", dumps_equal},
      {"converged", dumps_equal && states_equal},
      {"conflict_cells", conflict_cells},
      {"dump_bytes", dump_bytes},
      {"saved_bytes", saved_bytes},
      {"replica0", werkex::replica_to_hex(replica0)},
      {"digest", digest},
      {"lww_agreement", lww_agreement},
  };
  std::cout << out.dump() << std::endl;
  return 0;
}
