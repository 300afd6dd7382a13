// Storage a pupil cannot exhaust (issue 10 item 8), through the real werkex-server: quotas
// per dossier (413) and per device and day (429), unfinished uploads deleted after an age
// and with their entity.
#include <filesystem>
#include <fstream>
#include <thread>

#include "blob_client.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

size_t partial_files(const std::string& data) {
  size_t n = 0;
  for (auto& e : std::filesystem::directory_iterator(data + "/blobs/partial"))
    n += e.is_regular_file();
  return n;
}

void remove_blob_entity(Device& pupil, const std::string& sha) {
  Query q = Query::where("blob", "pupil:" + pupil.user(), "sha256", sha);
  for (const json& doc : expect_ok(pupil.replica->list(q)))
    expect_ok(pupil.replica->remove(doc["id"]));
  REQUIRE(pupil.sync().rejected.empty());
}

}  // namespace

TEST_CASE("blob quotas: a dossier's total answers 413 and a device's day answers 429",
          "[integration][blob][quota][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(
      data, "127.0.0.1:0",
      json{{"blob_dossier_quota_bytes", 300000}, {"blob_device_daily_bytes", 150000}});
  Device phone(dir.file("sem-phone.db"), server.url(), server.code("Sem"));
  Device laptop(dir.file("sem-laptop.db"), server.url(), admin(data, "invite " + phone.user()));
  BlobClient by_phone(server.url(), token_of(phone)), by_laptop(server.url(), token_of(laptop));
  const std::string a = photo(200000, 21), b = photo(150000, 22);
  const std::string sha_a = push_blob_entity(phone, a), sha_b = push_blob_entity(phone, b);
  laptop.sync();

  // A declared 200000 bytes and started: that much of the dossier's 300000 is taken.
  REQUIRE(by_phone.put(sha_a, a, 0, 100000).status == 200);
  HttpResponse r = by_phone.put(sha_b, b, 0, 10000);
  CHECK(r.status == 413);
  CHECK(error_code_of(r) == "too_large");
  CHECK_THAT(r.body, Catch::Contains("quota is 300000"));
  CHECK(by_phone.received(sha_b) == 0);

  // The phone sent 100000 today; 100000 more is over its 150000 a day: 429, until midnight.
  r = by_phone.put(sha_a, a, 100000, a.size());
  CHECK(r.status == 429);
  CHECK(error_code_of(r) == "rate_limited");
  CHECK(std::stoul(r.header("Retry-After")) >= 1);
  CHECK(by_phone.received(sha_a) == 100000);
  // Another device of the same pupil has its own day.
  r = by_laptop.put(sha_a, a, 100000, a.size());
  REQUIRE(r.status == 200);
  CHECK(body_of(r)["complete"] == true);
  CHECK(by_phone.get(sha_a).body == a);

  // Deleting a blob frees its share of the dossier's quota.
  remove_blob_entity(phone, sha_a);
  laptop.sync();
  r = by_laptop.put(sha_b, b, 0, 40000);
  CHECK(r.status == 200);
  // What school IT sees of the dossier's share.
  json usage = json::parse(admin(data, "blobs pupil:" + phone.user()));
  CHECK(usage == json({{"bucket", "pupil:" + phone.user()},
                       {"held_bytes", 0},
                       {"held", 0},
                       {"uploading_bytes", 150000},
                       {"uploading", 1}}));
  HttpResponse m = by_phone.send("GET", "/metrics");
  CHECK_THAT(m.body, Catch::Contains("werkex_blob_quota_refusals_total{quota=\"dossier\"} 1\n"));
  CHECK_THAT(m.body, Catch::Contains("werkex_blob_quota_refusals_total{quota=\"device_day\"} 1\n"));
}

