// Faults between a device and the real server: requests sent twice, answers lost, old
// requests arriving late, slow clients, devices over their rate limit, and the binary wire
// formats. Nothing accepted or queued may be lost; every device converges.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "devices.hpp"
#include "werkex/dossier.hpp"
#include "werkex/ids.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

// A transport that records what goes through and can lose the answer: the request reaches
// the server, the device hears nothing (a timeout after the server committed).
struct RecordingTransport {
  explicit RecordingTransport(Transport& t) : inner(t) {}
  RecordingTransport(const RecordingTransport&) = delete;  // `transport` points at this
  Transport& inner;
  std::vector<HttpRequest> sent;
  bool lose_answers = false;
  CallbackTransport transport{[this](const HttpRequest& r) -> Result<HttpResponse> {
    sent.push_back(r);
    auto answer = inner.send(r);
    if (lose_answers) return make_error(WX_UNAVAILABLE, "test: the answer was lost");
    return answer;
  }};
};

HttpResponse send(const std::string& url, HttpRequest req) {
  CurlTransport t(quick_curl());
  req.url = url + req.url;
  return expect_ok(t.send(req));
}

json answer_of(const HttpResponse& r) {
  auto format = wire_format_from_content_type(r.header("Content-Type"));
  REQUIRE(format);
  return expect_ok(decode_body(r.body, *format));
}

std::string record_notes(Device& d, const std::string& activity, int n, const std::string& tag) {
  std::string last;
  for (int i = 0; i < n; ++i) {
    ExperienceDraft e;
    e.activity = activity;
    e.note = tag + " " + std::to_string(i);
    last = expect_ok(Dossier(*d.replica).record_experience(e));
  }
  return last;
}

std::string plan(Device& d) {
  ActivityPlan p;
  p.kind = "snuffelstage";
  p.title = "Bistro Noord";
  return expect_ok(Dossier(*d.replica).plan_activity(p));
}

}  // namespace

TEST_CASE("faults: the same sync request sent twice changes nothing the second time",
          "[integration][faults][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  Device phone(dir.file("phone.db"), server.url(), server.code("Sem"));
  std::string act = plan(phone);
  record_notes(phone, act, 5, "dubbel");
  RecordingTransport rec{phone.transport};
  expect_ok(SyncSession(*phone.replica, rec.transport).run());
  REQUIRE_FALSE(rec.sent.empty());
  HttpRequest first = rec.sent.front();
  first.url = first.url.substr(server.url().size());

  json again = answer_of(send(server.url(), first));
  CHECK(again["push"]["applied"] == 0);
  CHECK(again["push"]["unchanged"].get<size_t>() > 10);
  CHECK(again["push"]["rejected"].empty());
  Device tablet(dir.file("tablet.db"), server.url(), admin(data, "invite " + phone.user()));
  tablet.sync();
  phone.sync();
  std::string bucket = "pupil:" + phone.user();
  CHECK(tablet.bucket_dump(bucket) == phone.bucket_dump(bucket));
  Query q;
  q.type = "experience";
  CHECK(expect_ok(tablet.replica->count(q)) == 5);
}

TEST_CASE("faults: an answer lost after the server committed is retried safely",
          "[integration][faults][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  Device phone(dir.file("phone.db"), server.url(), server.code("Sem"));
  std::string act = plan(phone);
  record_notes(phone, act, 20, "verloren antwoord");
  RecordingTransport rec{phone.transport};
  rec.lose_answers = true;
  auto lost = SyncSession(*phone.replica, rec.transport).run();
  REQUIRE_FALSE(lost);
  CHECK(lost.error().code == WX_UNAVAILABLE);
  CHECK(rec.sent.size() == 1);
  // The device still counts everything as unpushed; the retry sends it all again.
  SyncReport retry = phone.sync();
  CHECK(retry.pushed > 20);
  CHECK(retry.rejected.empty());
  Device tablet(dir.file("tablet.db"), server.url(), admin(data, "invite " + phone.user()));
  tablet.sync();
  std::string bucket = "pupil:" + phone.user();
  CHECK(tablet.bucket_dump(bucket) == phone.bucket_dump(bucket));
}

