// The device side of blobs end to end: BlobStore + BlobSync on real replicas, through libcurl,
// against the real werkex-server. A photo attached offline goes up after its entity and comes
// down byte-identical on the pupil's other device and on their mentor's; an upload cut off
// half-way resumes; the Wi-Fi-only policy keeps a phone on mobile data from uploading.
#include <fstream>

#include "devices.hpp"
#include "werkex/blob_sync.hpp"
#include "werkex/dossier.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

std::string photo_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

std::string read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

// The pupil records an experience offline and attaches a photo of `size` bytes to it.
struct Attached {
  std::string experience;
  std::string bytes;
  AttachedBlob blob;
};

Attached take_photo(Device& phone, const TempDir& dir, size_t size, uint32_t seed) {
  ActivityPlan plan;
  plan.kind = "snuffelstage";
  plan.title = "Bistro Noord";
  plan.extra = at_placement(phone);
  ExperienceDraft e;
  e.activity = expect_ok(Dossier(*phone.replica).plan_activity(plan));
  e.note = "foto van de keuken";
  Attached a;
  a.experience = expect_ok(Dossier(*phone.replica).record_experience(e));
  a.bytes = photo_bytes(size, seed);
  std::string file = dir.file("IMG_" + std::to_string(seed) + ".jpg");
  std::ofstream(file, std::ios::binary) << a.bytes;
  BlobStore store = expect_ok(BlobStore::open(*phone.replica));
  a.blob = expect_ok(store.attach(a.experience, file, "", "de keuken"));
  return a;
}

BlobUploadReport upload(Device& d, Transport& t, NetworkKind net = NetworkKind::wifi) {
  BlobStore store = expect_ok(BlobStore::open(*d.replica));
  return expect_ok(BlobSync(store, t).upload_pending(net));
}

BlobUploadReport upload(Device& d, NetworkKind net = NetworkKind::wifi) {
  return upload(d, d.transport, net);
}

// What the server holds of a blob, asked as `d` (HEAD).
uint64_t server_received(Device& d, const std::string& sha) {
  std::string url = expect_ok(d.replica->setting("server")).value();
  std::string token = expect_ok(d.replica->setting("token")).value();
  HttpResponse r = expect_ok(d.transport.send(
      {"HEAD", url + "/v1/blobs/" + sha, {{"Authorization", "Bearer " + token}}, ""}));
  REQUIRE(r.status == 200);
  return std::stoull(r.header("X-Werkex-Blob-Received"));
}

// Passes requests to the real transport and counts them; from the (fail_after + 1)-th PUT on
// it fails like a dropped connection, before anything reaches the server.
struct FlakyTransport {
  Transport& inner;
  int fail_after = -1;  // < 0: never fail
  int puts = 0;
  int requests = 0;
  CallbackTransport transport{[this](const HttpRequest& r) -> Result<HttpResponse> {
    ++requests;
    if (r.method == "PUT" && ++puts > fail_after && fail_after >= 0)
      return make_error(WX_UNAVAILABLE, "test: the train entered a tunnel");
    return inner.send(r);
  }};
};

}  // namespace

TEST_CASE("blob e2e: a photo taken offline reaches the pupil's tablet and the mentor intact",
          "[integration][blob][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  Device phone(dir.file("sem-phone.db"), server.url(), server.code("Sem"));
  Device tablet(dir.file("sem-tablet.db"), server.url(), admin(data, "invite " + phone.user()));
  Device mentor(dir.file("mentor.db"), server.url(), server.code("Mevrouw Jansen"));

  Attached a = take_photo(phone, dir, 2'500'000, 1);
  // Bytes before the entity: the server does not know the blob yet and it stays queued.
  BlobUploadReport r = upload(phone);
  CHECK(r.uploaded == 0);
  CHECK(r.waiting_for_entity == 1);
  CHECK(r.pending == 1);
  CHECK_FALSE(r.stopped);

  phone.sync();
  r = upload(phone);
  CHECK_FALSE(r.stopped);
  CHECK(r.uploaded == 1);
  CHECK(r.bytes == a.bytes.size());
  CHECK(r.pending == 0);
  CHECK(server_received(phone, a.blob.sha256) == a.bytes.size());
  BlobStore phone_store = expect_ok(BlobStore::open(*phone.replica));
  CHECK(expect_ok(phone_store.info(a.blob.sha256)).state == BlobState::uploaded);

  for (Device* d : {&tablet, &mentor}) {
    d->sync();
    json exp = expect_ok(d->replica->get(a.experience));
    CHECK(exp["photos"] == json::array({a.blob.sha256}));
    BlobStore store = expect_ok(BlobStore::open(*d->replica));
    CHECK(expect_ok(store.info(a.blob.sha256)).state == BlobState::remote_only);
    std::string path = expect_ok(BlobSync(store, d->transport).fetch(a.blob.sha256));
    CHECK(read_bytes(path) == a.bytes);
    CHECK(expect_ok(store.info(a.blob.sha256)).state == BlobState::uploaded);
    CHECK(expect_ok(store.remote_only()).empty());
  }
}

