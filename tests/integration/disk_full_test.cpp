// A full disk does not stop reads (issue 10 item 8), on a real full file system: the server's
// data directory on a small tmpfs (needs root to mount; elsewhere the test says so and does
// nothing). A pull whose access-log row cannot be written is still served, the row waits in
// memory (a gauge counts it), and it reaches server.db once space returns.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices.hpp"
#include "werkex/dossier.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

struct TmpfsMount {
  std::string path;
  bool mounted = false;
  TmpfsMount(std::string p, const char* size) : path(std::move(p)) {
    ::mkdir(path.c_str(), 0700);
    mounted = ::mount("tmpfs", path.c_str(), "tmpfs", 0, size) == 0;
  }
  ~TmpfsMount() {
    if (mounted) ::umount2(path.c_str(), MNT_DETACH);
  }
};

// Writes zeros into `path` until the file system says it is full.
void fill(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(fd >= 0);
  std::string block(64 * 1024, '\0');
  while (::write(fd, block.data(), block.size()) > 0) {
  }
  std::string byte(1, '\0');
  while (::write(fd, byte.data(), 1) > 0) {
  }
  ::fsync(fd);
  ::close(fd);
}

std::string plan(Device& pupil, const std::string& title) {
  ActivityPlan p;
  p.kind = "snuffelstage";
  p.title = title;
  std::string id = expect_ok(Dossier(*pupil.replica).plan_activity(p));
  REQUIRE(pupil.sync().rejected.empty());
  return id;
}

double buffered_rows(const std::string& url) {
  CurlTransport t(quick_curl());
  HttpResponse m = expect_ok(t.send({"GET", url + "/metrics", {}, ""}));
  const std::string name = "\nwerkex_access_log_buffered_rows ";
  size_t at = m.body.find(name);
  return at == std::string::npos ? 0 : std::stod(m.body.substr(at + name.size()));
}

}  // namespace

TEST_CASE("disk full: pulls are still served and their reads recorded once space returns",
          "[integration][fault][diskfull]") {
  TempDir dir;
  TmpfsMount disk(dir.file("disk"), "size=24m");
  if (!disk.mounted) {
    WARN("cannot mount a tmpfs here (not root?): the disk-full test did not run");
    return;
  }
  const std::string data = disk.path + "/server";
  ServerProcess server(data);
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device mentor(dir.file("jansen.db"), server.url(), server.code("Mevrouw Jansen"));
  const std::string bucket = "pupil:" + sem.user();
  plan(sem, "Bistro Noord");
  mentor.sync();
  const size_t reads_before = std::stoul(admin(data, "reads " + bucket));

  const std::string second = plan(sem, "Garage Van Dam");
  fill(disk.path + "/filler");
  auto pulled = mentor.try_sync();
  INFO((pulled ? std::string() : pulled.error().to_string()) << "\n" << server.log());
  REQUIRE(pulled);
  CHECK(expect_ok(mentor.replica->get(second))["title"] == "Garage Van Dam");
  CHECK(buffered_rows(server.url()) == 1);

  // A push on the full disk is stored or refused, never acknowledged and lost: refused, the
  // phone keeps it and sends it again once space returns (its batch rolled back whole).
  ActivityPlan farm;
  farm.kind = "snuffelstage";
  farm.title = "Op de boerderij";
  const std::string fourth = expect_ok(Dossier(*sem.replica).plan_activity(farm));
  auto pushed = sem.try_sync();
  INFO("push on a full disk: " << (pushed ? std::string("stored") : pushed.error().to_string()));

  // Space returns: the next read writes the waiting row first.
  REQUIRE(::unlink((disk.path + "/filler").c_str()) == 0);
  const std::string third = plan(sem, "Bakkerij");
  mentor.sync();
  CHECK(expect_ok(mentor.replica->get(third))["title"] == "Bakkerij");
  CHECK(expect_ok(mentor.replica->get(fourth))["title"] == "Op de boerderij");
  CHECK(buffered_rows(server.url()) == 0);
  CHECK(std::stoul(admin(data, "reads " + bucket)) == reads_before + 2);
}
