// Several werkex-server processes on one PostgreSQL database and one shared data folder
// (docs/design.md §3–§6), as behind a load balancer: devices sync through either, a process
// dies with SIGKILL in the middle of a push, and what was acknowledged is never lost.
// [multiprocess]: run only on PostgreSQL (tests/integration/CMakeLists.txt).
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "blob_client.hpp"
#include "devices.hpp"
#include "signoff_support.hpp"
#include "werkex/dossier.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

void use(Device& d, const ServerProcess& server) {
  expect_ok(d.replica->set_setting("server", server.url()));
}

std::string record(Device& d, const std::string& activity, const std::string& note) {
  ExperienceDraft e;
  e.activity = activity;
  e.note = note;
  return expect_ok(Dossier(*d.replica).record_experience(e));
}

// The ids of the live experiences in `bucket`, as `d` holds them.
std::set<std::string> experiences(Device& d, const std::string& bucket) {
  Query q;
  q.type = "experience";
  q.bucket = bucket;
  std::set<std::string> ids;
  for (const json& doc : expect_ok(d.replica->list(q))) ids.insert(doc["id"].get<std::string>());
  return ids;
}

}  // namespace

TEST_CASE("two processes: devices syncing through both, at the same time, converge",
          "[integration][multiprocess]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess a(data);
  auto b = ServerProcess::another(data, "b");
  // Enrolled through b with a code a's start issued: the codes are the deployment's.
  Device phone(dir.file("phone.db"), b->url(), a.code("Sem"));
  const std::string bucket = "pupil:" + phone.user();
  Device tablet(dir.file("tablet.db"), a.url(), admin(data, "invite " + phone.user()));
  Device mentor(dir.file("mentor.db"), b->url(), a.code("Mevrouw Jansen"));
  ActivityPlan plan;
  plan.kind = "snuffelstage";
  plan.title = "Bistro Noord";
  const std::string act = expect_ok(Dossier(*phone.replica).plan_activity(plan));
  phone.sync();
  tablet.sync();
  mentor.sync();

  for (int round = 0; round < 8; ++round) {
    // Both of Sem's devices edit the same activity and push at the same moment, each
    // through another process (they swap every round); the mentor comments through either.
    record(phone, act, "telefoon " + std::to_string(round));
    record(tablet, act, "tablet " + std::to_string(round));
    expect_ok(phone.replica->put({{"id", act}, {"title", "titel p" + std::to_string(round)}}));
    expect_ok(tablet.replica->put({{"id", act}, {"title", "titel t" + std::to_string(round)}}));
    const char* kCompetencies[] = {"kwaliteitenreflectie", "motievenreflectie", "werkexploratie",
                                   "loopbaansturing", "netwerken"};
    expect_ok(
        phone.replica->put({{"id", act}, {"competencies", {{"add", {kCompetencies[round % 5]}}}}}));
    expect_ok(tablet.replica->put(
        {{"id", act}, {"competencies", {{"add", {kCompetencies[(round + 2) % 5]}}}}}));
    if (mentor.replica->get(act))
      expect_ok(Dossier(*mentor.replica).comment(act, "ronde " + std::to_string(round)));
    use(phone, round % 2 ? a : *b);
    use(tablet, round % 2 ? *b : a);
    use(mentor, round % 3 ? a : *b);
    std::thread other([&] { REQUIRE(tablet.try_sync()); });
    auto mine = phone.try_sync();
    auto theirs = mentor.try_sync();
    other.join();
    REQUIRE(mine);
    REQUIRE(theirs);
    CHECK(mine->rejected.empty());
  }
  for (int pass = 0; pass < 2; ++pass)
    for (Device* d : {&phone, &tablet, &mentor}) {
      use(*d, pass ? a : *b);
      d->sync();
    }
  const std::string expected = phone.bucket_dump(bucket);
  CHECK(experiences(phone, bucket).size() == 16);
  CHECK(tablet.bucket_dump(bucket) == expected);
  CHECK(mentor.bucket_dump(bucket) == expected);
  // The concurrent titles settled on one value everywhere, and both devices' set additions
  // were kept: all five competencies, added through either process.
  json activity = expect_ok(mentor.replica->get(act));
  CHECK(activity["competencies"].size() == 5);
  // Each round's titles were written after both devices had seen the round before.
  const std::string title = activity["title"];
  CHECK((title == "titel p7" || title == "titel t7"));
}