TEST_CASE("blob quotas: an unfinished upload goes with its entity and after its age",
          "[integration][blob][quota][pg]") {
  TempDir dir;
  SECTION("deleting the entity deletes its unfinished upload at once") {
    std::string data = dir.file("server");
    ServerProcess server(data);
    Device phone(dir.file("sem.db"), server.url(), server.code("Sem"));
    BlobClient sem(server.url(), token_of(phone));
    const std::string big = photo(300000, 23);
    const std::string sha = push_blob_entity(phone, big);
    REQUIRE(sem.put(sha, big, 0, 150000).status == 200);
    CHECK(partial_files(data) == 1);
    remove_blob_entity(phone, sha);
    CHECK(partial_files(data) == 0);
    CHECK(sem.head(sha).status == 404);
  }
  SECTION("an upload not continued for blob_partial_max_age_s is deleted and starts again") {
    std::string data = dir.file("server-aged");
    ServerProcess server(data, "127.0.0.1:0", json{{"blob_partial_max_age_s", 3}});
    Device phone(dir.file("sem-aged.db"), server.url(), server.code("Sem"));
    BlobClient sem(server.url(), token_of(phone));
    const std::string big = photo(300000, 24);
    const std::string sha = push_blob_entity(phone, big);
    REQUIRE(sem.put(sha, big, 0, 150000).status == 200);
    CHECK(sem.received(sha) == 150000);
    std::this_thread::sleep_for(std::chrono::milliseconds(4000));  // past the age, not a timing
    CHECK(sem.received(sha) == 0);  // the request that finds it stale sweeps it first
    CHECK(partial_files(data) == 0);
    HttpResponse m = sem.send("GET", "/metrics");
    CHECK_THAT(m.body, Catch::Contains("werkex_blob_partials_expired_total 1\n"));
    // The device sends it again from 0.
    REQUIRE(sem.put(sha, big, 0, big.size()).status == 200);
    CHECK(sem.get(sha).body == big);
  }
}

// werkex-server started with `config` as its --config file: its exit code and what it said.
static std::pair<int, std::string> start_with_config(const TempDir& dir, const char* config) {
  std::string file = dir.file("bad.json");
  std::ofstream(file) << config;
  return run_command(std::string(WERKEX_SERVER) + " --data " + dir.file("d") + " --config " + file +
                     " 2>&1");
}

TEST_CASE("werkex-server: quota and rate-limit config values of the wrong type are refused",
          "[integration][validation][quota][pg]") {
  TempDir dir;
  for (const char* bad :
       {R"({"blob_dossier_quota_bytes": "1G"})", R"({"blob_device_daily_bytes": -5})",
        R"({"blob_partial_max_age_s": 0})", R"({"enroll_rate_limit_per_minute": [10]})",
        R"({"enroll_rate_limit_burst": 2.5})", R"({"access_log_buffer_rows": true})"}) {
    auto [code, said] = start_with_config(dir, bad);
    INFO(bad << " -> " << said);
    CHECK(code == 2);
    CHECK_THAT(said, Catch::Contains("config value"));
  }
}

TEST_CASE("werkex-server: a bad or unreachable store is refused at start, saying which",
          "[integration][validation]") {
  TempDir dir;
  struct Case {
    const char* config;
    int exit_code;
    const char* says;
  };
  const Case cases[] = {
      {R"({"store": "postgres"})", 2, "store must be an object"},
      {R"({"store": {"engine": "oracle"}})", 2, "store.engine must be sqlite or postgres"},
      {R"({"store": {"engine": "postgres"}})", 2, "needs store.conninfo"},
      {R"({"store": {"engine": "sqlite", "path": "x"}})", 2, "store.path"},
      {R"({"store": {"engine": "postgres", "conninfo": 5}})", 2, "store.conninfo"},
      // Nothing listens on port 1: unavailable (10 + 9), the reason named, no server started.
      {R"({"store": {"engine": "postgres", "conninfo": "host=127.0.0.1 port=1 connect_timeout=2"}})",
       19, "unavailable"}};
  for (const Case& c : cases) {
    std::string file = dir.file("store.json");
    FILE* f = fopen(file.c_str(), "w");
    REQUIRE(f);
    fputs(c.config, f);
    fclose(f);
    auto [code, said] = run_command(std::string(WERKEX_SERVER) + " --data " + dir.file("d") +
                                    " --listen 127.0.0.1:0 --config " + file + " 2>&1");
    INFO(c.config << " -> " << said);
    CHECK(code == c.exit_code);
    CHECK_THAT(said, Catch::Contains(c.says));
    CHECK(said.find("listening") == std::string::npos);
  }
}

TEST_CASE("werkex-server: a blob_dir on the sqlite engine, or not a path, is refused at start",
          "[integration][validation]") {
  TempDir dir;
  for (const char* bad : {R"({"blob_dir": "/srv/werkex-blobs"})", R"({"blob_dir": 5})"}) {
    auto [code, said] = start_with_config(dir, bad);
    INFO(bad << " -> " << said);
    CHECK(code == 2);
    CHECK_THAT(said, Catch::Contains("blob_dir"));
  }
}