TEST_CASE("faults: an old request arriving after a newer one cannot undo the newer edit",
          "[integration][faults][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  Device phone(dir.file("phone.db"), server.url(), server.code("Sem"));
  std::string act = plan(phone);
  expect_ok(phone.replica->put({{"id", act}, {"title", "oude titel"}}));
  RecordingTransport rec{phone.transport};
  expect_ok(SyncSession(*phone.replica, rec.transport).run());
  HttpRequest stale = rec.sent.front();
  stale.url = stale.url.substr(server.url().size());
  expect_ok(phone.replica->put({{"id", act}, {"title", "nieuwe titel"}}));
  phone.sync();
  // The stale request, delayed in some proxy, arrives now.
  json late = answer_of(send(server.url(), stale));
  CHECK(late["push"]["applied"] == 0);
  Device tablet(dir.file("tablet.db"), server.url(), admin(data, "invite " + phone.user()));
  tablet.sync();
  CHECK(expect_ok(tablet.replica->get(act))["title"] == "nieuwe titel");
}

TEST_CASE("faults: a client trickling its request is cut off while others keep syncing",
          "[integration][faults][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"), "127.0.0.1:0", {{"read_timeout_s", 2}});
  Device phone(dir.file("phone.db"), server.url(), server.code("Sem"));
  std::string port = server.url().substr(server.url().rfind(':') + 1);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(std::stoi(port)));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  std::string head = "POST /v1/sync HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"v\"";
  REQUIRE(::send(fd, head.data(), head.size(), 0) == ssize_t(head.size()));
  // While that request hangs, the device syncs normally.
  std::string act = plan(phone);
  SyncReport r = phone.sync();
  CHECK(r.pushed > 0);
  // The server gives up on the slow request without answering and closes the connection.
  timeval tv{30, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[256];
  ssize_t n = recv(fd, buf, sizeof buf, 0);
  CHECK(n == 0);
  close(fd);
  CHECK(phone.sync().rejected.empty());
}

TEST_CASE("faults: a device over its rate limit gets 429 with Retry-After, others do not",
          "[integration][faults][rate][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  // One request a minute after a burst of 4: deterministic within a test's lifetime.
  ServerProcess server(data, "127.0.0.1:0",
                       {{"rate_limit_per_minute", 1}, {"rate_limit_burst", 4}});
  Device phone(dir.file("phone.db"), server.url(), server.code("Sem"));
  Device mentor(dir.file("mentor.db"), server.url(), server.code("Mevrouw Jansen"));
  std::string token = expect_ok(phone.replica->setting("token")).value();
  HttpRequest probe{"POST",
                    "/v1/sync",
                    {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}},
                    "{}"};
  int limited = 0;
  HttpResponse last;
  for (int i = 0; i < 6; ++i) {
    last = send(server.url(), probe);
    if (last.status == 429) ++limited;
  }
  CHECK(limited >= 2);
  REQUIRE(last.status == 429);
  CHECK(std::stoi(last.header("Retry-After")) >= 1);
  CHECK(answer_of(last)["error"]["code"] == "rate_limited");
  auto refused = phone.try_sync();
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == WX_RATE_LIMITED);
  CHECK(refused.error().is_transient());
  // Another device is not held up by this one.
  CHECK(mentor.sync().rejected.empty());
  CHECK(send(server.url(), {"GET", "/metrics", {}, ""}).body.find("werkex_rate_limited_total") !=
        std::string::npos);
}

TEST_CASE("wire formats: devices syncing in CBOR, MessagePack and JSON converge",
          "[integration][wire][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  Device phone(dir.file("phone.db"), server.url(), server.code("Sem"));
  Device tablet(dir.file("tablet.db"), server.url(), admin(data, "invite " + phone.user()));
  Device laptop(dir.file("laptop.db"), server.url(), admin(data, "invite " + phone.user()));
  SyncOptions cbor, msgpack;
  cbor.wire = WireFormat::cbor;
  msgpack.wire = WireFormat::msgpack;
  std::string act = plan(phone);
  record_notes(phone, act, 3, "cbor é ü 🙂");
  RecordingTransport rec{phone.transport};
  expect_ok(SyncSession(*phone.replica, rec.transport, cbor).run());
  CHECK(rec.sent.front().body.front() != '{');
  expect_ok(SyncSession(*tablet.replica, tablet.transport, msgpack).run());
  record_notes(tablet, act, 3, "msgpack");
  expect_ok(SyncSession(*tablet.replica, tablet.transport, msgpack).run());
  laptop.sync();
  expect_ok(SyncSession(*phone.replica, phone.transport, cbor).run());
  std::string bucket = "pupil:" + phone.user();
  CHECK(phone.bucket_dump(bucket) == laptop.bucket_dump(bucket));
  CHECK(tablet.bucket_dump(bucket) == laptop.bucket_dump(bucket));
  // The binary bodies are smaller than the JSON one for the same request.
  HttpRequest same = rec.sent.front();
  same.url = same.url.substr(server.url().size());
  json request = expect_ok(decode_body(same.body, WireFormat::cbor));
  CHECK(same.body.size() < request.dump().size());
}

