// The store's format version: a file of format 1 (field states as JSON text) or 2 (the binary
// codec with whole stamps) is migrated to format 3 on open and reads exactly as before; a file
// from a newer build is refused untouched; a damaged state is WX_CORRUPT wherever it is read,
// never a crash.
#include <sqlite3.h>

#include <random>

#include "test_support.hpp"
#include "werkex/bundle.hpp"

using namespace werkex;
using test::expect_ok;

namespace {

// Raw SQL on the file, beside (never during) the Replica.
struct RawDb {
  sqlite3* db = nullptr;
  explicit RawDb(const std::string& path) { REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK); }
  ~RawDb() { sqlite3_close(db); }
  void exec(const std::string& sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    INFO((err ? err : ""));
    sqlite3_free(err);
    REQUIRE(rc == SQLITE_OK);
  }
  std::string text(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    std::string out;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
  }
  void set_state(const std::string& id, std::string_view bytes, bool as_blob) {
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "UPDATE entities SET state = ?1 WHERE id = ?2", -1, &st,
                               nullptr) == SQLITE_OK);
    if (as_blob)
      sqlite3_bind_blob(st, 1, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    else
      sqlite3_bind_text(st, 1, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, id.c_str(), -1, SQLITE_TRANSIENT);
    REQUIRE(sqlite3_step(st) == SQLITE_DONE);
    sqlite3_finalize(st);
  }
  std::string state_bytes(const std::string& id) {
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT state FROM entities WHERE id = ?1", -1, &st, nullptr) ==
            SQLITE_OK);
    sqlite3_bind_text(st, 1, id.c_str(), -1, SQLITE_TRANSIENT);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    std::string out(static_cast<const char*>(sqlite3_column_blob(st, 0)),
                    static_cast<size_t>(sqlite3_column_bytes(st, 0)));
    sqlite3_finalize(st);
    return out;
  }
};

// A dossier with every kind of field state: registers, a conflict (lost write), sets with
// adds and removes, an enum, a deleted entity.
struct Dossier {
  test::TempDir dir;
  ManualClockSource clock{test::kStartMillis};
  std::string path = dir.file("a.db");
  std::vector<std::string> ids;

  void write() {
    auto a = test::open_replica(path, clock, test::pupil_identity());
    auto b = test::open_replica(dir.file("b.db"), clock, test::pupil_identity());
    std::string act =
        expect_ok(a->put({{"type", "activity"}, {"kind", "meeloopdag"}, {"title", "Bakkerij"}}));
    std::string exp =
        expect_ok(a->put({{"type", "experience"},
                          {"activity", act},
                          {"occurred_at", "2026-11-28T09:00:00Z"},
                          {"note", "deeg kneden \"heet\" \n ✓"},
                          {"competencies", {"werkexploratie", "motievenreflectie"}}}));
    expect_ok(b->apply(expect_ok(a->changes_since(0))));
    clock.advance(5);
    expect_ok(a->put({{"id", exp}, {"note", "brood bakken"}}));
    expect_ok(b->put({{"id", exp}, {"note", "taart versieren"}}));  // concurrent: one is lost
    expect_ok(b->put({{"id", exp}, {"competencies", {"werkexploratie"}}}));
    expect_ok(a->apply(expect_ok(b->changes_since(0))));
    std::string gone =
        expect_ok(a->put({{"type", "activity"}, {"kind", "bedrijfsbezoek"}, {"title", "Garage"}}));
    expect_ok(a->remove(gone));
    ids = {act, exp, gone};
  }
};

// Every field state of the entities, in the bundle's JSON form (which shows all of a state).
json all_states(Replica& r, const std::vector<std::string>& ids) {
  json out = json::object();
  for (const std::string& id : ids)
    for (const Change& c : expect_ok(r.field_states(id))) out[id].push_back(field_to_json(c));
  return out;
}

// The format-1 text of an entity's states, as builds before the binary codec stored them.
std::string json_state(const std::vector<Change>& states, uint64_t seq) {
  json arr = json::array();
  for (const Change& c : states) {
    json f = field_to_json(c);
    f["q"] = seq;
    arr.push_back(std::move(f));
  }
  return arr.dump();
}

