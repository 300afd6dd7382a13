// The device's own guarantees (issue 10 items 3, 4, 5, 13): multi-entity verbs commit whole,
// two writers on one file both succeed, deleting a blob takes its hash out of the entries,
// received blobs must name their content, the database is private, and the quarantine's
// entries can be dropped and retried one by one.
#include <sys/stat.h>

#include <fstream>

#include "test_support.hpp"
#include "werkex/blob_store.hpp"
#include "werkex/dossier.hpp"
#include "werkex/ids.hpp"

using namespace werkex;
using test::expect_ok;

namespace {

const std::string kAbcSha = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

std::string write_file(const test::TempDir& dir, const std::string& name,
                       const std::string& bytes) {
  std::string p = dir.file(name);
  std::ofstream f(p, std::ios::binary);
  f << bytes;
  REQUIRE(f.good());
  return p;
}

size_t count_of(Replica& r, const std::string& type) {
  Query q;
  q.type = type;
  return expect_ok(r.count(q));
}

unsigned mode_of(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 0777;
}

// An activity, an experience, a reflection and a next step of the pupil.
struct Cycle {
  std::string activity, experience, reflection, step;
  explicit Cycle(Replica& r) {
    activity = expect_ok(r.put({{"type", "activity"}, {"kind", "snuffelstage"}}));
    experience = expect_ok(r.put(
        {{"type", "experience"}, {"activity", activity}, {"occurred_at", "2026-11-28T09:00:00Z"}}));
    reflection = expect_ok(r.put({{"type", "reflection"}, {"experiences", {experience}}}));
    step = expect_ok(r.put(
        {{"type", "next_step"}, {"reflection", reflection}, {"description", "Bij de bakker"}}));
  }
};

}  // namespace

TEST_CASE("device: an activity from a next step whose back link is refused leaves nothing",
          "[device][atomic]") {
  // A schema in which the back link is written once: a second activity from the same next
  // step fails on its second write, after the activity itself was written.
  json text = json::parse(Schema::builtin_text());
  text["types"]["next_step"]["fields"]["became_activity"]["immutable"] = true;
  ReplicaOptions options;
  options.schema = expect_ok(Schema::parse(text.dump()));
  ManualClockSource clock(test::kStartMillis);
  options.clock = &clock;
  test::TempDir dir;
  auto r = expect_ok(Replica::open(dir.file("phone.db"), options));
  expect_ok(r->set_identity(test::pupil_identity()));
  Cycle c(*r);
  Dossier d(*r);
  ActivityPlan plan;
  plan.kind = "meeloopdag";
  plan.from_next_step = c.step;
  std::string first = expect_ok(d.plan_activity(plan));
  const uint64_t seq = r->last_seq();
  const std::string before = expect_ok(r->dump());

  auto second = d.plan_activity(plan);
  REQUIRE_FALSE(second);
  CHECK(second.error().code == WX_CONFLICT);
  CHECK(count_of(*r, "activity") == 2);  // the cycle's and the first: the second is gone
  CHECK(expect_ok(r->dump()) == before);
  CHECK(expect_ok(r->changes_since(seq)).changes.empty());
  CHECK(expect_ok(r->get(c.step))["became_activity"] == first);
}

TEST_CASE("device: two replicas on one database file write in turn without a seq clash",
          "[device][writers]") {
  test::TempDir dir;
  SystemClockSource clock;
  const std::string path = dir.file("phone.db");
  auto app = test::open_replica(path, clock, test::pupil_identity());
  auto widget = test::open_replica(path, clock, test::pupil_identity());
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) {
    // Each writer's in-memory sequence and clock are stale after the other one wrote.
    Replica& w = i % 2 ? *widget : *app;
    auto id = w.put({{"type", "activity"}, {"kind", "gastles"}, {"title", std::to_string(i)}});
    if (!id) FAIL("write " << i << ": " << id.error().to_string());
    ids.push_back(*id);
  }
  CHECK(count_of(*app, "activity") == 10);
  // Every write got its own seq and stamps kept increasing across the two writers.
  Bundle all = expect_ok(app->changes_since(0));
  std::map<std::string, Stamp> title_stamp;
  for (const Change& ch : all.changes)
    if (ch.field == "title") title_stamp[ch.entity] = ch.state.stamp;
  REQUIRE(title_stamp.size() == 10);
  for (size_t i = 1; i < ids.size(); ++i) CHECK(title_stamp[ids[i - 1]] < title_stamp[ids[i]]);
  // Another device receives all of it.
  auto other = test::open_replica(dir.file("tablet.db"), clock, test::pupil_identity());
  expect_ok(other->apply(all));
  CHECK(expect_ok(other->dump()) == expect_ok(widget->dump()));
}

