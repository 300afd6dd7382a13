// The staff dashboard's sign-in and sessions (issue 12) through the real werkex-server and
// libcurl, from the staff member's side and the attacker's: codes and passwords, cookie flags,
// idle expiry, a person who left, CSRF and forged origins, malformed bodies.
#include <filesystem>
#include <fstream>
#include <thread>

#include <sqlite3.h>

#include "staff_client.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

json body_of(const HttpResponse& r) {
  return json::parse(r.body);
}
std::string error_code(const HttpResponse& r) {
  return body_of(r)["error"]["code"];
}

}  // namespace

TEST_CASE("staff: a mentor signs in with her code, sets a password, signs out and in again",
          "[integration][staff][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  StaffClient b(server.url());
  HttpResponse in = b.try_sign_in({{"code", server.code("Mevrouw Jansen")}});
  REQUIRE(in.status == 200);
  std::string set = in.header("Set-Cookie");
  CHECK(set.starts_with("wx_staff=wxs_"));
  CHECK(set.find("; HttpOnly") != std::string::npos);
  CHECK(set.find("; SameSite=Strict") != std::string::npos);
  CHECK(set.find("; Path=/") != std::string::npos);
  CHECK(set.find("Secure") == std::string::npos);  // plain HTTP here
  json me = body_of(b.get("/v1/staff/me"));
  CHECK(me["role"] == "teacher");
  CHECK(me["name"] == "Mevrouw Jansen");
  CHECK(me["csrf"] == b.csrf);
  CHECK(me["start"] == "/groep");
  const std::string person = me["person"];
  // The start page, and the code is burned: a second browser cannot use it again.
  HttpResponse front = b.get("/");
  CHECK(front.status == 303);
  CHECK(front.header("Location") == "/groep");
  CHECK(StaffClient(server.url()).try_sign_in({{"code", server.code("Mevrouw Jansen")}}).status ==
        401);

  HttpResponse short_one = b.post("/v1/staff/password", {{"password", "kort"}});
  CHECK(short_one.status == 400);
  CHECK(body_of(short_one)["error"]["message"].get<std::string>().find("10 tekens") !=
        std::string::npos);
  CHECK(b.post("/v1/staff/password", {{"password", "lente-in-2026!"}}).status == 200);
  CHECK(b.post("/v1/staff/logout", json::object()).status == 200);
  CHECK(b.cookie.empty());
  CHECK(b.get("/v1/staff/me").status == 401);

  StaffClient again(server.url());
  HttpResponse wrong = again.try_sign_in({{"login", person}, {"password", "herfst-in-2026!"}});
  CHECK(wrong.status == 401);
  CHECK(error_code(wrong) == "unauthenticated");
  REQUIRE(again.try_sign_in({{"login", person}, {"password", "lente-in-2026!"}}).status == 200);
  CHECK(body_of(again.get("/v1/staff/me"))["person"] == person);
}

TEST_CASE("staff: a supervisor signs in by the email the roster has, in any case",
          "[integration][staff][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  StaffClient b(server.url());
  REQUIRE(b.try_sign_in({{"code", server.code("Ans Bakker")}}).status == 200);
  REQUIRE(b.post("/v1/staff/password", {{"password", "stage-bistro-noord"}}).status == 200);
  StaffClient phone(server.url());
  HttpResponse in = phone.try_sign_in(
      {{"login", "Ans.Bakker@Bistro-Noord.example"}, {"password", "stage-bistro-noord"}});
  REQUIRE(in.status == 200);
  CHECK(body_of(in)["role"] == "supervisor");
  CHECK(body_of(in)["start"] == "/begeleider");
}

TEST_CASE("staff: a pupil's code is refused in Dutch and stays good for her phone",
          "[integration][staff][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  StaffClient b(server.url());
  HttpResponse r = b.try_sign_in({{"code", server.code("Sem")}});
  CHECK(r.status == 403);
  CHECK(body_of(r)["error"]["message"] == "Leerlingen gebruiken de app");
  CHECK(b.cookie.empty());
  Device phone(dir.file("sem.db"), server.url(), server.code("Sem"));
  CHECK(!phone.user().empty());
}

