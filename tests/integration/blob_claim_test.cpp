// Blob bytes belong to the dossier they were uploaded into (issue 10 item 7), tried as an
// attacker would through the real werkex-server: naming another pupil's hash in an entity
// of one's own gives neither the bytes nor their existence, a garbage upload under that hash
// does not block the owner, and two pupils with genuinely the same photo both hold it.
#include "blob_client.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

// The blob entity a pupil's device pushes for a hash it claims (without having the bytes).
void claim(Device& pupil, const std::string& sha, uint64_t size) {
  ActivityPlan plan;
  plan.kind = "snuffelstage";
  plan.title = "geleend";
  plan.extra = at_placement(pupil);
  std::string act = expect_ok(Dossier(*pupil.replica).plan_activity(plan));
  expect_ok(pupil.replica->put({{"type", "blob"},
                                {"attached_to", act},
                                {"sha256", sha},
                                {"size", size},
                                {"mime", "image/jpeg"},
                                {"file_name", "niet-van-mij.jpg"}}));
  REQUIRE(pupil.sync().rejected.empty());
}

size_t reads(const std::string& data, const std::string& bucket) {
  return std::stoul(admin(data, "reads " + bucket));
}

}  // namespace

TEST_CASE("blob claim: naming another pupil's photo hash yields neither bytes nor existence",
          "[integration][blob][access][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  Device sem_phone(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device aisha_phone(dir.file("aisha.db"), server.url(), server.code("Aisha"));
  BlobClient sem(server.url(), token_of(sem_phone));
  BlobClient aisha(server.url(), token_of(aisha_phone));
  const std::string sem_bucket = "pupil:" + sem_phone.user();
  const std::string aisha_bucket = "pupil:" + aisha_phone.user();
  const std::string bytes = photo(40000, 11);
  const std::string sha = push_blob_entity(sem_phone, bytes);
  REQUIRE(body_of(sem.put(sha, bytes, 0, bytes.size()))["complete"] == true);

  claim(aisha_phone, sha, bytes.size());
  const size_t sem_reads = reads(data, sem_bucket), aisha_reads = reads(data, aisha_bucket);
  // HEAD: her dossier holds nothing, whatever another dossier holds.
  HttpResponse h = aisha.head(sha);
  REQUIRE(h.status == 200);
  CHECK(h.header("X-Werkex-Blob-Received") == "0");
  CHECK(h.header("Content-Length") != std::to_string(bytes.size()));
  // GET: the same answer as for a claimed hash nobody uploaded.
  const std::string unborn = photo(40000, 12);
  claim(aisha_phone, sha256_hex(unborn), unborn.size());
  HttpResponse got = aisha.get(sha), none = aisha.get(sha256_hex(unborn));
  CHECK(got.status == 404);
  CHECK(none.status == 404);
  CHECK(got.body.find(bytes.substr(0, 64)) == std::string::npos);
  CHECK(body_of(got)["error"]["message"] == body_of(none)["error"]["message"]);
  // Ranged, too.
  CHECK(aisha.get(sha, "bytes=0-99").status == 404);
  // Nothing was read, of either dossier.
  CHECK(reads(data, sem_bucket) == sem_reads);
  CHECK(reads(data, aisha_bucket) == aisha_reads);
  // Sem still has his photo.
  CHECK(sem.get(sha).body == bytes);
}