TEST_CASE("device: deleting a blob removes its hash from the entry, here and on other devices",
          "[device][blob]") {
  test::TempDir dir;
  ManualClockSource clock(test::kStartMillis);
  auto phone = test::open_replica(dir.file("phone.db"), clock, test::pupil_identity());
  auto tablet = test::open_replica(dir.file("tablet.db"), clock, test::pupil_identity());
  Cycle c(*phone);
  BlobStore store = expect_ok(BlobStore::open(*phone));
  AttachedBlob once = expect_ok(store.attach(c.experience, write_file(dir, "a.jpg", "abc")));
  AttachedBlob twice = expect_ok(store.attach(c.experience, write_file(dir, "b.jpg", "abc")));
  AttachedBlob other = expect_ok(store.attach(c.activity, write_file(dir, "c.jpg", "abc")));
  expect_ok(tablet->apply(expect_ok(phone->changes_since(0))));
  const uint64_t synced = phone->last_seq();

  // The same content is attached to the experience twice: deleting one keeps the photo.
  RemoveReport r1 = expect_ok(phone->delete_entity(once.blob_id));
  CHECK(r1.type == "blob");
  CHECK(r1.references_removed.empty());
  CHECK(expect_ok(phone->get(c.experience))["photos"] == json::array({kAbcSha}));
  // The last blob attached to the experience goes: the photo leaves its photos, in the same
  // transaction, although a blob of that content is still attached to the activity.
  RemoveReport r2 = expect_ok(phone->delete_entity(twice.blob_id));
  REQUIRE(r2.references_removed.size() == 1);
  CHECK(r2.references_removed[0].entity == c.experience);
  CHECK(r2.references_removed[0].field == "photos");
  CHECK(r2.references_removed[0].value == kAbcSha);
  CHECK_FALSE(expect_ok(phone->get(c.experience)).contains("photos"));
  CHECK(r2.to_json()["deleted"] == twice.blob_id);

  // Another device sees both the deletes and the photo gone, never a hash without a blob.
  expect_ok(tablet->apply(expect_ok(phone->changes_since(synced))));
  CHECK(expect_ok(tablet->dump()) == expect_ok(phone->dump()));
  CHECK_FALSE(expect_ok(tablet->get(c.experience)).contains("photos"));
  CHECK(expect_ok(tablet->get(twice.blob_id))["deleted"] == true);
  CHECK(expect_ok(tablet->get(other.blob_id)).value("deleted", false) == false);
}

TEST_CASE("device: a received blob entity without sha256 is refused, other blob fields are fine",
          "[device][blob][apply]") {
  test::TempDir dir;
  ManualClockSource clock(test::kStartMillis);
  auto phone = test::open_replica(dir.file("phone.db"), clock, test::pupil_identity());
  auto tablet = test::open_replica(dir.file("tablet.db"), clock, test::pupil_identity());
  Cycle c(*phone);
  expect_ok(tablet->apply(expect_ok(phone->changes_since(0))));
  BlobStore store = expect_ok(BlobStore::open(*phone));
  AttachedBlob a = expect_ok(store.attach(c.experience, write_file(dir, "a.jpg", "abc")));
  Bundle full = expect_ok(phone->changes_since(0));

  // The blob's changes without its sha256: it would exist without naming its content.
  Bundle partial = full;
  std::erase_if(partial.changes,
                [&](const Change& ch) { return ch.entity == a.blob_id && ch.field == "sha256"; });
  ApplyReport refused = expect_ok(tablet->apply(partial));
  CHECK(refused.rejected.size() == 4);  // size, mime, file_name, attached_to
  for (const RejectedChange& rc : refused.rejected) {
    CHECK(rc.entity == a.blob_id);
    CHECK(rc.error.code == WX_INVALID_ARGUMENT);
    CHECK_THAT(rc.error.message, Catch::Contains("sha256"));
  }
  CHECK_FALSE(tablet->get(a.blob_id));

  // The whole blob arrives; later a change carrying only its caption is fine.
  CHECK(expect_ok(tablet->apply(full)).rejected.empty());
  const uint64_t seq = phone->last_seq();
  expect_ok(phone->put({{"id", a.blob_id}, {"caption", "De keuken"}}));
  Bundle caption = expect_ok(phone->changes_since(seq));
  REQUIRE(caption.changes.size() == 1);
  CHECK(expect_ok(tablet->apply(caption)).rejected.empty());
  CHECK(expect_ok(tablet->get(a.blob_id))["caption"] == "De keuken");
  // A device that never had the blob refuses the caption alone, and takes a tombstone alone.
  auto fresh = test::open_replica(dir.file("fresh.db"), clock, test::pupil_identity());
  CHECK(expect_ok(fresh->apply(caption)).rejected.size() == 1);
  const uint64_t before_delete = phone->last_seq();
  expect_ok(phone->remove(a.blob_id));
  Bundle deletes = expect_ok(phone->changes_since(before_delete));
  std::erase_if(deletes.changes, [&](const Change& ch) { return ch.entity != a.blob_id; });
  CHECK(expect_ok(fresh->apply(deletes)).rejected.empty());
}

