// The server side of blobs through the real werkex-server: HEAD/PUT/GET /v1/blobs/{sha} as a
// device (and an attacker) sends them, raw, over libcurl.
#include <sodium.h>

#include <cctype>
#include <thread>

#include "blob_client.hpp"

using namespace werkex;
using namespace werkex::test;

TEST_CASE(
    "blobs: a pupil uploads in chunks and resumes after a cut and downloads whole or by range",
    "[integration][blob][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  Device phone(dir.file("sem-phone.db"), server.url(), server.code("Sem"));
  const std::string bucket = "pupil:" + phone.user();
  const std::string bytes = photo(250001, 1);
  const std::string sha = push_blob_entity(phone, bytes);
  BlobClient sem(server.url(), token_of(phone));

  HttpResponse h = sem.head(sha);
  REQUIRE(h.status == 200);
  CHECK(h.header("X-Werkex-Blob-Size") == "250001");
  CHECK(h.header("X-Werkex-Blob-Received") == "0");
  CHECK(sem.get(sha).status == 404);  // nothing uploaded yet

  const size_t c1 = 83334, c2 = 166668;
  HttpResponse r = sem.put(sha, bytes, 0, c1);
  REQUIRE(r.status == 200);
  CHECK(body_of(r) ==
        json({{"sha256", sha}, {"received", c1}, {"size", bytes.size()}, {"complete", false}}));
  CHECK(sem.received(sha) == c1);
  // The same chunk again (its answer was lost): harmless.
  r = sem.put(sha, bytes, 0, c1);
  REQUIRE(r.status == 200);
  CHECK(body_of(r)["received"] == c1);
  // A chunk beyond what the server holds: 409, and where to resume.
  r = sem.put(sha, bytes, c2, bytes.size());
  REQUIRE(r.status == 409);
  CHECK(error_code_of(r) == "conflict");
  CHECK(body_of(r)["received"] == c1);
  CHECK(r.header("X-Werkex-Blob-Received") == std::to_string(c1));
  CHECK(sem.received(sha) == c1);
  // GET of an incomplete blob says how far it is.
  r = sem.get(sha);
  CHECK(r.status == 404);
  CHECK_THAT(r.body, Catch::Contains("the server has 83334 of 250001 bytes"));

  REQUIRE(sem.put(sha, bytes, c1, c2).status == 200);
  CHECK(sem.received(sha) == c2);
  // The last chunk overlapping what is there: only the new tail is appended.
  r = sem.put(sha, bytes, c2 - 1000, bytes.size());
  REQUIRE(r.status == 200);
  CHECK(body_of(r) ==
        json({{"sha256", sha}, {"received", 250001}, {"size", 250001}, {"complete", true}}));
  h = sem.head(sha);
  CHECK(h.header("X-Werkex-Blob-Received") == "250001");
  CHECK(h.header("Content-Length") == "250001");
  // Complete: a PUT writes nothing and says so.
  r = sem.put(sha, bytes, 0, c1);
  REQUIRE(r.status == 200);
  CHECK(body_of(r)["complete"] == true);

  const size_t reads_before = std::stoul(admin(data, "reads " + bucket));
  r = sem.get(sha);
  REQUIRE(r.status == 200);
  CHECK(r.body == bytes);
  CHECK(r.header("Content-Type") == "application/octet-stream");
  CHECK(r.header("X-Werkex-Blob-Size") == "250001");
  CHECK(std::stoul(admin(data, "reads " + bucket)) == reads_before + 1);  // the access log
  r = sem.get(sha, "bytes=100-199");
  REQUIRE(r.status == 206);
  CHECK(r.body == bytes.substr(100, 100));
  CHECK(r.header("Content-Range") == "bytes 100-199/250001");
  r = sem.get(sha, "bytes=250000-");
  REQUIRE(r.status == 206);
  CHECK(r.body == bytes.substr(250000));
  CHECK(r.header("Content-Range") == "bytes 250000-250000/250001");
  for (std::string bad :
       {"bytes=250001-", "bytes=5-2", "bytes=abc", "items=0-1", "bytes=0-1,5-6"}) {
    INFO(bad);
    r = sem.get(sha, bad);
    CHECK(r.status == 416);
    CHECK(r.header("Content-Range") == "bytes */250001");
    CHECK(error_code_of(r) == "invalid_argument");
  }
  CHECK(std::stoul(admin(data, "reads " + bucket)) == reads_before + 3);  // only the good GETs

  SECTION("an upload cut off half-way is finished by another device from HEAD's offset") {
    Device laptop(dir.file("sem-laptop.db"), server.url(), admin(data, "invite " + phone.user()));
    const std::string second = photo(400000, 2);
    const std::string sha2 = push_blob_entity(phone, second);
    {
      BlobClient cut(server.url(), token_of(phone));
      REQUIRE(cut.put(sha2, second, 0, 100000).status == 200);
      REQUIRE(cut.put(sha2, second, 100000, 200000).status == 200);
    }  // the phone's connection is gone
    laptop.sync();
    BlobClient resume(server.url(), token_of(laptop));
    uint64_t from = resume.received(sha2);
    CHECK(from == 200000);
    while (from < second.size()) {
      size_t to = std::min<size_t>(from + 100000, second.size());
      r = resume.put(sha2, second, from, to);
      REQUIRE(r.status == 200);
      from = body_of(r)["received"].get<uint64_t>();
    }
    CHECK(body_of(r)["complete"] == true);
    CHECK(sem.get(sha2).body == second);
    HttpResponse m = sem.send("GET", "/metrics");
    CHECK_THAT(m.body, Catch::Contains("werkex_blob_uploads_completed_total 2\n"));
    // Repeated bytes are not counted twice.
    CHECK_THAT(m.body, Catch::Contains("werkex_blob_bytes_received_total 650001\n"));
    CHECK_THAT(m.body, Catch::Contains("werkex_blob_rejects_total{reason=\"conflict\"} 1\n"));
  }

  SECTION("two devices uploading the same blob at once end with one correct file") {
    Device laptop(dir.file("sem-laptop.db"), server.url(), admin(data, "invite " + phone.user()));
    const std::string third = photo(600000, 3);
    const std::string sha3 = push_blob_entity(phone, third);
    // Each device sends chunk after chunk, resuming wherever the server says it is.
    auto upload = [&](const std::string& token, bool* finished) {
      BlobClient c(server.url(), token);
      uint64_t from = 0;
      for (int step = 0; step < 100; ++step) {
        auto a = c.try_put(sha3, third, from, std::min<size_t>(from + 50000, third.size()));
        if (!a || (a->status != 200 && a->status != 409)) return;
        json j = json::parse(a->body, nullptr, false);
        if (!j.is_object() || !j["received"].is_number_unsigned()) return;
        from = j["received"].get<uint64_t>();
        if (j.value("complete", false)) {
          *finished = true;
          return;
        }
      }
    };
    bool finished_a = false, finished_b = false;
    std::thread a(upload, token_of(phone), &finished_a);
    std::thread b(upload, token_of(laptop), &finished_b);
    a.join();
    b.join();
    CHECK(finished_a);
    CHECK(finished_b);
    CHECK(sem.received(sha3) == third.size());
    CHECK(sem.get(sha3).body == third);
  }
}

