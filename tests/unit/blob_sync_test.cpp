// BlobSync against an in-memory server that follows the blob protocol: chunked and resumed
// uploads, lost answers, 409, refusals, the Wi-Fi policy, and verified, resumable downloads.
#include <fstream>

#include "blob_fake_server.hpp"
#include "test_support.hpp"
#include "werkex/blob_sync.hpp"

using namespace werkex;
using test::expect_ok;

namespace {

std::string pattern(size_t n, unsigned seed = 7) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 31 + seed * 17 + i / 7) & 0xff);
  return s;
}

std::string read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

// A pupil's phone with one experience, its blob store, and the fake server behind BlobSync.
struct Phone {
  test::TempDir dir;
  ManualClockSource clock{test::kStartMillis};
  std::unique_ptr<Replica> replica =
      test::open_replica(dir.file("phone.db"), clock, test::pupil_identity());
  std::string experience = expect_ok(replica->put(
      {{"type", "experience"}, {"occurred_at", "2026-11-28T09:00:00Z"}, {"note", "keuken"}}));
  BlobStore store = expect_ok(BlobStore::open(*replica));
  test::FakeBlobServer server;
  CallbackTransport transport{[this](const HttpRequest& r) { return server.handle(r); }};
  BlobSync sync{store, transport, BlobSyncOptions{1000}};

  Phone() {
    expect_ok(replica->set_setting("server", "https://werkex.test/"));
    expect_ok(replica->set_setting("token", "tok"));
  }
  AttachedBlob attach(const std::string& bytes, bool pushed = true) {
    std::string p = dir.file("photo.jpg");
    std::ofstream(p, std::ios::binary) << bytes;
    AttachedBlob a = expect_ok(store.attach(experience, p));
    if (pushed) server.know(a.sha256, a.size);  // as if sync had pushed the entity
    return a;
  }
  BlobUploadReport upload(NetworkKind net = NetworkKind::wifi) {
    return expect_ok(sync.upload_pending(net));
  }
  size_t requests(const std::string& method) const {
    size_t n = 0;
    for (auto& r : server.log) n += r.method == method;
    return n;
  }
  // The Content-Range of every PUT so far, in order.
  std::vector<std::string> ranges() const {
    std::vector<std::string> out;
    for (auto& r : server.log)
      if (r.method == "PUT") out.push_back(HttpResponse{0, r.headers, ""}.header("Content-Range"));
    return out;
  }
};

}  // namespace

TEST_CASE("blob sync: uploads in chunks once the server knows the entity", "[blob][sync]") {
  Phone p;
  std::string bytes = pattern(2500);
  AttachedBlob a = p.attach(bytes, false);

  BlobUploadReport r = p.upload();  // the entity is not pushed yet: HEAD 404, keep it
  CHECK(r.uploaded == 0);
  CHECK(r.pending == 1);
  CHECK(r.waiting_for_entity == 1);
  CHECK(p.requests("PUT") == 0);
  CHECK(expect_ok(p.store.info(a.sha256)).state == BlobState::local_pending_upload);

  p.server.know(a.sha256, a.size);
  r = p.upload();
  CHECK(r.uploaded == 1);
  CHECK(r.bytes == 2500);
  CHECK(r.pending == 0);
  CHECK_FALSE(r.stopped);
  CHECK(r.uploaded_hashes == std::vector<std::string>{a.sha256});
  CHECK(p.ranges() == std::vector<std::string>{"bytes 0-999/2500", "bytes 1000-1999/2500",
                                               "bytes 2000-2499/2500"});
  CHECK(p.server.blobs[a.sha256].complete);
  CHECK(p.server.blobs[a.sha256].data == bytes);
  CHECK(p.server.log.back().url == "https://werkex.test/v1/blobs/" + a.sha256);
  CHECK(expect_ok(p.store.info(a.sha256)).state == BlobState::uploaded);

  // Nothing left: the next run sends nothing.
  size_t before = p.server.log.size();
  r = p.upload();
  CHECK(r.uploaded == 0);
  CHECK(p.server.log.size() == before);
}

