// BlobStore: attaching a file (hash, copy, entity, photos, queue in one write) and what a
// refused attach leaves behind (nothing).
#include <filesystem>
#include <fstream>

#include "test_support.hpp"
#include "werkex/blob_store.hpp"

using namespace werkex;
using test::expect_ok;

namespace {

// SHA-256("abc"), FIPS 180-2 appendix B.1.
const std::string kAbcSha = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f << bytes;
  REQUIRE(f.good());
}

std::string read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

// Regular files anywhere under `dir` (the store's sub-directories included).
size_t files_under(const std::string& dir) {
  std::error_code ec;
  size_t n = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file()) ++n;
  return n;
}

struct Pupil {
  test::TempDir dir;
  ManualClockSource clock{test::kStartMillis};
  std::unique_ptr<Replica> replica =
      test::open_replica(dir.file("phone.db"), clock, test::pupil_identity());
  std::string activity = expect_ok(
      replica->put({{"type", "activity"}, {"kind", "snuffelstage"}, {"title", "Bistro"}}));
  std::string experience = expect_ok(replica->put({{"type", "experience"},
                                                   {"activity", activity},
                                                   {"occurred_at", "2026-11-28T09:00:00Z"},
                                                   {"note", "saus gemaakt"}}));

  BlobStore store(BlobStoreOptions options = {}) {
    return expect_ok(BlobStore::open(*replica, options));
  }
  std::string file(const std::string& name, const std::string& bytes) {
    std::string p = dir.file(name);
    write_bytes(p, bytes);
    return p;
  }
  size_t blob_entities() {
    Query q;
    q.type = "blob";
    return expect_ok(replica->count(q));
  }
};

}  // namespace

TEST_CASE("blob store: sha256_hex and guess_mime", "[blob][store]") {
  CHECK(sha256_hex("abc") == kAbcSha);
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(guess_mime("IMG_0001.JPG") == "image/jpeg");
  CHECK(guess_mime("a.jpeg") == "image/jpeg");
  CHECK(guess_mime("a.png") == "image/png");
  CHECK(guess_mime("a.HEIC") == "image/heic");
  CHECK(guess_mime("cv.pdf") == "application/pdf");
  CHECK(guess_mime("notes.txt") == "text/plain");
  CHECK(guess_mime("clip.mov") == "application/octet-stream");
  CHECK(guess_mime("README") == "application/octet-stream");
}

TEST_CASE("blob store: attach hashes and copies the file and writes entity, photo and queue",
          "[blob][store]") {
  Pupil p;
  BlobStore store = p.store();
  CHECK(store.dir() == p.dir.file("phone.db") + ".blobs");
  std::string src = p.file("saus.JPG", "abc");
  std::vector<ChangeEvent> heard;
  p.replica->add_observer({}, [&](const std::vector<ChangeEvent>& ev) {
    heard.insert(heard.end(), ev.begin(), ev.end());
  });

  AttachedBlob a = expect_ok(store.attach(p.experience, src, "", "de saus"));
  CHECK(a.sha256 == kAbcSha);
  CHECK(a.size == 3);
  CHECK(a.mime == "image/jpeg");
  CHECK(store.has(kAbcSha));
  CHECK(store.path(kAbcSha) == store.dir() + "/" + kAbcSha);
  CHECK(read_bytes(store.path(kAbcSha)) == "abc");
  CHECK(read_bytes(src) == "abc");  // the original stays

  json blob = expect_ok(p.replica->get(a.blob_id));
  CHECK(blob["type"] == "blob");
  CHECK(blob["sha256"] == kAbcSha);
  CHECK(blob["size"] == 3);
  CHECK(blob["mime"] == "image/jpeg");
  CHECK(blob["file_name"] == "saus.JPG");
  CHECK(blob["caption"] == "de saus");
  CHECK(blob["attached_to"] == p.experience);
  CHECK(blob["bucket"] == p.replica->identity().bucket);
  json exp = expect_ok(p.replica->get(p.experience));
  CHECK(exp["photos"] == json::array({kAbcSha}));
  // Both entities changed in one write, and observers heard of it once, after the commit.
  CHECK(heard.size() == 2);

  BlobInfo info = expect_ok(store.info(kAbcSha));
  CHECK(info.state == BlobState::local_pending_upload);
  CHECK(std::string(blob_state_name(info.state)) == "local_pending_upload");
  auto pending = expect_ok(store.pending());
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].sha256 == kAbcSha);
  CHECK(pending[0].size == 3);
  CHECK(expect_ok(store.read(kAbcSha, 1, 10)) == "bc");

  // Attached to an activity: the entity, but no photos field to add to.
  AttachedBlob b = expect_ok(store.attach(p.activity, p.file("plan.pdf", "%PDF-1.4 plan"), "", ""));
  CHECK(b.mime == "application/pdf");
  CHECK_FALSE(expect_ok(p.replica->get(b.blob_id)).contains("caption"));
  CHECK_FALSE(expect_ok(p.replica->get(p.activity)).contains("photos"));
  CHECK(expect_ok(store.pending()).size() == 2);
  CHECK(expect_ok(store.remote_only()).empty());
}