TEST_CASE("two processes: one killed with SIGKILL mid-push, nothing acknowledged is lost",
          "[integration][multiprocess][faults]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess a(data);
  Device phone(dir.file("phone.db"), a.url(), a.code("Sem"));
  Device mentor(dir.file("mentor.db"), a.url(), a.code("Mevrouw Jansen"));
  const std::string bucket = "pupil:" + phone.user();
  ActivityPlan plan;
  plan.kind = "meeloopstage";
  const std::string act = expect_ok(Dossier(*phone.replica).plan_activity(plan));
  phone.sync();

  std::set<std::string> acknowledged;
  for (int attempt = 0; attempt < 4; ++attempt) {
    auto b = ServerProcess::another(data, "b" + std::to_string(attempt));
    std::vector<std::string> written;
    for (int i = 0; i < 150; ++i)
      written.push_back(
          record(phone, act, "poging " + std::to_string(attempt) + "." + std::to_string(i)));
    use(phone, *b);
    // The push goes to b; b dies at some point during it (earlier each attempt).
    std::atomic<bool> acked{false};
    std::thread push([&] { acked = bool(phone.try_sync()); });
    usleep(static_cast<useconds_t>(40000 - attempt * 10000));
    b->stop(SIGKILL);
    push.join();
    if (acked) acknowledged.insert(written.begin(), written.end());
    // What b acknowledged is already the deployment's: the mentor reads it through a before
    // the phone sends anything again.
    mentor.sync();
    std::set<std::string> held = experiences(mentor, bucket);
    for (const std::string& id : acknowledged) REQUIRE(held.count(id) == 1);
    // The phone sends whatever was not acknowledged again, through a.
    use(phone, a);
    phone.sync();
    acknowledged.insert(written.begin(), written.end());
  }
  mentor.sync();
  CHECK(experiences(mentor, bucket).size() == 600);
  CHECK(mentor.bucket_dump(bucket) == phone.bucket_dump(bucket));
  // A process restarted on the same database serves the same dossier.
  auto again = ServerProcess::another(data, "again");
  Device reader(dir.file("reader.db"), again->url(), admin(data, "invite " + mentor.user()));
  reader.sync();
  CHECK(reader.bucket_dump(bucket) == phone.bucket_dump(bucket));
}

TEST_CASE("two processes: a PIN guessed through both alternately still locks after 5",
          "[integration][multiprocess][signoff][pin][attack]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess a(data);
  auto b = ServerProcess::another(data, "b");
  Device sem(dir.file("sem.db"), a.url(), a.code("Sem"));
  std::string exp = record_experience(sem, "Groenten gesneden");
  sem.sync();
  const std::string placement = placement_of(sem, sem.user());
  std::istringstream listed(admin_all(data, "pin " + placement));
  std::vector<std::string> codes;
  for (std::string c; listed >> c;) codes.push_back(c);
  REQUIRE(codes.size() == 10);
  // Wrong codes: none of the ten.
  std::vector<std::string> wrong;
  for (int k = 1; wrong.size() < 5; ++k) {
    std::string guess = std::to_string(10000000 + (std::stoi(codes[0]) + 7919 * k) % 90000000);
    if (std::count(codes.begin(), codes.end(), guess) == 0) wrong.push_back(guess);
  }
  auto sign = [&](const std::string& code, const ServerProcess& via) {
    use(sem, via);
    Statement st;
    st.hours = 4;
    st.attendance = "aanwezig";
    std::string id = expect_ok(Signoffs(*sem.replica).sign_with_pin({exp}, st, code));
    return refusal_of(sem.sync(), id);
  };
  for (size_t k = 0; k < wrong.size(); ++k) CHECK(sign(wrong[k], k % 2 ? a : *b) == "wrong code");
  // The sixth attempt, with a right code, through either process: locked.
  for (const ServerProcess* via : {&a, b.get()})
    CHECK(sign(codes[0], *via) ==
          "sign-off codes locked after 5 wrong attempts; ask the school for new ones");
}