// What a dossier reads as before its file is rewritten in an older format.
struct Snapshot {
  std::string dump;
  json states;
  std::map<std::string, std::vector<Change>> changes;
};
Snapshot snapshot(Dossier& d) {
  auto a = test::open_replica(d.path, d.clock, test::pupil_identity());
  Snapshot out{expect_ok(a->dump()), all_states(*a, d.ids), {}};
  for (const std::string& id : d.ids) out.changes[id] = expect_ok(a->field_states(id));
  return out;
}

// A migrated replica goes on working: a write, and a full bundle another replica applies.
void goes_on_working(Replica& a, Dossier& d) {
  expect_ok(a.put({{"id", d.ids[1]}, {"note", "na de migratie"}}));
  auto c = test::open_replica(d.dir.file("c.db"), d.clock, test::pupil_identity());
  CHECK(expect_ok(c->apply(expect_ok(a.changes_since(0)))).rejected.empty());
  CHECK(expect_ok(c->get(d.ids[1]))["note"] == "na de migratie");
}

// Codec 2's bytes of an entity's states (store format 2), written here from its documented
// layout rather than by synclib, which now writes codec 3 only.
class Codec2 {
 public:
  std::string state(const std::vector<Change>& states, uint64_t seq) {
    out_ = "\x02";
    varint(states.size());
    for (const Change& c : states) field(c, seq);
    return out_;
  }

 private:
  void field(const Change& c, uint64_t seq) {
    const FieldState& s = c.state;
    str(c.field);
    out_ += static_cast<char>(s.rule);
    varint(seq);
    if (s.rule == MergeRule::set) {
      str(element_key(c.element));
      stamps(s.adds);
      stamps(s.removed);
      return;
    }
    value(s.value);
    stamp(s.stamp);
    varint(s.lost.size());
    for (const LostWrite& l : s.lost) {
      value(l.value);
      stamp(l.stamp);
    }
    stamps(s.context);
  }
  void varint(uint64_t v) {
    for (; v >= 0x80; v >>= 7) out_ += static_cast<char>((v & 0x7f) | 0x80);
    out_ += static_cast<char>(v);
  }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) out_ += static_cast<char>((v >> (8 * i)) & 0xff);
  }
  void str(const std::string& s) {
    varint(s.size());
    out_ += s;
  }
  void stamp(const Stamp& s) {
    u64(s.hlc.value);
    u64(s.replica);
  }
  void stamps(const std::vector<Stamp>& v) {
    varint(v.size());
    for (const Stamp& s : v) stamp(s);
  }
  void value(const json& v) {  // the test dossier's values: null, strings and booleans
    if (v.is_null()) {
      out_ += '\x00';
    } else if (v.is_boolean()) {
      out_ += v.get<bool>() ? '\x02' : '\x01';
    } else {
      REQUIRE(v.is_string());
      out_ += '\x03';
      str(v.get<std::string>());
    }
  }
  std::string out_;
};

// The highest seq of an entity's change rows, which the old formats stored per field.
uint64_t entity_seq(RawDb& raw, const std::string& id) {
  return std::stoull(raw.text(
      "SELECT max(c.seq) FROM changes c JOIN entities e ON e.rowid = c.entity WHERE e.id = '" + id +
      "'"));
}

}  // namespace

TEST_CASE("store format: a format-2 file gets the stamp table on open and reads as before",
          "[store][format]") {
  Dossier d;
  d.write();
  const Snapshot was = snapshot(d);
  std::string format2_bytes;
  {
    RawDb raw(d.path);
    for (const std::string& id : d.ids)
      raw.set_state(id, Codec2().state(was.changes.at(id), entity_seq(raw, id)), true);
    raw.exec("UPDATE meta SET value = '2' WHERE key = 'store_format'");
    format2_bytes = raw.text("SELECT sum(length(state)) FROM entities");
  }
  auto a = test::open_replica(d.path, d.clock, test::pupil_identity());
  CHECK(expect_ok(a->dump()) == was.dump);
  CHECK(all_states(*a, d.ids) == was.states);
  RawDb raw(d.path);
  CHECK(raw.text("SELECT value FROM meta WHERE key = 'store_format'") == "3");
  CHECK(raw.text("SELECT count(*) FROM entities WHERE substr(state, 1, 1) <> x'03'") == "0");
  // What the format is for: the rows a merge rewrites are smaller.
  CHECK(std::stoull(raw.text("SELECT sum(length(state)) FROM entities")) <
        std::stoull(format2_bytes));
  goes_on_working(*a, d);
}