TEST_CASE("blob claim: garbage uploaded under the owner's hash does not block her upload",
          "[integration][blob][access][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device sem_phone(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device aisha_phone(dir.file("aisha.db"), server.url(), server.code("Aisha"));
  BlobClient sem(server.url(), token_of(sem_phone));
  BlobClient aisha(server.url(), token_of(aisha_phone));
  const std::string bytes = photo(90000, 13);
  const std::string sha = push_blob_entity(sem_phone, bytes);  // not uploaded yet

  claim(aisha_phone, sha, bytes.size());
  const std::string garbage = photo(90000, 14);
  // Half of it, left lying there, and then the whole of it once.
  REQUIRE(aisha.put(sha, garbage, 0, 45000).status == 200);
  CHECK(aisha.received(sha) == 45000);
  // Sem's dossier has nothing of that: his upload starts at 0.
  CHECK(sem.received(sha) == 0);
  uint64_t from = 0;
  HttpResponse r;
  while (from < bytes.size()) {
    r = sem.put(sha, bytes, from, std::min<size_t>(from + 30000, bytes.size()));
    REQUIRE(r.status == 200);
    from = body_of(r)["received"].get<uint64_t>();
  }
  CHECK(body_of(r)["complete"] == true);
  CHECK(sem.get(sha).body == bytes);
  // Her garbage is refused as hers, and spoils nothing of his.
  r = aisha.put(sha, garbage, 45000, garbage.size());
  CHECK(r.status == 400);
  CHECK(error_code_of(r) == "corrupt");
  r = aisha.send("PUT", "/v1/blobs/" + sha, garbage);
  CHECK(error_code_of(r) == "corrupt");
  CHECK(aisha.get(sha).status == 404);
  CHECK(sem.get(sha).body == bytes);
  CHECK(sem.received(sha) == bytes.size());
}

TEST_CASE("blob claim: two pupils with the same photo both upload it and both hold it",
          "[integration][blob][access][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  Device sem_phone(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device aisha_phone(dir.file("aisha.db"), server.url(), server.code("Aisha"));
  Device ans_phone(dir.file("ans.db"), server.url(), server.code("Ans Bakker"));
  Device mentor_phone(dir.file("jansen.db"), server.url(), server.code("Mevrouw Jansen"));
  BlobClient sem(server.url(), token_of(sem_phone));
  BlobClient aisha(server.url(), token_of(aisha_phone));
  BlobClient ans(server.url(), token_of(ans_phone));        // supervises Sem's running placement
  BlobClient mentor(server.url(), token_of(mentor_phone));  // mentors both
  const std::string aisha_bucket = "pupil:" + aisha_phone.user();
  const std::string group_photo = photo(60000, 15);
  const std::string sha = push_blob_entity(sem_phone, group_photo);
  REQUIRE(body_of(sem.put(sha, group_photo, 0, group_photo.size()))["complete"] == true);

  // Aisha has the very same photo (the class picture): she proves it by uploading it.
  CHECK(push_blob_entity(aisha_phone, group_photo) == sha);
  CHECK(aisha.received(sha) == 0);
  HttpResponse r = aisha.put(sha, group_photo, 0, 30000);
  REQUIRE(r.status == 200);
  CHECK(body_of(r)["complete"] == false);
  r = aisha.put(sha, group_photo, 30000, group_photo.size());
  REQUIRE(r.status == 200);
  CHECK(body_of(r)["complete"] == true);
  const size_t before = std::stoul(admin(data, "reads " + aisha_bucket));
  CHECK(aisha.get(sha).body == group_photo);
  CHECK(std::stoul(admin(data, "reads " + aisha_bucket)) == before + 1);
  // Staff read through a dossier they may read that holds it.
  CHECK(ans.get(sha).body == group_photo);
  CHECK(mentor.get(sha).body == group_photo);

  // Sem deletes his: his dossier no longer opens it, hers still does, and so does what
  // reads through hers (the supervisor of Sem's placement does not read Aisha's dossier).
  Query q = Query::where("blob", "pupil:" + sem_phone.user(), "sha256", sha);
  expect_ok(sem_phone.replica->remove(expect_ok(sem_phone.replica->list(q)).at(0)["id"]));
  sem_phone.sync();
  CHECK(sem.head(sha).status == 404);
  CHECK(ans.get(sha).status == 404);
  CHECK(aisha.get(sha).body == group_photo);
  CHECK(mentor.get(sha).body == group_photo);
}