TEST_CASE("two processes: chunks of one upload through both at once make one whole blob",
          "[integration][multiprocess][blob]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess a(data);
  auto b = ServerProcess::another(data, "b");
  Device phone(dir.file("phone.db"), a.url(), a.code("Sem"));
  for (int round = 0; round < 3; ++round) {
    const std::string bytes = photo(600000 + size_t(round), 11 + uint32_t(round));
    const std::string sha = push_blob_entity(phone, bytes);
    // The same device's retries landing on both processes: each sends chunk after chunk from
    // wherever the server says it is. Appends of one upload through two processes must not
    // interleave (blob_locks.hpp), or the file would hold some bytes twice and fail its hash.
    const std::string token = token_of(phone);  // read here: a Replica is one thread's
    auto upload = [&](const std::string& url, bool* finished) {
      BlobClient c(url, token);
      uint64_t from = 0;
      for (int step = 0; step < 100; ++step) {
        auto r = c.try_put(sha, bytes, from, std::min<size_t>(from + 40000, bytes.size()));
        if (!r || (r->status != 200 && r->status != 409)) return;
        json j = json::parse(r->body, nullptr, false);
        if (!j.is_object() || !j["received"].is_number_unsigned()) return;
        from = j["received"].get<uint64_t>();
        if (j.value("complete", false)) {
          *finished = true;
          return;
        }
      }
    };
    bool through_a = false, through_b = false;
    std::thread ta(upload, a.url(), &through_a);
    std::thread tb(upload, b->url(), &through_b);
    ta.join();
    tb.join();
    CHECK(through_a);
    CHECK(through_b);
    BlobClient via_a(a.url(), token_of(phone)), via_b(b->url(), token_of(phone));
    CHECK(via_b.get(sha).body == bytes);
    CHECK(via_a.get(sha).body == bytes);
  }
}

TEST_CASE("two machines: processes sharing only the database and a blob folder serve one photo",
          "[integration][multiprocess][blob]") {
  TempDir dir;
  std::string data = dir.file("server");
  const json shared = {{"blob_dir", dir.file("shared-blobs")}};
  ServerProcess a(data, "127.0.0.1:0", shared);
  auto b = ServerProcess::another(data, "b", shared, dir.file("machine-b"));  // its own folder
  Device phone(dir.file("phone.db"), a.url(), a.code("Sem"));
  const std::string bytes = photo(300000, 5);
  const std::string sha = push_blob_entity(phone, bytes);
  BlobClient via_a(a.url(), token_of(phone)), via_b(b->url(), token_of(phone));
  // Half through one machine, the rest through the other: whose upload it is, and how far it
  // got, is in the database; the bytes in the shared folder.
  auto first = via_a.try_put(sha, bytes, 0, 150000);
  REQUIRE(first);
  CHECK(first->status == 200);
  auto rest = via_b.try_put(sha, bytes, 150000, bytes.size());
  REQUIRE(rest);
  CHECK(rest->status == 200);
  CHECK(json::parse(rest->body).value("complete", false));
  CHECK(via_b.get(sha).body == bytes);
  CHECK(via_a.get(sha).body == bytes);
  CHECK(std::filesystem::exists(dir.file("shared-blobs") + "/" + sha.substr(0, 2) + "/" + sha));
  CHECK_FALSE(std::filesystem::exists(dir.file("machine-b") + "/blobs/" + sha.substr(0, 2)));
}

TEST_CASE("two processes: a device's rate limit is one, whichever process it reaches",
          "[integration][multiprocess][faults][rate]") {
  TempDir dir;
  std::string data = dir.file("server");
  // One request a minute after a burst of 4: no refill within the test.
  const json limits = {{"rate_limit_per_minute", 1}, {"rate_limit_burst", 4}};
  ServerProcess a(data, "127.0.0.1:0", limits);
  auto b = ServerProcess::another(data, "b", limits);
  Device phone(dir.file("phone.db"), a.url(), a.code("Sem"));
  Device mentor(dir.file("mentor.db"), b->url(), a.code("Mevrouw Jansen"));
  const std::string token = token_of(phone);
  // Alternately through a and b: four pass, then every request is refused by both. Were the
  // limits each process's own, all six would pass (three per process).
  std::vector<int> statuses;
  for (int i = 0; i < 6; ++i)
    statuses.push_back(raw_request(i % 2 ? b->url() : a.url(), "/v1/sync", "{}", token).status);
  CHECK(std::count(statuses.begin(), statuses.end(), 429) == 2);
  CHECK(statuses[4] == 429);
  CHECK(statuses[5] == 429);
  // Another device is not held up by this one, through either process.
  use(mentor, a);
  CHECK(mentor.sync().rejected.empty());
  use(mentor, *b);
  CHECK(mentor.sync().rejected.empty());
}
