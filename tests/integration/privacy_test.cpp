// Privacy of minors (issue 13), from the attacker's side through the real server: a
// supervisor gets only the part of a pupil's dossier that belongs to her placement (by pull,
// also after links change and change back, and by blob GET), and a parent reads their own
// child's dossier and comments while the school lets them, and nothing else.
#include <set>

#include "raw_pull.hpp"
#include "werkex/dossier.hpp"
#include "werkex/ids.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

std::string str_of(const json& doc, const char* key) {
  return doc.value(key, std::string());
}

// A first write of an immutable field (a comment's `on`), as a device makes it.
FieldState once_write(json value, Stamp stamp) {
  return register_write(empty_state(MergeRule::once), std::move(value), stamp);
}

// The ids of every entity `d` holds of `bucket`.
std::set<std::string> held_ids(const Device& d, const std::string& bucket) {
  Query q;
  q.bucket = bucket;
  q.include_deleted = true;
  std::set<std::string> out;
  for (const json& e : expect_ok(d.replica->list(q))) out.insert(str_of(e, "id"));
  return out;
}

// The ids of the entities a hand-made pull of `bucket` (raw_pull.hpp) is answered with.
std::set<std::string> raw_pull(const ServerProcess& server, const Device& d,
                               const std::string& bucket) {
  std::set<std::string> out;
  for (const Change& c : raw_pull_changes(server, d, bucket)) out.insert(c.entity);
  return out;
}

// The running placement of `pupil` with the demo's supervisor, as the pupil's phone holds it.
std::string running_placement(const Device& pupil) {
  Query q =
      Query::where("placement", pupil.replica->identity().school_bucket, "pupil", pupil.user());
  for (const json& p : expect_ok(pupil.replica->list(q)))
    if (str_of(p, "end_date") >= rfc3339_utc(pupil.replica->clock().physical_millis()))
      return str_of(p, "id");
  FAIL("no running placement");
  return "";
}

// A photo of `bytes` on `entry`, named in its photos, uploaded.
std::string add_photo(Device& pupil, const std::string& entry, const std::string& bytes) {
  const std::string sha = sha256_hex(bytes);
  expect_ok(pupil.replica->put({{"type", "blob"},
                                {"sha256", sha},
                                {"size", bytes.size()},
                                {"mime", "image/jpeg"},
                                {"attached_to", entry}}));
  expect_ok(pupil.replica->put({{"id", entry}, {"photos", {{"add", json::array({sha})}}}}));
  REQUIRE(pupil.sync().rejected.empty());
  BlobClient up(expect_ok(pupil.replica->setting("server")).value(), token_of(pupil));
  REQUIRE(up.put(sha, bytes, 0, bytes.size()).status == 200);
  return sha;
}

// Sem's dossier: a placement activity with its cycle, and a hobby with its own.
struct SemsDossier {
  std::string placement, work, work_exp, work_sha, reflection, next_step;
  std::string hobby, hobby_exp, hobby_sha, hobby_reflection, contact;
  std::string work_bytes = photo(3000, 1), hobby_bytes = photo(3000, 2);

  explicit SemsDossier(Device& sem) {
    sem.sync();  // the phone holds his placement from the school bucket
    Dossier d(*sem.replica);
    placement = running_placement(sem);
    ActivityPlan plan;
    plan.kind = "snuffelstage";
    plan.title = "Bistro Noord";
    plan.extra = {{"placement", placement}};
    work = expect_ok(d.plan_activity(plan));
    ActivityPlan hobby_plan;
    hobby_plan.kind = "thuis_hobby";
    hobby_plan.title = "Gamen met mijn neef";
    hobby = expect_ok(d.plan_activity(hobby_plan));
    work_exp = experience(d, work, "Ik mocht de saus maken");
    hobby_exp = experience(d, hobby, "Thuis was het weer ruzie");
    ReflectionDraft r;
    r.experiences = {work_exp};
    r.qualities = {"netjes"};
    reflection = expect_ok(d.reflect(r));
    NextStepDraft n;
    n.reflection = reflection;
    n.description = "Nog een dag in een grotere keuken";
    next_step = expect_ok(d.choose_next_step(n));
    ReflectionDraft hr;
    hr.experiences = {hobby_exp};
    hr.motives = {"ik wil weg van huis"};
    hobby_reflection = expect_ok(d.reflect(hr));
    contact = expect_ok(d.add_contact("Neef Daan", {{"met_at", hobby_exp}}));
    REQUIRE(sem.sync().rejected.empty());
    work_sha = add_photo(sem, work_exp, work_bytes);
    hobby_sha = add_photo(sem, hobby_exp, hobby_bytes);
  }
  static std::string experience(Dossier& d, const std::string& act, const std::string& note) {
    ExperienceDraft e;
    e.activity = act;
    e.note = note;
    return expect_ok(d.record_experience(e));
  }
  std::set<std::string> private_ids() const {
    return {hobby, hobby_exp, hobby_reflection, contact};
  }
};