TEST_CASE("blobs: wrong bytes are discarded and sizes and limits are enforced",
          "[integration][blob][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"), "127.0.0.1:0", json{{"max_blob_bytes", 100000}});
  Device phone(dir.file("sem.db"), server.url(), server.code("Sem"));
  BlobClient sem(server.url(), token_of(phone));
  const std::string bytes = photo(50000, 4);
  const std::string sha = push_blob_entity(phone, bytes);

  // One flipped byte in the last chunk: refused at the end, and the partial upload is gone.
  std::string wrong = bytes;
  wrong[40000] ^= 0x20;
  REQUIRE(sem.put(sha, wrong, 0, 25000).status == 200);
  HttpResponse r = sem.put(sha, wrong, 25000, 50000);
  CHECK(r.status == 400);
  CHECK(error_code_of(r) == "corrupt");
  CHECK_THAT(r.body, Catch::Contains(sha) && Catch::Contains(sha256_hex(wrong)));
  CHECK(sem.received(sha) == 0);
  CHECK(sem.get(sha).status == 404);
  // Whole, without Content-Range, and wrong again.
  r = sem.send("PUT", "/v1/blobs/" + sha, wrong);
  CHECK(r.status == 400);
  CHECK(error_code_of(r) == "corrupt");
  CHECK(sem.received(sha) == 0);

  // TOTAL is not the entity's size, the body is not END-START+1, or the header is malformed.
  auto put_raw = [&](const std::string& range, const std::string& body) {
    return sem.send("PUT", "/v1/blobs/" + sha, body, {{"Content-Range", range}});
  };
  for (auto [range, body] :
       std::vector<std::pair<std::string, std::string>>{{"bytes 0-9/49999", bytes.substr(0, 10)},
                                                        {"bytes 0-9/50001", bytes.substr(0, 10)},
                                                        {"bytes 0-9/50000", bytes.substr(0, 5)},
                                                        {"bytes=0-9/50000", bytes.substr(0, 10)},
                                                        {"bytes 9-0/50000", bytes.substr(0, 10)},
                                                        {"bytes 0-50000/50000", bytes},
                                                        {"bytes -1-9/50000", bytes.substr(0, 10)},
                                                        {"bytes 0-9/", bytes.substr(0, 10)}}) {
    INFO(range);
    r = put_raw(range, body);
    CHECK(r.status == 400);
    CHECK(error_code_of(r) == "invalid_argument");
  }
  CHECK(sem.send("PUT", "/v1/blobs/" + sha, bytes.substr(0, 49999)).status == 400);
  CHECK(sem.received(sha) == 0);

  // And then the right bytes go through.
  r = sem.send("PUT", "/v1/blobs/" + sha, bytes);
  REQUIRE(r.status == 200);
  CHECK(body_of(r)["complete"] == true);
  CHECK(sem.get(sha).body == bytes);

  // Over this server's limit (the schema allows up to 100 MiB; this server 100000 bytes).
  const std::string big = photo(150000, 5);
  const std::string big_sha = push_blob_entity(phone, big);
  r = sem.put(big_sha, big, 0, 1000);
  CHECK(r.status == 413);
  CHECK(error_code_of(r) == "too_large");
  CHECK(sem.received(big_sha) == 0);
  HttpResponse m = sem.send("GET", "/metrics");
  CHECK_THAT(m.body, Catch::Contains("werkex_blob_rejects_total{reason=\"too_large\"} 1\n"));
  CHECK_THAT(m.body, Catch::Contains("werkex_blob_rejects_total{reason=\"corrupt\"} 2\n"));
}