TEST_CASE("blob e2e: an upload cut off half-way resumes on the next sync",
          "[integration][blob][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  Device phone(dir.file("sem-phone.db"), server.url(), server.code("Sem"));
  Device tablet(dir.file("sem-tablet.db"), server.url(), admin(data, "invite " + phone.user()));
  const uint64_t MiB = 1024 * 1024;

  Attached a = take_photo(phone, dir, 3 * MiB + 500'000, 2);
  phone.sync();
  FlakyTransport flaky{phone.transport, 2};
  BlobUploadReport r = upload(phone, flaky.transport);
  REQUIRE(r.stopped);
  CHECK(r.stopped->code == WX_UNAVAILABLE);
  CHECK(r.pending == 1);
  CHECK(r.bytes == 2 * MiB);
  CHECK(server_received(phone, a.blob.sha256) == 2 * MiB);

  // The next sync: HEAD says 2 MiB, so only the last two chunks go.
  FlakyTransport counting{phone.transport};
  phone.sync();
  r = upload(phone, counting.transport);
  CHECK_FALSE(r.stopped);
  CHECK(r.uploaded == 1);
  CHECK(r.bytes == a.bytes.size() - 2 * MiB);
  CHECK(counting.puts == 2);
  CHECK(counting.requests == 3);  // HEAD + the last two chunks

  tablet.sync();
  BlobStore store = expect_ok(BlobStore::open(*tablet.replica));
  CHECK(read_bytes(expect_ok(BlobSync(store, tablet.transport).fetch(a.blob.sha256))) == a.bytes);
}

TEST_CASE("blob e2e: wifi-only on mobile data uploads nothing until Wi-Fi",
          "[integration][blob][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  Device phone(dir.file("sem-phone.db"), server.url(), server.code("Sem"));
  expect_ok(set_upload_policy(*phone.replica, UploadPolicy::wifi_only));
  Attached a = take_photo(phone, dir, 1'200'000, 3);
  phone.sync();

  FlakyTransport counting{phone.transport};
  BlobUploadReport r = upload(phone, counting.transport, NetworkKind::cellular);
  CHECK(counting.requests == 0);
  CHECK(r.skipped_by_policy == 1);
  CHECK(r.pending == 1);
  CHECK_THAT(r.note, Catch::Contains("wifi_only"));
  CHECK(server_received(phone, a.blob.sha256) == 0);

  r = upload(phone, counting.transport, NetworkKind::wifi);
  CHECK(r.uploaded == 1);
  CHECK(server_received(phone, a.blob.sha256) == a.bytes.size());
}

TEST_CASE("blob e2e: bytes that rotted on the phone are refused by the server and shown",
          "[integration][blob][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  Device phone(dir.file("sem-phone.db"), server.url(), server.code("Sem"));
  Attached a = take_photo(phone, dir, 1'500'000, 4);
  phone.sync();
  BlobStore store = expect_ok(BlobStore::open(*phone.replica));
  {
    std::fstream f(store.path(a.blob.sha256), std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(1'400'000);
    f.put('\x7f');
  }
  BlobUploadReport r = upload(phone);
  CHECK(r.uploaded == 0);
  CHECK(r.failed == 1);
  REQUIRE(r.failures.size() == 1);
  CHECK_THAT(r.failures[0].failure, Catch::Contains("corrupt"));
  CHECK(expect_ok(store.info(a.blob.sha256)).state == BlobState::failed);
  CHECK(server_received(phone, a.blob.sha256) == 0);  // the server dropped its partial copy
}

TEST_CASE("blob e2e: a supervisor's copy of a photo is deleted when the placement ends",
          "[integration][blob][access][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  Device phone(dir.file("sem-phone.db"), server.url(), server.code("Sem"));
  Device ans(dir.file("ans.db"), server.url(), server.code("Ans Bakker"));
  Device counsellor(dir.file("devries.db"), server.url(), server.code("Meneer De Vries"));
  Attached a = take_photo(phone, dir, 300'000, 7);
  phone.sync();
  REQUIRE(upload(phone).uploaded == 1);

  ans.sync();
  BlobStore store = expect_ok(BlobStore::open(*ans.replica));
  std::string path = expect_ok(BlobSync(store, ans.transport).fetch(a.blob.sha256));
  REQUIRE(read_bytes(path) == a.bytes);

  // The school ends Sem's placement at Ans's company well before today (past the grace).
  counsellor.sync();
  Query q;
  q.type = "placement";
  std::string placement;
  for (const json& p : expect_ok(counsellor.replica->list(q)))
    if (p["pupil"] == phone.user() && p["supervisor"] == ans.user()) placement = p["id"];
  REQUIRE_FALSE(placement.empty());
  expect_ok(counsellor.replica->put({{"id", placement}, {"end_date", "2020-01-31"}}));
  counsellor.sync();

  SyncOptions options;
  options.blobs = &store;
  SyncReport r = expect_ok(SyncSession(*ans.replica, ans.transport, options).run());
  CHECK(std::count(r.revoked.begin(), r.revoked.end(), "pupil:" + phone.user()) == 1);
  CHECK_FALSE(store.has(a.blob.sha256));
  CHECK(expect_ok(store.remote_only()).empty());
  CHECK_FALSE(ans.replica->get(a.experience));
  // The pupil's own copy is untouched.
  BlobStore mine = expect_ok(BlobStore::open(*phone.replica));
  CHECK(mine.has(a.blob.sha256));
}
