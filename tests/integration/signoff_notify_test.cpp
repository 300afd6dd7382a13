// The supervisor is told of every sign-off made in her name (issue 10 item 11): the outbox
// mailed through libcurl's SMTP to a sink on loopback, listed by GET /v1/notifications, and
// disputed in one step, all through the real server process.
#include "signoff_support.hpp"
#include "smtp_sink.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

HttpResponse get_request(const std::string& url, const std::string& path,
                         const std::string& token) {
  CurlTransport t(quick_curl());
  HttpRequest req{"GET", url + path, {{"Authorization", "Bearer " + token}}, ""};
  return expect_ok(t.send(req));
}

json notifications_of(ServerProcess& server, Device& d) {
  HttpResponse r = get_request(server.url(), "/v1/notifications", setting_of(d, "token"));
  REQUIRE(r.status == 200);
  return json::parse(r.body)["notifications"];
}

}  // namespace

TEST_CASE("signoff: the supervisor is mailed and shown each sign-off in her name and disputes it",
          "[integration][signoff][pin][notify][pg]") {
  SmtpSink smtp;
  REQUIRE(smtp.port() > 0);
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data, "127.0.0.1:0",
                       {{"smtp_url", smtp.url()},
                        {"smtp_from", "werkex@vmbo-debrug.example"},
                        {"smtp_starttls", false}});
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device ans(dir.file("ans.db"), server.url(), server.code("Ans Bakker"));
  std::string exp = record_experience(sem, "Groenten gesneden");
  sem.sync();
  const std::string placement = placement_of(sem, sem.user());
  const std::string code = admin(data, "pin " + placement);

  // Her own sign-off on her own device is no news to her.
  ans.sync();
  Statement mine;
  mine.hours = 3;
  std::string own = expect_ok(Signoffs(*ans.replica).sign({exp}, mine));
  ans.sync();

  // The pupil alone "signs" a day in her name with a code seen once.
  Statement st;
  st.hours = 8;
  st.attendance = "aanwezig";
  st.assessment = "Uitstekend";
  std::string forged = expect_ok(Signoffs(*sem.replica).sign_with_pin({exp}, st, code));
  CHECK(sem.sync().rejected.empty());

  // The mail: to her roster address, naming pupil, day and statement, never the code.
  auto mails = smtp.wait_for(1, std::chrono::seconds(20));
  REQUIRE(mails.size() == 1);
  CHECK(mails[0].from == "<werkex@vmbo-debrug.example>");
  REQUIRE(mails[0].to.size() == 1);
  CHECK(mails[0].to[0] == "<ans.bakker@bistro-noord.example>");
  CHECK_THAT(mails[0].data, Catch::Contains(forged) && Catch::Contains("Pupil: Sem") &&
                                Catch::Contains("Hours: 8") &&
                                Catch::Contains("Assessment: Uitstekend") &&
                                Catch::Contains("/dispute"));
  CHECK(mails[0].data.find(code) == std::string::npos);

  // The list: hers only, one note (not for her own sign-off), marked e-mailed.
  json notes;
  for (int i = 0; i < 100; ++i) {  // the mail thread marks it just after the sink has it
    notes = notifications_of(server, ans);
    if (notes.size() == 1 && !notes[0]["emailed_at"].is_null()) break;
    usleep(50 * 1000);
  }
  REQUIRE(notes.size() == 1);
  CHECK(notes[0]["signoff"] == forged);
  CHECK(notes[0]["placement"] == placement);
  CHECK_FALSE(notes[0]["emailed_at"].is_null());
  CHECK(notes[0]["disputed_at"].is_null());
  CHECK(notifications_of(server, sem).empty());

  // Disputing: the pupil cannot, bad bodies are refused by name, then one step for her.
  const std::string path = "/v1/signoffs/" + forged + "/dispute";
  const std::string reason = json{{"reason", "Ik was die dag niet op het werk"}}.dump();
  CHECK(raw_request(server.url(), path, reason, setting_of(sem, "token")).status == 404);
  CHECK(raw_request(server.url(), "/v1/signoffs/" + own + "x/dispute", reason,
                    setting_of(ans, "token"))
            .status == 404);
  HttpResponse bad = raw_request(server.url(), path, "{\"why\":\"x\"}", setting_of(ans, "token"));
  CHECK(bad.status == 400);
  CHECK_THAT(bad.body, Catch::Contains("reason"));
  HttpResponse disputed = raw_request(server.url(), path, reason, setting_of(ans, "token"));
  REQUIRE(disputed.status == 200);
  CHECK(json::parse(disputed.body)["state"] == "revoked");
  CHECK(raw_request(server.url(), path, reason, setting_of(ans, "token")).status == 409);

  // Every replica sees it revoked with her reason; the note and the audit log say so.
  sem.sync();
  ans.sync();
  for (Device* d : {&sem, &ans}) {
    SignoffStatus s = status_on(*d, forged);
    CHECK(s.state == SignoffState::revoked);
    CHECK_THAT(s.reason, Catch::Contains("disputed by the supervisor: Ik was die dag niet"));
  }
  CHECK(state_on(sem, own) == "valid");
  CHECK_FALSE(notifications_of(server, ans)[0]["disputed_at"].is_null());
  std::string cmd = std::string(WERKEX_ADMIN) + admin_store_args(data) + "audit " + placement;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::string audit;
  char buf[512];
  while (fgets(buf, sizeof buf, p)) audit += buf;
  CHECK(pclose(p) == 0);
  CHECK_THAT(audit, Catch::Contains("signoff_disputed") && Catch::Contains(forged));
  CHECK(smtp.messages().size() == 1);
}

TEST_CASE("signoff: without a mail server the notes are kept and listed, nothing is sent",
          "[integration][signoff][notify][pg]") {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server(data);
  Device sem(dir.file("sem.db"), server.url(), server.code("Sem"));
  Device ans(dir.file("ans.db"), server.url(), server.code("Ans Bakker"));
  std::string exp = record_experience(sem, "Groenten gesneden");
  sem.sync();
  const std::string code = admin(data, "pin " + placement_of(sem, sem.user()));
  Statement st;
  st.hours = 4;
  std::string id = expect_ok(Signoffs(*sem.replica).sign_with_pin({exp}, st, code));
  // The push sent twice (its first answer lost): one sign-off, one note.
  CallbackTransport twice([&](const HttpRequest& r) -> Result<HttpResponse> {
    if (r.url.ends_with("/v1/sync")) {
      auto lost = sem.transport.send(r);
      if (!lost) return lost;
    }
    return sem.transport.send(r);
  });
  CHECK(expect_ok(SyncSession(*sem.replica, twice).run()).rejected.empty());
  CHECK(state_on(sem, id) == "valid");
  json notes = notifications_of(server, ans);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0]["signoff"] == id);
  CHECK(notes[0]["emailed_at"].is_null());
  CHECK(get_request(server.url(), "/v1/notifications", "").status == 401);
}
