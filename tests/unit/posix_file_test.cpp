// posix_file.hpp: the one errno mapping, complete reads and writes, directory fsync and the
// atomic write-then-rename, with failures that happen for root too (the tests may run as root).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "test_support.hpp"
#include "werkex/posix_file.hpp"

using namespace werkex;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

size_t entries_in(const std::filesystem::path& dir) {
  size_t n = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

TEST_CASE("posix file: errno maps to one code: ENOENT not found, anything else io",
          "[posix][errors]") {
  CHECK(posix::errno_code(ENOENT) == WX_NOT_FOUND);
  for (int err : {EACCES, EPERM, ENOSPC, EDQUOT, EIO, ENOTDIR, EISDIR, EBADF})
    CHECK(posix::errno_code(err) == WX_IO);
  Error e = posix::sys_error("cannot write", "'a.json'", ENOSPC);
  CHECK(e.code == WX_IO);
  CHECK(e.message == "cannot write 'a.json': " + std::string(std::strerror(ENOSPC)));
}

TEST_CASE("posix file: writing into a missing directory is not_found, naming the path",
          "[posix][errors]") {
  test::TempDir dir;
  const std::string path = dir.file("missing/out.json");
  Status s = posix::write_file_atomically(path, "{}");
  REQUIRE_FALSE(s);
  CHECK(s.code() == WX_NOT_FOUND);
  CHECK(s.error().message ==
        "cannot create a temporary file beside '" + path + "': " + std::strerror(ENOENT));
  CHECK(entries_in(dir.path()) == 0);
  Status synced = posix::fsync_dir(dir.file("missing"));
  CHECK(synced.code() == WX_NOT_FOUND);
  CHECK_THAT(synced.error().message, Catch::Contains("cannot open directory '"));
}

TEST_CASE("posix file: a full disk and a wrong kind of file are io errors", "[posix][errors]") {
  test::TempDir dir;
  // /dev/full answers every write with ENOSPC, for root as for anyone.
  posix::Fd full(posix::open_retry("/dev/full", O_WRONLY));
  if (full.valid()) {
    Status s = posix::write_all(full.get(), "bytes", "cannot write", "/dev/full");
    CHECK(s.code() == WX_IO);
    CHECK(s.error().message == "cannot write /dev/full: " + std::string(std::strerror(ENOSPC)));
  }
  // A regular file is not a directory (ENOTDIR), whoever asks.
  const std::string file = dir.file("plain");
  REQUIRE(posix::write_file_atomically(file, "x"));
  Status synced = posix::fsync_dir(file);
  CHECK(synced.code() == WX_IO);
  CHECK(synced.error().message ==
        "cannot open directory '" + file + "': " + std::strerror(ENOTDIR));
  // Writing through a descriptor opened for reading (EBADF).
  posix::Fd ro(posix::open_retry(file, O_RDONLY));
  REQUIRE(ro.valid());
  Status s = posix::write_all_at(ro.get(), "y", 0, "cannot write", file);
  CHECK(s.code() == WX_IO);
  CHECK_THAT(s.error().message, Catch::Contains("cannot write " + file + ": "));
}

TEST_CASE("posix file: a failed rename leaves no temporary file and the target as it was",
          "[posix][errors]") {
  test::TempDir dir;
  // The target is a directory: rename() of a file over it fails (EISDIR) for root too.
  std::filesystem::create_directory(dir.file("target"));
  Status s = posix::write_file_atomically(dir.file("target"), "new");
  REQUIRE_FALSE(s);
  CHECK(s.code() == WX_IO);
  CHECK(s.error().message ==
        "cannot rename to '" + dir.file("target") + "': " + std::strerror(EISDIR));
  CHECK(entries_in(dir.path()) == 1);  // only "target"
  // The content's own error comes back as it is, and the temporary goes too.
  Status refused =
      posix::write_file_atomically(dir.file("x"), [](int, const std::string&) -> Status {
        return make_error(WX_CORRUPT, "the content refused");
      });
  CHECK(refused.code() == WX_CORRUPT);
  CHECK(entries_in(dir.path()) == 1);
}

TEST_CASE("posix file: a read-only directory is an io error, not permission_denied",
          "[posix][errors]") {
  if (::geteuid() == 0) {
    WARN("running as root, who writes into read-only directories: skipped");
    return;
  }
  test::TempDir dir;
  std::filesystem::create_directory(dir.file("ro"));
  REQUIRE(::chmod(dir.file("ro").c_str(), 0500) == 0);
  Status s = posix::write_file_atomically(dir.file("ro/a"), "x");
  ::chmod(dir.file("ro").c_str(), 0700);
  CHECK(s.code() == WX_IO);
  CHECK_THAT(s.error().message, Catch::Contains(std::strerror(EACCES)));
}

TEST_CASE("posix file: atomic writes replace the whole file, private unless told", "[posix]") {
  test::TempDir dir;
  const std::string path = dir.file("bundle.json");
  REQUIRE(posix::write_file_atomically(path, "first, and longer"));
  REQUIRE(posix::write_file_atomically(path, "second"));
  CHECK(read_text(path) == "second");
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 077) == 0);
  REQUIRE(posix::write_file_atomically(dir.file("shared"), "x", {false, 0644}));
  REQUIRE(::stat(dir.file("shared").c_str(), &st) == 0);
  CHECK((st.st_mode & 0600) == 0600);
  CHECK(entries_in(dir.path()) == 2);
}

TEST_CASE("posix file: positional writes and full reads", "[posix]") {
  test::TempDir dir;
  const std::string path = dir.file("blob");
  posix::Fd f(posix::open_retry(path, O_RDWR | O_CREAT, 0600));
  REQUIRE(f.valid());
  REQUIRE(posix::write_all_at(f.get(), "hello world", 0, "cannot write", path));
  REQUIRE(posix::write_all_at(f.get(), "W", 6, "cannot write", path));
  std::string buf(32, '\0');
  auto got = posix::read_full_at(f.get(), buf.data(), buf.size(), 0, "cannot read", path);
  REQUIRE(got);
  CHECK(buf.substr(0, *got) == "hello World");
  auto tail = posix::read_full_at(f.get(), buf.data(), buf.size(), 100, "cannot read", path);
  REQUIRE(tail);
  CHECK(*tail == 0);
  posix::Fd moved(std::move(f));
  CHECK_FALSE(f.valid());
  CHECK(moved.close(path));
  CHECK_FALSE(moved.valid());
}