TEST_CASE("blobs: only who may read the dossier gets the bytes and path tricks are refused",
          "[integration][blob][access][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  Device sem_phone(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device aisha_phone(dir.file("aisha.db"), server.url(), server.code("Aisha"));
  Device ans_phone(dir.file("ans.db"), server.url(), server.code("Ans Bakker"));
  Device mentor_phone(dir.file("jansen.db"), server.url(), server.code("Mevrouw Jansen"));
  const std::string bytes = photo(30000, 6), aisha_bytes = photo(20000, 7);
  const std::string sha = push_blob_entity(sem_phone, bytes);
  const std::string aisha_sha = push_blob_entity(aisha_phone, aisha_bytes);
  BlobClient sem(server.url(), token_of(sem_phone));
  BlobClient aisha(server.url(), token_of(aisha_phone));
  BlobClient ans(server.url(), token_of(ans_phone));  // placed: Sem now, Aisha 60 days ago
  BlobClient mentor(server.url(), token_of(mentor_phone));

  // Pupil B: not Sem's blob in any way, and the same answer as for a hash that exists nowhere.
  const std::string nowhere = sha256_hex("nowhere");
  CHECK(aisha.head(sha).status == 404);
  CHECK(aisha.put(sha, bytes, 0, bytes.size()).status == 404);
  CHECK(sem.received(sha) == 0);
  REQUIRE(sem.put(sha, bytes, 0, bytes.size()).status == 200);
  REQUIRE(aisha.put(aisha_sha, aisha_bytes, 0, aisha_bytes.size()).status == 200);
  HttpResponse theirs = aisha.get(sha), none = aisha.get(nowhere);
  CHECK(theirs.status == 404);
  CHECK(none.status == 404);
  std::string theirs_msg = body_of(theirs)["error"]["message"];
  std::string none_msg = body_of(none)["error"]["message"];
  theirs_msg.replace(theirs_msg.find(sha), sha.size(), nowhere);
  CHECK(theirs_msg == none_msg);
  CHECK(sem.get(aisha_sha).status == 404);

  // The supervisor of a running placement reads but does not write; of an ended one, nothing.
  HttpResponse r = ans.get(sha);
  CHECK(r.status == 200);
  CHECK(r.body == bytes);
  CHECK(ans.head(sha).status == 200);
  r = ans.put(sha, bytes, 0, bytes.size());
  CHECK(r.status == 403);
  CHECK(error_code_of(r) == "permission_denied");
  CHECK(ans.get(aisha_sha).status == 404);
  CHECK(ans.head(aisha_sha).status == 404);
  // The mentor of Sem's group reads; a teacher does not write blobs.
  CHECK(mentor.get(sha).body == bytes);
  CHECK(mentor.put(sha, bytes, 0, bytes.size()).status == 403);

  // No token, a made-up token: 401 with a JSON error (HEAD: no body).
  BlobClient nobody(server.url(), ""), forger(server.url(), "wx_" + std::string(64, '0'));
  r = nobody.get(sha);
  CHECK(r.status == 401);
  CHECK(error_code_of(r) == "unauthenticated");
  CHECK(nobody.head(sha).status == 401);
  CHECK(nobody.put(sha, bytes, 0, bytes.size()).status == 401);
  CHECK(forger.get(sha).status == 401);

  // Names that are not a hash never reach the file system.
  std::string upper = sha;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (std::string path :
       std::vector<std::string>{"..%2f..%2fetc%2fpasswd", "%2e%2e", upper, sha.substr(1), sha + "0",
                                sha.substr(0, 63) + "g", std::string("..")}) {
    INFO(path);
    r = sem.send("GET", "/v1/blobs/" + path);
    CHECK((r.status == 400 || r.status == 404));
    CHECK(!error_code_of(r).empty());
    CHECK(sem.send("PUT", "/v1/blobs/" + path, "x").status / 100 == 4);
  }
  CHECK(sem.get(upper).status == 400);
  CHECK(error_code_of(sem.get(sha.substr(1))) == "invalid_argument");
  r = sem.send("GET", "/v1/blobs/" + sha + "/extra");
  CHECK(r.status == 404);
  CHECK(error_code_of(r) == "not_found");
  // Still serving.
  CHECK(sem.send("GET", "/healthz").status == 200);
  CHECK(sem.get(sha).body == bytes);

  // A deleted blob entity no longer opens the bytes.
  Query blobs;
  blobs.type = "blob";
  blobs.field = "sha256";
  blobs.equals = sha;
  expect_ok(sem_phone.replica->remove(expect_ok(sem_phone.replica->list(blobs)).at(0)["id"]));
  sem_phone.sync();
  CHECK(sem.head(sha).status == 404);
  CHECK(ans.get(sha).status == 404);
}