TEST_CASE("blob sync: an upload cut off half-way resumes from what the server holds",
          "[blob][sync]") {
  Phone p;
  std::string bytes = pattern(5000);
  AttachedBlob a = p.attach(bytes);
  p.server.fail_put_at = 3;
  BlobUploadReport r = p.upload();
  REQUIRE(r.stopped);
  CHECK(r.stopped->code == WX_UNAVAILABLE);
  CHECK(r.pending == 1);
  CHECK(r.bytes == 2000);
  CHECK(p.server.blobs[a.sha256].data.size() == 2000);
  CHECK(expect_ok(p.store.info(a.sha256)).state == BlobState::local_pending_upload);

  p.server.log.clear();
  r = p.upload();
  CHECK_FALSE(r.stopped);
  CHECK(r.uploaded == 1);
  CHECK(r.bytes == 3000);
  REQUIRE(p.ranges().size() == 3);
  CHECK(p.ranges().front() == "bytes 2000-2999/5000");
  CHECK(p.server.blobs[a.sha256].data == bytes);
  CHECK(p.server.blobs[a.sha256].complete);
}

TEST_CASE("blob sync: a chunk whose answer was lost is not sent twice into the data",
          "[blob][sync]") {
  Phone p;
  std::string bytes = pattern(3500);
  AttachedBlob a = p.attach(bytes);
  p.server.lose_answer_at = 2;  // the server stored bytes 1000-1999, the phone never heard
  BlobUploadReport r = p.upload();
  REQUIRE(r.stopped);
  CHECK(p.server.blobs[a.sha256].data.size() == 2000);
  r = p.upload();
  CHECK(r.uploaded == 1);
  CHECK(p.server.blobs[a.sha256].data == bytes);

  // The same with a transport that retries at once (as libcurl does): the repeated chunk
  // overlaps what the server has, and only the bytes beyond it are appended.
  Phone q;
  AttachedBlob b = q.attach(bytes);
  q.server.lose_answer_at = 2;
  CallbackTransport retrying([&](const HttpRequest& req) -> Result<HttpResponse> {
    auto first = q.server.handle(req);
    if (first) return first;
    return q.server.handle(req);
  });
  BlobSync sync(q.store, retrying, BlobSyncOptions{1000});
  r = expect_ok(sync.upload_pending(NetworkKind::wifi));
  CHECK_FALSE(r.stopped);
  CHECK(r.uploaded == 1);
  CHECK(q.ranges()[1] == q.ranges()[2]);  // the retried chunk
  CHECK(q.server.blobs[b.sha256].data == bytes);
  CHECK(q.server.blobs[b.sha256].complete);
}

TEST_CASE("blob sync: a 409 makes the upload continue from the server's received count",
          "[blob][sync]") {
  Phone p;
  std::string bytes = pattern(4000);
  AttachedBlob a = p.attach(bytes);
  p.server.blobs[a.sha256].data = bytes.substr(0, 3000);
  p.server.shrink_after_head = 1000;  // HEAD says 3000, then the server has only 1000
  BlobUploadReport r = p.upload();
  CHECK_FALSE(r.stopped);
  CHECK(r.uploaded == 1);
  CHECK(p.ranges() == std::vector<std::string>{"bytes 3000-3999/4000", "bytes 1000-1999/4000",
                                               "bytes 2000-2999/4000", "bytes 3000-3999/4000"});
  CHECK(p.server.blobs[a.sha256].data == bytes);
}