TEST_CASE("blob store: refused attaches name the reason and leave nothing behind",
          "[blob][store]") {
  Pupil p;
  BlobStore store = p.store({"", 10});
  std::string before = expect_ok(p.replica->dump());
  uint64_t seq = p.replica->last_seq();
  auto refused = [&](Result<AttachedBlob> r, ErrorCode code, const std::string& needle) {
    REQUIRE_FALSE(r);
    INFO(r.error().to_string());
    CHECK(r.error().code == code);
    CHECK_THAT(r.error().message, Catch::Contains(needle));
    CHECK(expect_ok(p.replica->dump()) == before);
    CHECK(p.replica->last_seq() == seq);
    CHECK(expect_ok(store.pending()).empty());
    CHECK(files_under(store.dir()) == 0);
  };
  std::string ok = p.file("ok.png", "0123456789");
  refused(store.attach(p.experience, p.dir.file("gone.jpg")), WX_NOT_FOUND, "gone.jpg");
  refused(store.attach("0190a000-0000-7000-8000-00000000dead", ok), WX_NOT_FOUND,
          "0190a000-0000-7000-8000-00000000dead");
  refused(store.attach(p.experience, p.file("big.jpg", "0123456789X")), WX_TOO_LARGE, "big.jpg");
  refused(store.attach(p.experience, p.dir.path().string()), WX_INVALID_ARGUMENT,
          "not a regular file");
  // A caption over the schema's 200 characters fails in the entity write, after the copy:
  // the copy is removed again and the experience keeps no photo.
  refused(store.attach(p.experience, ok, "", std::string(201, 'x')), WX_TOO_LARGE, "caption");
  // A blob is not something to attach to.
  AttachedBlob a = expect_ok(store.attach(p.experience, ok));
  before = expect_ok(p.replica->dump());
  seq = p.replica->last_seq();
  auto r = store.attach(a.blob_id, ok);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == WX_INVALID_ARGUMENT);
  CHECK_THAT(r.error().message, Catch::Contains("takes no attachments"));
  CHECK(expect_ok(p.replica->dump()) == before);
  CHECK(p.blob_entities() == 1);

  // Deleted entities and roles that do not write blobs.
  expect_ok(p.replica->remove(p.activity));
  r = store.attach(p.activity, ok);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == WX_CONFLICT);
  expect_ok(p.replica->set_identity(test::role_identity("teacher", p.replica->identity().bucket)));
  r = store.attach(p.experience, ok);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == WX_PERMISSION_DENIED);
  CHECK(p.blob_entities() == 1);
}

TEST_CASE("blob store: the same content attached twice is one file and one queue entry",
          "[blob][store]") {
  Pupil p;
  BlobStore store = p.store();
  AttachedBlob a = expect_ok(store.attach(p.experience, p.file("a.jpg", "abc")));
  AttachedBlob b = expect_ok(store.attach(p.activity, p.file("b.jpg", "abc")));
  CHECK(a.sha256 == b.sha256);
  CHECK(a.blob_id != b.blob_id);
  CHECK(p.blob_entities() == 2);
  CHECK(expect_ok(store.pending()).size() == 1);
  CHECK(files_under(store.dir()) == 1);
  // A refused upload is visible, and re-attaching (or retry_failed) queues it again.
  expect_ok(store.mark_failed(kAbcSha, "corrupt: server: bytes differ"));
  CHECK(expect_ok(store.pending()).empty());
  auto failed = expect_ok(store.failed());
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].failure == "corrupt: server: bytes differ");
  CHECK(expect_ok(store.info(kAbcSha)).state == BlobState::failed);
  expect_ok(store.attach(p.experience, p.file("c.jpg", "abc")));
  CHECK(expect_ok(store.failed()).empty());
  CHECK(expect_ok(store.pending()).size() == 1);
  expect_ok(store.mark_failed(kAbcSha, "again"));
  CHECK(expect_ok(store.retry_failed()) == 1);
  CHECK(expect_ok(store.info(kAbcSha)).state == BlobState::local_pending_upload);
  CHECK(expect_ok(store.info(kAbcSha)).failure.empty());
}

