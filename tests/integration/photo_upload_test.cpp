// A photo's position never reaches the server (issue 13): the pupil's phone strips EXIF
// before it hashes and uploads (werkex/photo_metadata.hpp), so the server and the mentor get
// the stripped bytes under the stripped hash; and a modified app that uploads a photo with
// its EXIF still in it is refused, with nothing kept.
#include <fstream>

#include "blob_client.hpp"
#include "test_jpeg.hpp"
#include "werkex/blob_sync.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

const std::string kPosition = "GPS 52.0905 N 5.1214 E";

std::string camera_jpeg() {
  return jpeg_file({kJfifSegment, exif_segment(kPosition), kQuantSegment, kFrameSegment});
}

}  // namespace

TEST_CASE("privacy: a photo reaches the server and the mentor without its GPS position",
          "[integration][privacy][blob][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device sem{dir.file("sem.db"), server.url(), server.code("Sem")};
  Device mentor{dir.file("mentor.db"), server.url(), server.code("Mevrouw Jansen")};
  ExperienceDraft e;
  e.note = "de keuken van het restaurant";
  const std::string exp = expect_ok(Dossier(*sem.replica).record_experience(e));
  const std::string file = dir.file("IMG_0042.jpg");
  std::ofstream(file, std::ios::binary) << camera_jpeg();
  BlobStore store = expect_ok(BlobStore::open(*sem.replica));
  const AttachedBlob a = expect_ok(store.attach(exp, file));
  CHECK(a.sha256 != sha256_hex(camera_jpeg()));
  sem.sync();
  BlobUploadReport up = expect_ok(BlobSync(store, sem.transport).upload_pending(NetworkKind::wifi));
  REQUIRE(up.uploaded == 1);

  mentor.sync();
  BlobStore mentor_store = expect_ok(BlobStore::open(*mentor.replica));
  const std::string path = expect_ok(BlobSync(mentor_store, mentor.transport).fetch(a.sha256));
  std::ifstream in(path, std::ios::binary);
  const std::string got{std::istreambuf_iterator<char>(in), {}};
  CHECK(got == jpeg_file({kJfifSegment, kQuantSegment, kFrameSegment}));
  CHECK(got.find(kPosition) == std::string::npos);
  CHECK(sha256_hex(got) == a.sha256);
}

TEST_CASE("privacy: a modified app's upload of a photo with EXIF is refused and not kept",
          "[integration][privacy][blob][attacker][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device sem{dir.file("sem.db"), server.url(), server.code("Sem")};
  const std::string bytes = camera_jpeg();
  const std::string sha = push_blob_entity(sem, bytes);  // names the unstripped bytes
  BlobClient app(server.url(), token_of(sem));
  HttpResponse r = app.put(sha, bytes, 0, 10);  // a first chunk is taken: it is not complete
  REQUIRE(r.status == 200);
  r = app.put(sha, bytes, 10, bytes.size());
  CHECK(r.status == 400);
  CHECK(error_code_of(r) == "invalid_argument");
  CHECK_THAT(r.body, Catch::Contains("still carries metadata"));
  CHECK(app.received(sha) == 0);  // the partial upload is gone too
  CHECK(app.get(sha).status == 404);
}
