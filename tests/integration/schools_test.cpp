// Schools as tenants (docs/design.md §8), from the attacker's side through the real server: one
// deployment holds the demo school and a second school imported from a OneRoster set, and
// nobody of the one reaches anything of the other — not by sync (pull, push, a hand-made
// request naming the other school's buckets), not by blob, not by the staff site — even when
// someone of the first school writes a placement that names the other school's pupil.
#include <fstream>
#include <optional>

#include "raw_pull.hpp"
#include "staff_client.hpp"
#include "two_schools.hpp"
#include "werkex/ids.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

// The sync answer to a hand-made pull of `bucket` names it revoked: not this device's to read.
void check_refused(const ServerProcess& server, const Device& d, const std::string& bucket) {
  INFO(d.user() << " pulls " << bucket);
  protocol::SyncResponse r = raw_pull_response(server, d, bucket);
  CHECK(std::count(r.revoked.begin(), r.revoked.end(), bucket) == 1);
  CHECK(r.buckets.count(bucket) == 0);
}

// Changes as a modified app would push them (the library's own checks would refuse a
// reference to an entity the device does not hold): applied to `d`, pushed at its next sync.
struct Forger {
  Device& d;
  Stamp stamp() { return Stamp{d.replica->clock().now(), d.replica->replica_id()}; }
  std::string new_id() { return new_uuid_v7(d.replica->clock().physical_millis()); }
  void apply(std::vector<Change> changes) {
    Bundle forged = expect_ok(d.replica->changes_since(0));
    forged.changes = std::move(changes);
    expect_ok(d.replica->apply(forged));
  }
  // A comment on `entry` of `bucket`.
  std::string comment(const std::string& bucket, const std::string& entry) {
    const std::string id = new_id();
    apply({{id, "comment", bucket, "on", json(),
            register_write(empty_state(MergeRule::once), entry, stamp())},
           {id, "comment", bucket, "body", json(), lww_write("Goed gedaan!", stamp())}});
    return id;
  }
};

// School A's counsellor writes a running placement of A's supervisor, then points it at B's
// pupil.
std::string foreign_placement(Device& counsellor, const Device& supervisor,
                              const std::string& pupil) {
  counsellor.sync();
  Query companies;
  companies.type = "company";
  auto known = expect_ok(counsellor.replica->list(companies));
  REQUIRE_FALSE(known.empty());
  const std::string today =
      rfc3339_utc(counsellor.replica->clock().physical_millis()).substr(0, 10);
  std::string id = expect_ok(counsellor.replica->put({{"type", "placement"},
                                                      {"pupil", counsellor.user()},
                                                      {"company", known.at(0)["id"]},
                                                      {"supervisor", supervisor.user()},
                                                      {"start_date", today},
                                                      {"end_date", "2099-12-31"},
                                                      {"kind", "snuffelstage"}}));
  Forger f{counsellor};
  f.apply({{id, "placement", counsellor.replica->identity().school_bucket, "pupil", json(),
            lww_write(pupil, f.stamp())}});
  REQUIRE(counsellor.sync().rejected.empty());
  REQUIRE(expect_ok(counsellor.replica->get(id))["pupil"] == pupil);
  return id;
}

}  // namespace

TEST_CASE("schools: a placement naming another school's pupil opens nothing of that dossier",
          "[integration][schools][access][pg]") {
  TwoSchools t;
  BPupil b(t);
  Device counsellor = t.device("a-counsellor", t.server.code("Meneer De Vries"));
  Device ans = t.device("a-supervisor", t.server.code("Ans Bakker"));
  foreign_placement(counsellor, ans, b.phone.user());

  // Her phone syncs as always: nothing of B's dossier, and a pull of it by hand is refused.
  ans.sync();
  Query of_b;
  of_b.bucket = b.bucket();
  of_b.include_deleted = true;
  CHECK(expect_ok(ans.replica->list(of_b)).empty());
  check_refused(t.server, ans, b.bucket());
  CHECK(BlobClient(t.server.url(), token_of(ans)).get(b.photo_sha).status == 404);
  // Nor can she write into it: a comment on B's experience is refused and never reaches B.
  std::string comment = Forger{ans}.comment(b.bucket(), b.experience);
  SyncReport pushed = ans.sync();
  CHECK(pushed.rejected.size() >= 1);
  b.phone.sync();
  CHECK_FALSE(b.phone.replica->get(comment));
  // B's pupil still has their dossier whole.
  CHECK(b.phone.replica->get(b.experience));
}