TEST_CASE("device: the database, its -wal and -shm and the blob files are private (0600)",
          "[device][mode]") {
  test::TempDir dir;
  ManualClockSource clock(test::kStartMillis);
  const std::string path = dir.file("phone.db");
  mode_t old_mask = ::umask(022);
  {
    auto r = test::open_replica(path, clock, test::pupil_identity());
    Cycle c(*r);
    expect_ok(r->set_setting("token", "secret"));
    BlobStore store = expect_ok(BlobStore::open(*r));
    expect_ok(store.attach(c.experience, write_file(dir, "a.jpg", "abc")));
    CHECK(mode_of(path) == 0600);
    CHECK(mode_of(path + "-wal") == 0600);
    CHECK(mode_of(path + "-shm") == 0600);
    CHECK(mode_of(store.dir()) == 0700);
    CHECK(mode_of(store.path(kAbcSha)) == 0600);
  }
  // A database an older version left readable to everyone is made private when opened.
  ::chmod(path.c_str(), 0644);
  {
    auto r = test::open_replica(path, clock, test::pupil_identity());
    CHECK(mode_of(path) == 0600);
  }
  ::umask(old_mask);
}

TEST_CASE("device: a quarantined change says whose it was and can be dropped or retried",
          "[device][quarantine]") {
  test::TempDir dir;
  ManualClockSource clock(test::kStartMillis);
  auto r = test::open_replica(dir.file("phone.db"), clock, test::pupil_identity());
  Cycle c(*r);
  const uint64_t pushed = r->last_seq();
  Error refused = make_error(WX_PERMISSION_DENIED, "not yours");
  expect_ok(r->quarantine({{c.activity, "kind", refused}, {c.step, "description", refused}}));
  auto items = expect_ok(r->quarantined());
  REQUIRE(items.size() == 2);
  for (const QuarantinedChange& q : items) {
    CHECK(q.replica == replica_to_hex(r->replica_id()));
    CHECK(q.author == test::pupil_identity().user);
    CHECK(q.to_json()["id"] == q.entity + "/" + q.field);
  }

  // Unknown entries are errors and change nothing.
  CHECK(r->drop_quarantined(c.activity, "title").code() == WX_NOT_FOUND);
  CHECK(r->retry_quarantined("nope", "kind").code() == WX_NOT_FOUND);
  CHECK(expect_ok(r->quarantined()).size() == 2);

  // Retry: the field is pushed again at the next sync (same value and stamp, new seq).
  CHECK(expect_ok(r->changes_since(pushed)).changes.empty());
  const Change before = [&] {
    for (const Change& ch : expect_ok(r->changes_since(0)).changes)
      if (ch.entity == c.activity && ch.field == "kind") return ch;
    FAIL("no kind");
    return Change{};
  }();
  expect_ok(r->retry_quarantined(c.activity, "kind"));
  Bundle again = expect_ok(r->changes_since(pushed));
  REQUIRE(again.changes.size() == 1);
  CHECK(again.changes[0].field == "kind");
  CHECK(again.changes[0].state == before.state);
  expect_ok(r->drop_quarantined(c.step, "description"));
  CHECK(expect_ok(r->quarantined()).empty());
}

TEST_CASE("device: one failed blob upload is queued again by its hash", "[device][blob]") {
  test::TempDir dir;
  ManualClockSource clock(test::kStartMillis);
  auto r = test::open_replica(dir.file("phone.db"), clock, test::pupil_identity());
  Cycle c(*r);
  BlobStore store = expect_ok(BlobStore::open(*r));
  expect_ok(store.attach(c.experience, write_file(dir, "a.jpg", "abc")));
  CHECK(store.retry_failed(kAbcSha).code() == WX_NOT_FOUND);  // pending, not failed
  CHECK(store.retry_failed("abc").code() == WX_INVALID_ARGUMENT);
  expect_ok(store.mark_failed(kAbcSha, "corrupt"));
  expect_ok(store.retry_failed(kAbcSha));
  CHECK(expect_ok(store.info(kAbcSha)).state == BlobState::local_pending_upload);
}