TEST_CASE("wire formats: bad binary bodies and unknown media types are refused precisely",
          "[integration][wire][validation][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device phone(dir.file("phone.db"), server.url(), server.code("Sem"));
  std::string token = expect_ok(phone.replica->setting("token")).value();
  auto post = [&](const std::string& type, const std::string& body,
                  const std::string& accept = "") {
    HttpRequest r{
        "POST", "/v1/sync", {{"Content-Type", type}, {"Authorization", "Bearer " + token}}, body};
    if (!accept.empty()) r.headers.emplace_back("Accept", accept);
    return send(server.url(), r);
  };
  auto expect_refused = [&](const HttpResponse& r, int status, const std::string& words) {
    INFO(r.status << " " << r.body);
    CHECK(r.status == status);
    CHECK(r.header("Content-Type") == "application/json");
    CHECK_THAT(r.body, Catch::Contains(words));
  };
  expect_refused(post("text/plain", "{}"), 415, "unsupported Content-Type 'text/plain'");
  expect_refused(post("application/cbor", std::string("\xa1\x61v", 3)), 400, "not valid CBOR");
  expect_refused(post("application/msgpack", std::string("\xc1", 1)), 400, "not valid MessagePack");
  std::vector<uint8_t> bytes = json::to_cbor(json{{"v", json::binary({1, 2, 3})}});
  expect_refused(post("application/cbor", std::string(bytes.begin(), bytes.end())), 400,
                 "byte string");
  std::string bad_text = std::string("\xa1\x61v\x62\xff\xfe", 6);
  expect_refused(post("application/cbor", bad_text), 400, "not valid UTF-8");
  std::string deep(100000, '\x81');
  deep += '\x01';
  expect_refused(post("application/cbor", deep), 400, "nesting deeper than 64");
  // A JSON request may ask for a MessagePack answer, and gets one.
  RecordingTransport rec{phone.transport};
  expect_ok(SyncSession(*phone.replica, rec.transport).run());
  REQUIRE(rec.sent.front().body.front() == '{');
  HttpResponse r =
      post("application/json", rec.sent.front().body, "application/msgpack;q=0.9, */*;q=0.1");
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(r.header("Content-Type") == "application/msgpack");
  CHECK(expect_ok(decode_body(r.body, WireFormat::msgpack)).contains("server_clock"));
  CHECK(phone.sync().rejected.empty());
}

TEST_CASE("faults: a token that expires while changes wait keeps them queued until re-enrolment",
          "[integration][faults][auth][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data, "127.0.0.1:0", {{"token_idle_days", 4.0 / 86400}});
  Device phone(dir.file("phone.db"), server.url(), server.code("Sem"));
  std::string act = plan(phone);
  record_notes(phone, act, 4, "verlopen");
  sleep(5);  // longer than the token may sit unused
  auto expired = phone.try_sync();
  REQUIRE_FALSE(expired);
  CHECK(expired.error().code == WX_UNAUTHENTICATED);
  CHECK_THAT(expired.error().message, Catch::Contains("expired"));
  expect_ok(
      SyncSession(*phone.replica, phone.transport).enroll(admin(data, "invite " + phone.user())));
  SyncReport r = phone.sync();
  CHECK(r.rejected.empty());
  Device tablet(dir.file("tablet.db"), server.url(), admin(data, "invite " + phone.user()));
  tablet.sync();
  Query q;
  q.type = "experience";
  CHECK(expect_ok(tablet.replica->count(q)) == 4);
  CHECK(tablet.bucket_dump("pupil:" + phone.user()) == phone.bucket_dump("pupil:" + phone.user()));
}