TEST_CASE("store format: a format-1 file is migrated on open and reads exactly as before",
          "[store][format]") {
  Dossier d;
  d.write();
  const Snapshot was = snapshot(d);
  {
    RawDb raw(d.path);
    for (const std::string& id : d.ids) {
      std::string seq = raw.text(
          "SELECT max(c.seq) FROM changes c JOIN entities e ON e.rowid = "
          "c.entity WHERE e.id = '" +
          id + "'");
      raw.set_state(id, json_state(was.changes.at(id), std::stoull(seq)), false);
    }
    raw.exec("UPDATE meta SET value = '1' WHERE key = 'store_format'");
  }
  auto a = test::open_replica(d.path, d.clock, test::pupil_identity());
  CHECK(expect_ok(a->dump()) == was.dump);
  CHECK(all_states(*a, d.ids) == was.states);
  RawDb raw(d.path);
  CHECK(raw.text("SELECT value FROM meta WHERE key = 'store_format'") == "3");
  CHECK(raw.text("SELECT count(*) FROM entities WHERE typeof(state) <> 'blob'") == "0");
  // And it goes on working: a write, and a full bundle another replica applies.
  goes_on_working(*a, d);
}

TEST_CASE("store format: a file from a newer build is refused and left as it was",
          "[store][format][validation]") {
  Dossier d;
  d.write();
  {
    RawDb raw(d.path);
    raw.exec("UPDATE meta SET value = '4' WHERE key = 'store_format'");
  }
  ReplicaOptions o;
  o.clock = &d.clock;
  auto r = Replica::open(d.path, o);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == WX_CORRUPT);
  CHECK_THAT(r.error().message, Catch::Contains("newer werkex") && Catch::Contains("format 4"));
  RawDb raw(d.path);
  CHECK(raw.text("SELECT value FROM meta WHERE key = 'store_format'") == "4");
  raw.exec("UPDATE meta SET value = 'two' WHERE key = 'store_format'");
  auto bad = Replica::open(d.path, o);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == WX_CORRUPT);
}

TEST_CASE("store format: a damaged state is WX_CORRUPT wherever it is read, never a crash",
          "[store][format][validation]") {
  Dossier d;
  d.write();
  const std::string exp = d.ids[1];
  std::string good;
  {
    RawDb raw(d.path);
    good = raw.state_bytes(exp);
  }
  REQUIRE(good.size() > 20);
  std::mt19937 rng(7);
  auto try_damaged = [&](const std::string& bytes) {
    {
      RawDb raw(d.path);
      raw.set_state(exp, bytes, true);
    }
    auto a = test::open_replica(d.path, d.clock, test::pupil_identity());
    auto states = a->field_states(exp);
    auto put = a->put({{"id", exp}, {"note", "nog een keer"}});
    auto changes = a->changes_since(0);
    // A flipped byte inside a text is still a state; anything else must be refused.
    if (!states) CHECK(states.error().code == WX_CORRUPT);
    if (!put) CHECK(put.error().code == WX_CORRUPT);
    if (!changes) CHECK(changes.error().code == WX_CORRUPT);
    return !states;
  };
  size_t refused = 0;
  for (size_t n = 0; n < good.size(); n += 1 + n / 8) refused += try_damaged(good.substr(0, n));
  CHECK(refused > 0);
  for (int i = 0; i < 40; ++i) {
    std::string flipped = good;
    flipped[rng() % flipped.size()] ^= static_cast<char>(1 + rng() % 255);
    try_damaged(flipped);
  }
  CHECK(try_damaged("[{\"f\":\"note\"}]"));  // JSON in a format-3 file is damage too
}