TEST_CASE("schools: nobody of school A reads or writes school B's buckets by sync or blob",
          "[integration][schools][access][pg]") {
  TwoSchools t;
  BPupil b(t);
  Device b_teacher = t.device("b-teacher", t.b_person("teacher")["code"]);
  b_teacher.sync();
  const std::string b_school = b_teacher.replica->identity().school_bucket;
  REQUIRE(b_school.rfind("school:", 0) == 0);

  Device sem = t.device("sem", t.server.code("Sem"));
  for (const char* name :
       {"Meneer De Vries", "Mevrouw Jansen", "Sem", "Ans Bakker", "Ouder van Sem", "Directie"}) {
    std::optional<Device> other;
    if (name != std::string("Sem"))
      other.emplace(t.dir.file(std::string("a-") + name + ".db"), t.server.url(),
                    t.server.code(name));
    Device& a = other ? *other : sem;
    a.sync();
    REQUIRE(a.replica->identity().school_bucket != b_school);
    check_refused(t.server, a, b_school);
    check_refused(t.server, a, b.bucket());
    // Nor B's photo, known by its hash: refused as a hash that exists nowhere.
    BlobClient blobs(t.server.url(), token_of(a));
    CHECK(blobs.get(b.photo_sha).status == 404);
    CHECK(blobs.head(b.photo_sha).status == 404);
    // A write into either is refused, and B never receives it.
    Forger f{a};
    std::string in_dossier = f.comment(b.bucket(), b.experience);
    std::string in_school = f.new_id();
    f.apply({{in_school, "company", b_school, "name", json(), lww_write("Nep BV", f.stamp())}});
    SyncReport r = a.sync();
    CHECK(r.rejected.size() >= 2);
    b.phone.sync();
    b_teacher.sync();
    CHECK_FALSE(b.phone.replica->get(in_dossier));
    CHECK_FALSE(b_teacher.replica->get(in_school));
  }
  // And the other way round: B's teacher gets nothing of A's pupils.
  check_refused(t.server, b_teacher, "pupil:" + sem.user());
  check_refused(t.server, b_teacher, sem.replica->identity().school_bucket);
}

TEST_CASE("schools: school A's staff site shows nothing of school B's pupils",
          "[integration][schools][staff][pg]") {
  TwoSchools t;
  BPupil b(t);
  Device counsellor = t.device("a-counsellor", t.server.code("Meneer De Vries"));
  Device ans = t.device("a-supervisor", t.server.code("Ans Bakker"));
  const std::string placement = foreign_placement(counsellor, ans, b.phone.user());
  const std::string pupil = b.phone.user();

  StaffClient decaan(t.server.url());
  decaan.sign_in(admin(t.data, "invite " + counsellor.user()));
  for (const std::string& path :
       {"/v1/staff/pupils/" + pupil, "/v1/staff/audit?pupil=" + pupil, "/leerling/" + pupil,
        "/v1/staff/pupils/" + pupil + "/photos/" + sha256_hex("x") + "?size=thumb"}) {
    INFO(path);
    HttpResponse r = decaan.get(path);
    CHECK((r.status == 404 || r.status == 403));
    CHECK(r.body.find("Bakkerij") == std::string::npos);
  }
  // Nor write: a comment on B's experience through the site.
  HttpResponse c = decaan.post("/v1/staff/pupils/" + pupil + "/comments",
                               {{"entry", b.experience}, {"text", "Goed gedaan!"}});
  CHECK((c.status == 404 || c.status == 403));
  b.phone.sync();
  Query comments;
  comments.type = "comment";
  CHECK(expect_ok(b.phone.replica->list(comments)).empty());

  StaffClient begeleider(t.server.url());
  begeleider.sign_in(admin(t.data, "invite " + ans.user()));
  HttpResponse mine = begeleider.get("/v1/staff/supervision");
  REQUIRE(mine.status == 200);
  CHECK(mine.body.find(placement) == std::string::npos);
  HttpResponse page = begeleider.get("/v1/staff/pupils/" + pupil);
  CHECK((page.status == 404 || page.status == 403));
}