TEST_CASE("staff: wrong passwords are limited per login and sign-ins per address (429)",
          "[integration][staff][pg]") {
  TempDir dir;
  // Per address: 9 attempts, then one a minute (no refill while the test runs).
  ServerProcess server(dir.file("server"), "127.0.0.1:0",
                       {{"enroll_rate_limit_per_minute", 1}, {"enroll_rate_limit_burst", 9}});
  StaffClient b(server.url());
  REQUIRE(b.try_sign_in({{"code", server.code("Meneer De Vries")}}).status == 200);
  const std::string person = body_of(b.get("/v1/staff/me"))["person"];
  REQUIRE(b.post("/v1/staff/password", {{"password", "decaan-de-vries"}}).status == 200);
  StaffClient guesser(server.url());
  for (int i = 0; i < 5; ++i)
    CHECK(guesser.try_sign_in({{"login", person}, {"password", "raden-" + std::to_string(i)}})
              .status == 401);
  // The sixth guess is not even checked, however right it is.
  HttpResponse limited = guesser.try_sign_in({{"login", person}, {"password", "decaan-de-vries"}});
  CHECK(limited.status == 429);
  CHECK(std::stoi(limited.header("Retry-After")) >= 1);
  CHECK(error_code(limited) == "rate_limited");
  // Per address (every browser here is 127.0.0.1): 7 attempts made, 2 left, then 429.
  for (int i = 0; i < 2; ++i) CHECK(guesser.try_sign_in({{"code", "AAAAA-AAAAA"}}).status == 401);
  HttpResponse by_address = guesser.try_sign_in({{"code", "AAAAA-AAAAB"}});
  CHECK(by_address.status == 429);
  CHECK(!by_address.header("Retry-After").empty());
}

TEST_CASE("staff: a session ends after the idle time, not while it is used",
          "[integration][staff][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"), "127.0.0.1:0", {{"staff_session_idle_minutes", 0.04}});
  StaffClient b(server.url());  // idle: 2.4 s
  REQUIRE(b.try_sign_in({{"code", server.code("Directie")}}).status == 200);
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    REQUIRE(b.get("/v1/staff/me").status == 200);  // 3.6 s in all, kept alive by use
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));
  HttpResponse late = b.get("/v1/staff/me");
  CHECK(late.status == 401);
  CHECK(b.get("/directie").header("Location") == "/inloggen");
}