TEST_CASE("blob sync: bytes the server refuses as corrupt are marked failed and shown",
          "[blob][sync]") {
  Phone p;
  AttachedBlob a = p.attach(pattern(1500));
  AttachedBlob good = p.attach(pattern(800, 3));
  {
    // The stored copy rots on the phone: same size, other bytes.
    std::ofstream f(p.store.path(a.sha256), std::ios::binary | std::ios::in);
    f.seekp(700);
    f.put('\x01');
  }
  BlobUploadReport r = p.upload();
  CHECK(r.uploaded == 1);  // the other blob is not held back
  CHECK(r.failed == 1);
  CHECK(r.pending == 0);
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0].sha256 == a.sha256);
  CHECK_THAT(r.failures[0].failure, Catch::Contains("corrupt"));
  CHECK_THAT(r.failures[0].failure, Catch::Contains("hash to"));
  CHECK(expect_ok(p.store.info(a.sha256)).state == BlobState::failed);
  CHECK(expect_ok(p.store.info(good.sha256)).state == BlobState::uploaded);
  CHECK_FALSE(p.server.blobs[a.sha256].complete);
  CHECK(r.to_json()["failures"][0]["sha256"] == a.sha256);

  // Failed blobs are not retried by themselves, only after retry_failed().
  size_t before = p.server.log.size();
  p.upload();
  CHECK(p.server.log.size() == before);
  CHECK(expect_ok(p.store.retry_failed()) == 1);
  CHECK(expect_ok(p.store.pending()).size() == 1);
}

TEST_CASE("blob sync: wifi_only on cellular sends nothing and says why", "[blob][sync]") {
  Phone p;
  AttachedBlob a = p.attach(pattern(1200));
  CHECK(expect_ok(upload_policy(*p.replica)) == UploadPolicy::always);
  expect_ok(set_upload_policy(*p.replica, UploadPolicy::wifi_only));
  CHECK(expect_ok(upload_policy(*p.replica)) == UploadPolicy::wifi_only);
  BlobUploadReport r = p.upload(NetworkKind::cellular);
  CHECK(p.server.log.empty());
  CHECK(r.skipped_by_policy == 1);
  CHECK(r.pending == 1);
  CHECK_THAT(r.note, Catch::Contains("wifi_only"));
  r = p.upload(NetworkKind::none);
  CHECK(p.server.log.empty());
  CHECK(r.skipped_by_policy == 0);
  CHECK_THAT(r.note, Catch::Contains("no network"));
  r = p.upload(NetworkKind::wifi);
  CHECK(r.uploaded == 1);
  CHECK(p.server.blobs[a.sha256].complete);
  // "always" uploads on cellular too.
  expect_ok(set_upload_policy(*p.replica, UploadPolicy::always));
  AttachedBlob b = p.attach(pattern(700, 9));
  CHECK(p.upload(NetworkKind::cellular).uploaded == 1);
  CHECK(p.server.blobs[b.sha256].complete);
}

TEST_CASE("blob sync: a refused token stops the run and keeps the queue", "[blob][sync]") {
  Phone p;
  AttachedBlob a = p.attach(pattern(1500));
  p.attach(pattern(1500, 2));
  p.server.token = "other";
  BlobUploadReport r = p.upload();
  REQUIRE(r.stopped);
  CHECK(r.stopped->code == WX_UNAUTHENTICATED);
  CHECK(p.server.log.size() == 1);  // stopped at the first answer
  CHECK(r.pending == 2);
  CHECK(r.failed == 0);
  CHECK(expect_ok(p.store.info(a.sha256)).state == BlobState::local_pending_upload);
}

TEST_CASE("blob sync: a rate-limited or failing server stops the run without failing blobs",
          "[blob][sync]") {
  Phone p;
  AttachedBlob a = p.attach(pattern(2500));
  for (int status : {429, 503}) {
    int puts = 0;
    CallbackTransport busy([&](const HttpRequest& req) -> Result<HttpResponse> {
      if (req.method == "PUT" && ++puts == 2)
        return HttpResponse{status, {{"Retry-After", "1"}}, ""};
      return p.server.handle(req);
    });
    BlobSync sync(p.store, busy, BlobSyncOptions{1000});
    BlobUploadReport r = expect_ok(sync.upload_pending(NetworkKind::wifi));
    REQUIRE(r.stopped);
    CHECK(r.stopped->is_transient());
    CHECK(r.failed == 0);
    CHECK(r.pending == 1);
  }
  CHECK(p.server.blobs[a.sha256].data.size() == 2000);  // one chunk per run went through
  CHECK(p.upload().uploaded == 1);
  CHECK(p.server.blobs[a.sha256].complete);
}