// Whether the supervisor's phone and a raw pull hold none of `ids`, and her GET of `sha` is
// refused like a hash that exists nowhere.
void check_unseen(const ServerProcess& server, Device& ans, const std::string& bucket,
                  const std::set<std::string>& ids, const std::string& sha) {
  const std::set<std::string> held = held_ids(ans, bucket), pulled = raw_pull(server, ans, bucket);
  for (const std::string& id : ids) {
    INFO("entity " << id);
    CHECK_FALSE(held.count(id));
    CHECK_FALSE(pulled.count(id));
  }
  BlobClient get(server.url(), token_of(ans));
  CHECK(get.get(sha).status == 404);
  CHECK(get.head(sha).status == 404);
  CHECK(get.get(sha256_hex("no such photo")).status == 404);
}

}  // namespace

TEST_CASE("privacy: supervisor never sees hobby experience", "[integration][access][privacy][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device ans(dir.file("ans.db"), server.url(), server.code("Ans Bakker"));
  SemsDossier s(sem);
  const std::string bucket = "pupil:" + sem.user();
  ans.sync();

  // Her placement's cycle and photo reach her; the hobby, its reflection and contact do not.
  const std::set<std::string> held = held_ids(ans, bucket);
  for (const std::string& id : {s.work, s.work_exp, s.reflection, s.next_step}) {
    INFO("entity " << id);
    CHECK(held.count(id));
  }
  check_unseen(server, ans, bucket, s.private_ids(), s.hobby_sha);
  BlobClient get(server.url(), token_of(ans));
  HttpResponse work_photo = get.get(s.work_sha);
  REQUIRE(work_photo.status == 200);
  CHECK(work_photo.body == s.work_bytes);
  // Nothing else either: every entity she holds of the dossier is one of her placement's.
  const std::set<std::string> placement_part = {s.work, s.work_exp, s.reflection, s.next_step};
  for (const std::string& id : raw_pull(server, ans, bucket)) {
    json e = expect_ok(ans.replica->get(id));
    INFO(e.dump());
    if (e["type"] == "blob")
      CHECK(e["sha256"] == s.work_sha);
    else
      CHECK(placement_part.count(id));
  }
}

TEST_CASE("privacy: a supervisor's view follows the links, both ways, and her phone purges",
          "[integration][access][privacy][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device ans(dir.file("ans.db"), server.url(), server.code("Ans Bakker"));
  SemsDossier s(sem);
  const std::string bucket = "pupil:" + sem.user();
  ans.sync();
  check_unseen(server, ans, bucket, {s.hobby_exp}, s.hobby_sha);

  // The pupil links the hobby experience to the placement's activity: it (and its photo)
  // became part of her placement, though written long before her cursor.
  expect_ok(sem.replica->put({{"id", s.hobby_exp}, {"activity", s.work}}));
  sem.sync();
  ans.sync();
  CHECK(expect_ok(ans.replica->get(s.hobby_exp))["note"] == "Thuis was het weer ruzie");
  CHECK(raw_pull(server, ans, bucket).count(s.hobby_exp));
  BlobClient get(server.url(), token_of(ans));
  CHECK(get.get(s.hobby_sha).status == 200);
  // Her comment on it while it is hers goes up; one written while the pupil takes it back is
  // refused and kept visible on her phone.
  std::string comment = expect_ok(Dossier(*ans.replica).comment(s.hobby_exp, "Goed gezien"));
  REQUIRE(ans.sync().rejected.empty());

  // And back: it leaves her view, her phone and the blob GET, with her comment on it.
  expect_ok(sem.replica->put({{"id", s.hobby_exp}, {"activity", s.hobby}}));
  sem.sync();
  std::string late = expect_ok(Dossier(*ans.replica).comment(s.hobby_exp, "Nog iets"));
  SyncReport r = ans.sync();
  REQUIRE(r.rejected.size() >= 1);
  for (const RejectedChange& c : r.rejected) {
    CHECK(c.entity == late);
    CHECK(c.error.code == WX_PERMISSION_DENIED);
  }
  check_unseen(server, ans, bucket, {s.hobby_exp, comment, late}, s.hobby_sha);
  CHECK(held_ids(ans, bucket).count(s.work_exp));  // what stays hers stays
  CHECK(bool(ans.replica->get(s.work)));
  // The pupil still has everything, her first comment included.
  sem.sync();
  CHECK(expect_ok(sem.replica->get(comment))["body"] == "Goed gezien");
}

