// A lost phone (issue 13): school IT orders a wipe (`werkex-admin wipe`), the phone learns it
// at its next sync and removes the dossier and the photos — from the database file itself,
// not just from view — while a staff device keeps its data unless its setting says so, and a
// plain revocation never wipes.
#include <filesystem>
#include <fstream>

#include "blob_client.hpp"
#include "test_jpeg.hpp"
#include "werkex/device_wipe.hpp"
#include "werkex/messages.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

const std::string kNote = "mijn geheime notitie over de stage";

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

size_t files_in(const std::string& dir) {
  std::error_code ec;
  size_t n = 0;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
    n += it->is_regular_file() ? 1 : 0;
  return n;
}

// An experience with a photo, synced, and one more note not yet synced.
void fill(Device& d, const TempDir& dir) {
  ExperienceDraft e;
  e.note = kNote;
  const std::string exp = expect_ok(Dossier(*d.replica).record_experience(e));
  const std::string photo = dir.file("foto.jpg");
  std::ofstream(photo, std::ios::binary) << jpeg_file({kJfifSegment, kQuantSegment, kFrameSegment});
  BlobStore store = expect_ok(BlobStore::open(*d.replica));
  expect_ok(store.attach(exp, photo));
  d.sync();
  e.note = "nog niet gesynchroniseerd";
  expect_ok(Dossier(*d.replica).record_experience(e));
}

}  // namespace

TEST_CASE("privacy: a pupil's lost phone wipes its dossier and photos when told",
          "[integration][privacy][wipe][pg]") {
  TempDir dir;
  const std::string data = dir.file("server");
  ServerProcess server(data);
  const std::string db = dir.file("sem.db");
  Device sem{db, server.url(), server.code("Sem")};
  fill(sem, dir);
  REQUIRE(files_in(db + ".blobs") > 0);
  REQUIRE(expect_ok(wipe_on_revoke(*sem.replica)));  // on by default for a pupil

  const std::string sem_id = sem.user();
  admin(data, "wipe " + sem_id);
  auto refused = sem.try_sync();
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == WX_UNAUTHENTICATED);
  CHECK_THAT(refused.error().message, Catch::Contains("reported lost"));
  CHECK_THAT(refused.error().message, Catch::Contains("were wiped"));
  // The app shows it in Dutch: the key names the message, whatever the language.
  CHECK(refused.error().key == "device_wiped_here");
  CHECK(localized_message(refused.error(), Language::nl) ==
        "dit apparaat is als verloren gemeld: de dossiers en foto's op dit apparaat zijn gewist");
  CHECK(expect_ok(sem.replica->buckets()).empty());
  CHECK_FALSE(expect_ok(sem.replica->setting("token")).has_value());
  CHECK(sem.replica->identity().user.empty());
  CHECK(files_in(db + ".blobs") == 0);
  // Gone from the file, not only from the tables (secure_delete, vacuum, WAL truncated).
  CHECK(file_bytes(db).find(kNote) == std::string::npos);
  CHECK(file_bytes(db + "-wal").find(kNote) == std::string::npos);

  // The server kept what was synced: a new phone for Sem gets it back.
  Device fresh{dir.file("sem-new.db"), server.url(), admin(data, "invite " + sem_id)};
  fresh.sync();
  Query q;
  q.type = "experience";
  auto back = expect_ok(fresh.replica->list(q));
  REQUIRE(back.size() == 1);
  CHECK(back[0]["note"] == kNote);
}

TEST_CASE(
    "privacy: a staff device keeps its data unless its wipe setting is on, and a plain "
    "revocation never wipes",
    "[integration][privacy][wipe][pg]") {
  TempDir dir;
  const std::string data = dir.file("server");
  ServerProcess server(data);
  Device sem{dir.file("sem.db"), server.url(), server.code("Sem")};
  Device mentor{dir.file("mentor.db"), server.url(), server.code("Mevrouw Jansen")};
  fill(sem, dir);
  mentor.sync();
  const size_t held = expect_ok(mentor.replica->buckets()).size();
  REQUIRE(held > 0);

  admin(data, "wipe " + mentor.user());
  auto refused = mentor.try_sync();
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error().message, Catch::Contains("nothing was wiped"));
  CHECK(expect_ok(mentor.replica->buckets()).size() == held);
  expect_ok(mentor.replica->set_setting(kWipeOnRevokeSetting, "on"));
  CHECK_THAT(mentor.try_sync().error().message, Catch::Contains("were wiped"));
  CHECK(expect_ok(mentor.replica->buckets()).empty());

  admin(data, "revoke " + sem.user());  // revoked, not reported lost
  refused = sem.try_sync();
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == WX_UNAUTHENTICATED);
  CHECK(refused.error().message.find("wiped") == std::string::npos);
  CHECK_FALSE(expect_ok(sem.replica->buckets()).empty());
}
