// Backups of the running server and restoring one (issue 11): devices that synced after the
// backup sync with the restored server and converge with nothing lost — their newer changes
// go up again — without any device being reset.
#include <sys/wait.h>

#include <filesystem>
#include <fstream>

#include "blob_client.hpp"
#include "werkex/dossier.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

// werkex-admin nightly --backup against `server`; returns the report's "backup" object.
json backup(const ServerProcess& server, const TempDir& dir, const std::string& data) {
  std::string token = dir.file("admin.token");
  std::ofstream(token) << admin(data, "admin-token nightly") << "\n";
  std::string cmd = std::string(WERKEX_ADMIN) + " nightly --server " + server.admin_url() +
                    " --token-file " + token + " --backup --report " + dir.file("report.json") +
                    " >/dev/null";
  int status = std::system(cmd.c_str());
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  std::ifstream in(dir.file("report.json"));
  return json::parse(in)["backup"];
}

}  // namespace

TEST_CASE("backup: a restored server and devices that synced after the backup converge",
          "[integration][backup]") {
  TempDir dir;
  const std::string data = dir.file("server"), restored = dir.file("restored");
  auto server = std::make_unique<ServerProcess>(data);
  Device sem(dir.file("sem.db"), server->url(), server->code("Sem"));
  Device mentor(dir.file("mentor.db"), server->url(), server->code("Mevrouw Jansen"));
  ActivityPlan plan;
  plan.kind = "snuffelstage";
  plan.title = "Voor de backup";
  std::string before = expect_ok(Dossier(*sem.replica).plan_activity(plan));
  sem.sync();
  mentor.sync();

  json made = backup(*server, dir, data);
  const std::string folder = made["folder"];
  CHECK(std::filesystem::exists(folder + "/dossiers.db"));
  CHECK(std::filesystem::exists(folder + "/server.db"));
  CHECK(made["database_bytes"].get<uint64_t>() > 0);

  // After the backup: Sem plans another activity, the mentor comments on the first.
  plan.title = "Na de backup";
  std::string after = expect_ok(Dossier(*sem.replica).plan_activity(plan));
  sem.sync();
  mentor.sync();
  std::string comment = expect_ok(Dossier(*mentor.replica).comment(before, "Goed plan!"));
  mentor.sync();
  sem.sync();

  // The disk dies: the school restores the backup into a new folder and starts on it.
  server.reset();
  CHECK(std::system((std::string(WERKEX_ADMIN) + " --data " + restored + " restore " + folder +
                     " >/dev/null")
                        .c_str()) == 0);
  // Restoring into a folder that holds anything is refused.
  CHECK(std::system((std::string(WERKEX_ADMIN) + " --data " + restored + " restore " + folder +
                     " 2>/dev/null")
                        .c_str()) != 0);
  server = std::make_unique<ServerProcess>(restored);
  for (Device* d : {&sem, &mentor}) expect_ok(d->replica->set_setting("server", server->url()));

  // Same tokens, no re-enrolment; each device sees the new epoch and sends everything again.
  SyncReport s1 = sem.sync();
  CHECK(s1.server_restored);
  CHECK(s1.rejected.empty());
  SyncReport m1 = mentor.sync();
  CHECK(m1.server_restored);
  CHECK(m1.rejected.empty());
  CHECK_FALSE(sem.sync().server_restored);
  mentor.sync();

  Device fresh(dir.file("fresh.db"), server->url(), admin(restored, "invite " + sem.user()));
  fresh.sync();
  std::string bucket = "pupil:" + sem.user();
  CHECK(expect_ok(fresh.replica->get(after))["title"] == "Na de backup");
  CHECK(expect_ok(fresh.replica->get(comment))["body"] == "Goed plan!");
  CHECK(fresh.bucket_dump(bucket) == sem.bucket_dump(bucket));
  CHECK(mentor.bucket_dump(bucket) == sem.bucket_dump(bucket));
}

TEST_CASE("backup: blobs are copied once, old folders beyond keep go", "[integration][backup]") {
  TempDir dir;
  const std::string data = dir.file("server");
  ServerProcess server(data, "127.0.0.1:0", json{{"backup_keep", 2}});
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  const std::string bytes = photo(200000, 7);
  const std::string sha = push_blob_entity(sem, bytes);
  BlobClient client(server.url(), token_of(sem));
  REQUIRE(client.put(sha, bytes, 0, bytes.size()).status == 200);
  json first = backup(server, dir, data);
  CHECK(first["blobs_copied"] == 1);
  json second = backup(server, dir, data);
  CHECK(second["blobs_copied"] == 0);  // immutable: already in the shared folder
  CHECK(second["blobs_present"] == 1);
  json third = backup(server, dir, data);
  CHECK(third["removed"] == 1);
  CHECK_FALSE(std::filesystem::exists(first["folder"].get<std::string>()));
  CHECK(std::filesystem::exists(second["folder"].get<std::string>()));
  // The shared copy is byte-identical.
  std::ifstream in(dir.file("server/backups/blobs/") + sha.substr(0, 2) + "/" + sha,
                   std::ios::binary);
  CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == bytes);
}