TEST_CASE("privacy: a supervisor writes only comments and sign-offs, only on her placement's part",
          "[integration][access][privacy][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device aisha(dir.file("aisha.db"), server.url(), server.code("Aisha"));
  Device ans(dir.file("ans.db"), server.url(), server.code("Ans Bakker"));
  SemsDossier s(sem);
  ans.sync();
  const std::string bucket = "pupil:" + sem.user();
  const uint64_t me = ans.replica->replica_id();
  auto stamp = [&]() { return Stamp{ans.replica->clock().now(), me}; };
  Bundle forged = expect_ok(ans.replica->changes_since(0));
  auto new_id = [&]() { return new_uuid_v7(ans.replica->clock().physical_millis()); };
  const std::string c1 = new_id(), c2 = new_id(), c3 = new_id();
  forged.changes = {
      // a comment on the hobby experience she never saw (its id told her by someone)
      {c1, "comment", bucket, "on", json(), once_write(s.hobby_exp, stamp())},
      {c1, "comment", bucket, "body", json(), lww_write("gezien", stamp())},
      // a change to an entry of her placement's part that is not hers to write
      {s.work_exp, "experience", bucket, "note", json(), lww_write("anders", stamp())},
      // a comment in a dossier she has no placement in any more
      {c2, "comment", "pupil:" + aisha.user(), "on", json(), once_write(s.work, stamp())},
      {c2, "comment", "pupil:" + aisha.user(), "body", json(), lww_write("hoi", stamp())},
      // a change to the hobby itself
      {s.hobby, "activity", bucket, "title", json(), lww_write("weg", stamp())},
      // an entry of the pupil's own kind
      {c3, "experience", bucket, "note", json(), lww_write("verzonnen", stamp())},
  };
  expect_ok(ans.replica->apply(forged));
  SyncReport r = ans.sync();
  std::set<std::string> refused;
  for (const RejectedChange& c : r.rejected) {
    CHECK(c.error.code == WX_PERMISSION_DENIED);
    refused.insert(c.entity + "/" + c.field);
  }
  CHECK(refused == std::set<std::string>{c1 + "/on", c1 + "/body", s.work_exp + "/note", c2 + "/on",
                                         c2 + "/body", s.hobby + "/title", c3 + "/note"});
  sem.sync();
  CHECK(expect_ok(sem.replica->get(s.hobby))["title"] == "Gamen met mijn neef");
  CHECK_FALSE(bool(sem.replica->get(c1)));
  CHECK_FALSE(bool(sem.replica->get(c3)));
}

namespace {

std::string sem_in_school(Device& counsellor, const std::string& name) {
  Query q = Query::where("person", counsellor.replica->identity().school_bucket, "name", name);
  auto found = expect_ok(counsellor.replica->list(q));
  REQUIRE(found.size() == 1);
  return str_of(found[0], "id");
}

void switch_parent_access(Device& counsellor, const std::string& pupil, bool on) {
  expect_ok(counsellor.replica->put({{"id", pupil}, {"parent_access", on}}));
  REQUIRE(counsellor.sync().rejected.empty());
}

}  // namespace