TEST_CASE("device: refused states are withdrawn unless written again, new entities go whole",
          "[device][quarantine]") {
  test::TempDir dir;
  ManualClockSource clock(test::kStartMillis);
  auto phone = test::open_replica(dir.file("phone.db"), clock, test::pupil_identity());
  Cycle c(*phone);
  // What the server holds: the cycle as first written, also on a second device.
  auto fresh = test::open_replica(dir.file("fresh.db"), clock, test::pupil_identity());
  expect_ok(fresh->apply(expect_ok(phone->changes_since(0))));
  const uint64_t mark = phone->last_seq();
  clock.advance(1000);
  expect_ok(phone->put({{"id", c.activity}, {"kind", "bedrijfsbezoek"}, {"title", "Bakkerij"}}));
  expect_ok(phone->put({{"id", c.reflection}, {"experiences", json::array()}}));
  std::string extra = expect_ok(phone->put({{"type", "activity"}, {"kind", "interview"}}));
  Bundle pushed = expect_ok(phone->changes_since(mark));
  // A later local write to one refused field, made before the answer came.
  clock.advance(1000);
  expect_ok(phone->put({{"id", c.activity}, {"title", "Bakkerij De Korenschoof"}}));

  Error no = make_error(WX_PERMISSION_DENIED, "not yours");
  std::vector<RejectedChange> refused = {
      {c.activity, "kind", no}, {c.activity, "title", no}, {c.reflection, "experiences", no}};
  for (const Change& ch : pushed.changes)
    if (ch.entity == extra) refused.push_back({extra, ch.field, no});
  auto buckets = expect_ok(phone->withdraw_refused(refused, pushed));
  CHECK(buckets.size() == 1);
  // Withdrawn, the fields hold nothing until the bucket is pulled again from the start.
  CHECK_FALSE(expect_ok(phone->get(c.activity)).contains("kind"));
  ApplyOptions from_server;
  from_server.from_server = true;
  expect_ok(phone->apply(expect_ok(fresh->changes_since(0)), from_server));
  json act = expect_ok(phone->get(c.activity));
  CHECK(act["kind"] == "snuffelstage");              // back to what the server holds
  CHECK(act["title"] == "Bakkerij De Korenschoof");  // written again since: kept
  CHECK(expect_ok(phone->get(c.reflection))["experiences"] == json::array({c.experience}));
  CHECK(phone->get(extra).error().code == WX_NOT_FOUND);  // never accepted anywhere
  auto entries = expect_ok(phone->quarantined());
  REQUIRE(entries.size() == refused.size());
  for (const QuarantinedChange& q : entries) {
    INFO(q.id());
    CHECK(q.withdrawn == !(q.entity == c.activity && q.field == "title"));
    if (q.entity == c.activity && q.field == "kind") CHECK(q.value == "bedrijfsbezoek");
    if (q.field == "experiences") CHECK(q.value.is_null());  // the document omits empty sets
  }
  // Nothing of the withdrawn states is pushed again; the newer title is.
  ChangeFilter mine;
  mine.skip_from_server = true;
  Bundle next = expect_ok(phone->changes_since(pushed.upto_seq, 0, mine));
  REQUIRE(next.changes.size() == 1);
  CHECK(next.changes[0].field == "title");
  // Apart from that title, the phone holds what a device that never saw the refused writes
  // holds.
  expect_ok(phone->put({{"id", c.activity}, {"title", json()}}));
  expect_ok(fresh->put({{"id", c.activity}, {"title", json()}}));
  json a = expect_ok(phone->get(c.activity)), b = expect_ok(fresh->get(c.activity));
  CHECK(a["kind"] == b["kind"]);
  CHECK(count_of(*phone, "activity") == count_of(*fresh, "activity"));
  CHECK(expect_ok(phone->get(c.reflection)) == expect_ok(fresh->get(c.reflection)));
  // Retrying a withdrawn field writes the kept value again, as a new write.
  expect_ok(phone->retry_quarantined(c.activity, "kind"));
  CHECK(expect_ok(phone->get(c.activity))["kind"] == "bedrijfsbezoek");
  CHECK(phone->retry_quarantined(extra, "kind").code() == WX_NOT_FOUND);
}