// The staff sessions server.db holds (read beside the running server: SQLite WAL).
static int staff_sessions_in(const std::string& data_dir) {
#ifdef WERKEX_TEST_PG
  if (store_is_postgres()) return static_cast<int>(postgres_rows(data_dir, "staff_sessions"));
#endif
  sqlite3* db = nullptr;
  int rows = -1;
  if (sqlite3_open_v2((data_dir + "/server.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
      SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM staff_sessions", -1, &st, nullptr) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      rows = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return rows;
}

TEST_CASE("staff: a mentor who left the roster loses her session at once",
          "[integration][staff][pg]") {
  TempDir dir;
  const std::string data = dir.file("server");
  ServerProcess server(data);
  const std::string token_file = dir.file("admin.token");
  std::ofstream(token_file) << admin(data, "admin-token nightly") << "\n";
  auto nightly = [&](const std::string& roster) {
    std::string cmd = std::string(WERKEX_ADMIN) + " nightly --server " + server.admin_url() +
                      " --token-file " + token_file + " --report " + dir.file("report.json") +
                      " --roster " + roster + " >/dev/null 2>&1";
    REQUIRE(std::system(cmd.c_str()) == 0);
    std::ifstream in(dir.file("report.json"));
    return json::parse(in);
  };
  const std::string day1 = std::string(WERKEX_SCHOOL_FIXTURES) + "/day1";
  json report = nightly(day1);
  std::string code;
  for (const json& p : report["roster"]["new_people"])
    if (p["external_id"] == "t-01") code = p["code"];
  REQUIRE(!code.empty());
  StaffClient b(server.url());
  REQUIRE(b.try_sign_in({{"code", code}}).status == 200);
  REQUIRE(b.get("/groep").status == 200);

  // The next roster no longer has her (t-01) nor her class enrolment.
  const std::string day2 = dir.file("day2");
  std::filesystem::copy(day1, day2);
  for (const char* file : {"/users.csv", "/enrollments.csv"}) {
    std::ifstream in(day1 + file);
    std::ofstream out(day2 + file, std::ios::trunc);
    for (std::string line; std::getline(in, line);)
      if (line.find("t-01,") != 0 && line.find(",t-01,") == std::string::npos) out << line << "\n";
  }
  REQUIRE(staff_sessions_in(data) == 1);
  CHECK(nightly(day2)["roster"]["persons"]["left"] == 1);
  CHECK(staff_sessions_in(data) == 0);  // ended by the import itself, not only refused
  CHECK(b.get("/v1/staff/me").status == 401);
  CHECK(b.get("/groep").header("Location") == "/inloggen");
}

TEST_CASE("staff: writes need the CSRF token and this site's origin, forged ones change nothing",
          "[integration][staff][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  StaffClient b(server.url());
  REQUIRE(b.try_sign_in({{"code", server.code("Meneer De Vries")}}).status == 200);
  const std::string person = body_of(b.get("/v1/staff/me"))["person"];
  const json pw = {{"password", "een-lang-wachtwoord"}};
  CHECK(b.post("/v1/staff/password", pw, false).status == 403);
  CHECK(b.post("/v1/staff/password", pw, true, "http://evil.example").status == 403);
  CHECK(b.post("/v1/staff/password", pw, true, "null").status == 403);
  // A cross-site form post that somehow carries the cookie (and even the token) is refused.
  HttpResponse forged = b.send(
      "POST", "/v1/staff/logout", "csrf=" + b.csrf,
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", "http://evil.example"}});
  CHECK(forged.status == 403);
  CHECK(b.get("/v1/staff/me").status == 200);
  // Nothing was set: the password does not sign in.
  CHECK(StaffClient(server.url())
            .try_sign_in({{"login", person}, {"password", "een-lang-wachtwoord"}})
            .status == 401);
  // No Origin but this site's Referer, with the token: allowed.
  HttpResponse by_referer = b.send("POST", "/v1/staff/password", pw.dump(),
                                   {{"Content-Type", "application/json"},
                                    {"X-CSRF-Token", b.csrf},
                                    {"Referer", server.url() + "/wachtwoord"}});
  CHECK(by_referer.status == 200);
  // The layout's sign-out form: the token as a form field, then the sign-in page.
  HttpResponse out =
      b.send("POST", "/v1/staff/logout", "csrf=" + b.csrf,
             {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", server.url()}});
  CHECK(out.status == 303);
  CHECK(out.header("Location") == "/inloggen");
  CHECK(b.cookie.empty());
}

TEST_CASE("staff: a signed-out session's cookie is refused everywhere",
          "[integration][staff][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  StaffClient b(server.url());
  REQUIRE(b.try_sign_in({{"code", server.code("Mevrouw Jansen")}}).status == 200);
  const std::string stolen = b.cookie;
  REQUIRE(b.post("/v1/staff/logout", json::object()).status == 200);
  StaffClient thief(server.url());
  thief.cookie = stolen;
  thief.csrf = b.csrf;
  CHECK(thief.get("/v1/staff/me").status == 401);
  CHECK(thief.get("/groep").status == 303);
  CHECK(thief.post("/v1/staff/password", {{"password", "overgenomen-sessie"}}).status == 401);
  CHECK(thief.post("/v1/staff/logout", json::object()).status == 401);
}

TEST_CASE("staff: malformed and oversized bodies are refused and write nothing",
          "[integration][staff][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  StaffClient b(server.url());
  auto raw = [&](const std::string& path, const std::string& body) {
    return b.send(
        "POST", path, body,
        {{"Content-Type", "application/json"}, {"Origin", server.url()}, {"X-CSRF-Token", b.csrf}});
  };
  for (const char* bad : {"", "not json", "[]", R"({"code":5})", R"({"code":"A","extra":"x"})",
                          R"({"code":"A","login":"x","password":"y"})", R"({"login":"x"})"}) {
    INFO(bad);
    HttpResponse r = raw("/v1/staff/session", bad);
    CHECK(r.status == 400);
    CHECK(error_code(r) == "invalid_argument");
  }
  CHECK(raw("/v1/staff/session", json{{"code", std::string(5000, 'A')}}.dump()).status == 413);
  // The code survived every malformed attempt; then a malformed password body sets nothing.
  REQUIRE(b.try_sign_in({{"code", server.code("Mevrouw Jansen")}}).status == 200);
  const std::string person = body_of(b.get("/v1/staff/me"))["person"];
  CHECK(raw("/v1/staff/password", R"({"password":"goed-genoeg-123","admin":"true"})").status ==
        400);
  CHECK(raw("/v1/staff/password", R"({"password":1234567890123})").status == 400);
  CHECK(StaffClient(server.url())
            .try_sign_in({{"login", person}, {"password", "goed-genoeg-123"}})
            .status == 401);
}

TEST_CASE("staff: pages need a session, carry the security headers, assets their types",
          "[integration][staff][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  StaffClient b(server.url());
  for (const char* page : {"/groep", "/leerling/x", "/netwerk", "/gesprek/x", "/inzage",
                           "/directie", "/begeleider", "/wachtwoord"}) {
    INFO(page);
    HttpResponse r = b.get(page);
    CHECK(r.status == 303);
    CHECK(r.header("Location") == "/inloggen");
  }
  HttpResponse sign_in = b.get("/inloggen");
  CHECK(sign_in.status == 200);
  CHECK(sign_in.header("Content-Type") == "text/html; charset=utf-8");
  CHECK(sign_in.header("Content-Security-Policy").find("script-src 'self'") != std::string::npos);
  CHECK(sign_in.header("X-Content-Type-Options") == "nosniff");
  CHECK(sign_in.header("Referrer-Policy") == "same-origin");
  CHECK(sign_in.header("X-Frame-Options") == "DENY");
  CHECK(sign_in.body.find("<script>") == std::string::npos);  // nothing inline
  CHECK(sign_in.body.find("Leerlingen gebruiken de app") != std::string::npos);

  REQUIRE(b.try_sign_in({{"code", server.code("Mevrouw Jansen")}}).status == 200);
  HttpResponse groep = b.get("/groep");
  CHECK(groep.status == 200);
  CHECK(groep.body.find("Mevrouw Jansen") != std::string::npos);
  CHECK(groep.body.find("name=\"csrf\" value=\"" + b.csrf + "\"") != std::string::npos);
  CHECK(b.get("/netwerk").status == 403);  // a counsellor's page
  CHECK(b.get("/directie").status == 403);

  HttpResponse css = b.get("/static/staff.css");
  CHECK(css.status == 200);
  CHECK(css.header("Content-Type") == "text/css; charset=utf-8");
  CHECK(!css.header("ETag").empty());
  HttpResponse again =
      b.send("GET", "/static/staff.css", "", {{"If-None-Match", css.header("ETag")}});
  CHECK(again.status == 304);
  CHECK(b.get("/static/staff.js").header("Content-Type") == "text/javascript; charset=utf-8");
  CHECK(b.get("/static/nope.js").status == 404);
  if (std::filesystem::exists("/usr/share/javascript/chart.js/chart.min.js"))
    CHECK(b.get("/static/chart.js").body.size() > 10000);
}

TEST_CASE("staff: under TLS the cookie is Secure and writes need the https origin",
          "[integration][staff][pg]") {
  TempDir dir;
  const std::string cert = dir.file("cert.pem"), key = dir.file("key.pem");
  std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
      "-days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
      key + " -out " + cert + " 2>/dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  ServerProcess server(dir.file("server"), "127.0.0.1:0", {{"tls_cert", cert}, {"tls_key", key}});
  REQUIRE(server.url().starts_with("https://"));
  StaffClient b(server.url(), cert);
  HttpResponse in = b.try_sign_in({{"code", server.code("Mevrouw Jansen")}});
  REQUIRE(in.status == 200);
  CHECK(in.header("Set-Cookie").find("; Secure") != std::string::npos);
  std::string plain_origin = "http://" + server.url().substr(8);
  CHECK(
      b.post("/v1/staff/password", {{"password", "via-https-gezet"}}, true, plain_origin).status ==
      403);
  CHECK(b.post("/v1/staff/password", {{"password", "via-https-gezet"}}).status == 200);
}