TEST_CASE("privacy: a parent reads their child's dossier and comments while the school lets them",
          "[integration][access][privacy][parent][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device aisha(dir.file("aisha.db"), server.url(), server.code("Aisha"));
  Device counsellor(dir.file("devries.db"), server.url(), server.code("Meneer De Vries"));
  Device parent(dir.file("ouder.db"), server.url(), server.code("Ouder van Sem"));
  SemsDossier s(sem);
  const std::string aishas = expect_ok(aisha.replica->put(
      {{"type", "experience"}, {"occurred_at", "2026-11-30T10:00:00Z"}, {"note", "van Aisha"}}));
  aisha.sync();
  counsellor.sync();
  const std::string bucket = "pupil:" + sem.user(), school = sem.replica->identity().school_bucket;
  REQUIRE(sem_in_school(counsellor, "Sem") == sem.user());

  // Enrolled, but the school has not switched it on: their own person and nothing else.
  parent.sync();
  CHECK(expect_ok(parent.replica->buckets()) == std::vector<std::string>{school});
  CHECK(held_ids(parent, school) == std::set<std::string>{parent.user()});
  CHECK(raw_pull(server, parent, bucket).empty());

  // On: the whole dossier (hobby too), the child's person, still no school network.
  switch_parent_access(counsellor, sem.user(), true);
  parent.sync();
  const std::set<std::string> held = held_ids(parent, bucket);
  for (const std::string& id : {s.work, s.work_exp, s.hobby, s.hobby_exp, s.contact})
    CHECK(held.count(id));
  CHECK(held_ids(parent, school) == std::set<std::string>{parent.user(), sem.user()});
  BlobClient get(server.url(), token_of(parent));
  CHECK(get.get(s.hobby_sha).body == s.hobby_bytes);
  // Not another pupil's dossier, not by asking for it either.
  CHECK(raw_pull(server, parent, "pupil:" + aisha.user()).empty());
  CHECK_FALSE(bool(parent.replica->get(aishas)));

  // A comment goes up and reaches the child, written in the parent's name.
  const std::string comment = expect_ok(Dossier(*parent.replica).comment(s.work_exp, "Knap!"));
  REQUIRE(parent.sync().rejected.empty());
  sem.sync();
  CHECK(expect_ok(sem.replica->get(comment))["author"] == parent.user());

  // Anything else is refused: an entry of the child's, a new experience, another dossier,
  // the school's switch.
  const uint64_t me = parent.replica->replica_id();
  auto stamp = [&]() { return Stamp{parent.replica->clock().now(), me}; };
  auto new_id = [&]() { return new_uuid_v7(parent.replica->clock().physical_millis()); };
  const std::string made = new_id(), other = new_id();
  Bundle forged = expect_ok(parent.replica->changes_since(0));
  forged.changes = {
      {s.work_exp, "experience", bucket, "note", json(), lww_write("anders", stamp())},
      {made, "experience", bucket, "note", json(), lww_write("verzonnen", stamp())},
      {other, "comment", "pupil:" + aisha.user(), "on", json(), once_write(aishas, stamp())},
      {sem.user(), "person", school, "parent_access", json(), lww_write(true, stamp())},
  };
  expect_ok(parent.replica->apply(forged));
  SyncReport r = parent.sync();
  REQUIRE(r.rejected.size() == 4);
  for (const RejectedChange& c : r.rejected) CHECK(c.error.code == WX_PERMISSION_DENIED);

  // Off: the dossier is revoked at the next sync and leaves the phone, the child's person too.
  switch_parent_access(counsellor, sem.user(), false);
  SyncReport off = parent.sync();
  CHECK(off.revoked == std::vector<std::string>{bucket});
  CHECK(held_ids(parent, bucket).empty());
  CHECK(held_ids(parent, school) == std::set<std::string>{parent.user()});
  CHECK(raw_pull(server, parent, bucket).empty());
  CHECK(get.get(s.hobby_sha).status == 404);
  sem.sync();
  CHECK(expect_ok(sem.replica->get(s.work_exp))["note"] == "Ik mocht de saus maken");
}

TEST_CASE("privacy: a pupil agrees to their parents' access on their own person, nothing more",
          "[integration][access][privacy][parent][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  sem.sync();
  const std::string school = sem.replica->identity().school_bucket;
  expect_ok(sem.replica->put({{"id", sem.user()}, {"parent_consent", true}}));
  REQUIRE(sem.sync().rejected.empty());
  // The school's switch, his name and anyone else's person are not his to write.
  const uint64_t me = sem.replica->replica_id();
  auto stamp = [&]() { return Stamp{sem.replica->clock().now(), me}; };
  Bundle forged = expect_ok(sem.replica->changes_since(0));
  forged.changes = {
      {sem.user(), "person", school, "parent_access", json(), lww_write(true, stamp())},
      {sem.user(), "person", school, "name", json(), lww_write("Baas", stamp())},
  };
  expect_ok(sem.replica->apply(forged));
  SyncReport r = sem.sync();
  REQUIRE(r.rejected.size() == 2);
  for (const RejectedChange& c : r.rejected) CHECK(c.error.code == WX_PERMISSION_DENIED);
  Device counsellor(dir.file("devries.db"), server.url(), server.code("Meneer De Vries"));
  counsellor.sync();
  json person = expect_ok(counsellor.replica->get(sem.user()));
  CHECK(person["parent_consent"] == true);
  CHECK_FALSE(person.contains("parent_access"));
  CHECK(person["name"] == "Sem");
}