TEST_CASE("blob store: a blob entity from another device is remote_only until its file is here",
          "[blob][store]") {
  Pupil a;
  BlobStore sa = a.store();
  AttachedBlob blob = expect_ok(sa.attach(a.experience, a.file("x.jpg", "abc")));

  test::TempDir dir;
  ManualClockSource clock{test::kStartMillis};
  auto other = test::open_replica(dir.file("tablet.db"), clock, test::pupil_identity());
  expect_ok(other->apply(expect_ok(a.replica->changes_since(0))));
  BlobStore sb = expect_ok(BlobStore::open(*other));
  CHECK(expect_ok(sb.info(blob.sha256)).state == BlobState::remote_only);
  auto remote = expect_ok(sb.remote_only());
  REQUIRE(remote.size() == 1);
  CHECK(remote[0].sha256 == blob.sha256);
  CHECK(remote[0].size == 3);
  CHECK(expect_ok(sb.pending()).empty());
  CHECK_FALSE(sb.has(blob.sha256));

  // A download that lands with the right bytes becomes the stored file.
  expect_ok(sb.write_partial(blob.sha256, 0, "ab"));
  CHECK(expect_ok(sb.partial_size(blob.sha256)) == 2);
  expect_ok(sb.write_partial(blob.sha256, 2, "c"));
  expect_ok(sb.install_partial(blob.sha256, "image/jpeg"));
  CHECK(read_bytes(sb.path(blob.sha256)) == "abc");
  CHECK(expect_ok(sb.info(blob.sha256)).state == BlobState::uploaded);
  CHECK(expect_ok(sb.remote_only()).empty());
  auto unknown = sb.info(std::string(64, '0'));
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == WX_NOT_FOUND);
}

TEST_CASE("replica: write_together commits several puts at once or none of them", "[blob][store]") {
  Pupil p;
  std::string before = expect_ok(p.replica->dump());
  uint64_t seq = p.replica->last_seq();
  size_t heard = 0;
  p.replica->add_observer({}, [&](const std::vector<ChangeEvent>& ev) { heard += ev.size(); });
  // The second put fails after the first succeeded: the first is rolled back with it.
  Status s = p.replica->write_together([&]() -> Status {
    WX_RETURN_IF_ERROR(p.replica->put({{"id", p.activity}, {"title", "Nieuw"}}).status());
    return p.replica->put({{"id", p.experience}, {"emotion", "hongerig"}}).status();
  });
  REQUIRE_FALSE(s);
  CHECK(s.code() == WX_INVALID_ARGUMENT);
  CHECK(expect_ok(p.replica->dump()) == before);
  CHECK(heard == 0);
  // A failing put inside a successful batch rolls back only itself.
  s = p.replica->write_together([&]() -> Status {
    WX_RETURN_IF_ERROR(p.replica->put({{"id", p.activity}, {"title", "Nieuw"}}).status());
    CHECK_FALSE(p.replica->put({{"id", p.experience}, {"emotion", "hongerig"}}));
    return p.replica->put({{"id", p.experience}, {"emotion", "trots"}}).status();
  });
  expect_ok(s);
  CHECK(expect_ok(p.replica->get(p.activity))["title"] == "Nieuw");
  CHECK(expect_ok(p.replica->get(p.experience))["emotion"] == "trots");
  CHECK(heard == 2);
  CHECK(p.replica->last_seq() > seq);
  // Reopened, the batch is there: it was committed, not just held in memory.
  p.replica.reset();
  p.replica = test::open_replica(p.dir.file("phone.db"), p.clock, test::pupil_identity());
  CHECK(expect_ok(p.replica->get(p.activity))["title"] == "Nieuw");
}