TEST_CASE("blob sync: fetch resumes a cut-off download and verifies the hash", "[blob][sync]") {
  Phone p;
  std::string bytes = pattern(3500);
  AttachedBlob a = p.attach(bytes);
  p.upload();
  REQUIRE(p.server.blobs[a.sha256].complete);

  // The pupil's tablet: same dossier via sync, no file yet.
  test::TempDir dir;
  auto tablet = test::open_replica(dir.file("tablet.db"), p.clock, test::pupil_identity());
  expect_ok(tablet->apply(expect_ok(p.replica->changes_since(0))));
  expect_ok(tablet->set_setting("server", "https://werkex.test"));
  expect_ok(tablet->set_setting("token", "tok"));
  BlobStore store = expect_ok(BlobStore::open(*tablet));
  CallbackTransport t([&](const HttpRequest& r) { return p.server.handle(r); });
  BlobSync sync(store, t, BlobSyncOptions{1000});
  CHECK(expect_ok(store.info(a.sha256)).state == BlobState::remote_only);

  p.server.log.clear();
  p.server.gets = 0;
  p.server.fail_get_at = 3;
  auto first = sync.fetch(a.sha256);
  REQUIRE_FALSE(first);
  CHECK(first.error().code == WX_UNAVAILABLE);
  CHECK(expect_ok(store.partial_size(a.sha256)) == 2000);
  CHECK_FALSE(store.has(a.sha256));

  p.server.log.clear();
  std::string path = expect_ok(sync.fetch(a.sha256));
  CHECK(path == store.path(a.sha256));
  CHECK(read_bytes(path) == bytes);
  REQUIRE_FALSE(p.server.log.empty());
  CHECK(HttpResponse{0, p.server.log.front().headers, ""}.header("Range") == "bytes=2000-2999");
  CHECK(expect_ok(store.partial_size(a.sha256)) == 0);
  CHECK(expect_ok(store.info(a.sha256)).state == BlobState::uploaded);

  // Lazy: a blob that is here is not downloaded again.
  p.server.log.clear();
  CHECK(expect_ok(sync.fetch(a.sha256)) == path);
  CHECK(p.server.log.empty());
}

TEST_CASE("blob sync: fetched bytes that do not match the hash are discarded", "[blob][sync]") {
  Phone p;
  AttachedBlob a = p.attach(pattern(2200));
  p.upload();
  test::TempDir dir;
  auto tablet = test::open_replica(dir.file("tablet.db"), p.clock, test::pupil_identity());
  expect_ok(tablet->set_setting("server", "https://werkex.test"));
  expect_ok(tablet->set_setting("token", "tok"));
  BlobStore store = expect_ok(BlobStore::open(*tablet));
  CallbackTransport t([&](const HttpRequest& r) { return p.server.handle(r); });
  BlobSync sync(store, t, BlobSyncOptions{1000});

  p.server.serve_wrong_bytes = true;
  auto r = sync.fetch(a.sha256);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == WX_CORRUPT);
  CHECK_THAT(r.error().message, Catch::Contains(a.sha256));
  CHECK_FALSE(store.has(a.sha256));
  CHECK(expect_ok(store.partial_size(a.sha256)) == 0);

  // Not on the server (completely): not found; not a hash: invalid.
  p.server.serve_wrong_bytes = false;
  std::string missing = sha256_hex("not uploaded");
  p.server.know(missing, 12);
  r = sync.fetch(missing);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == WX_NOT_FOUND);
  r = sync.fetch("../../etc/passwd");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == WX_INVALID_ARGUMENT);
  CHECK(expect_ok(sync.fetch(a.sha256)) == store.path(a.sha256));
}
