// The counsellor's and management's side of the staff dashboard (issue 12) through the real
// werkex-server and libcurl: the Netwerk writes with good and bad input, their way to the
// pupil's phone through /v1/sync, the sign-off codes, the audit log, and who is refused.
#include <chrono>
#include <cstdio>

#include "staff_client.hpp"
#include "werkex/clock.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

// Today (UTC, as the server counts) plus `days`, as YYYY-MM-DD.
std::string day(int days) {
  using namespace std::chrono;
  auto d = floor<std::chrono::days>(system_clock::now()) + std::chrono::days(days);
  return rfc3339_utc(
             static_cast<uint64_t>(duration_cast<milliseconds>(d.time_since_epoch()).count()))
      .substr(0, 10);
}

std::string id_named(const json& list, const std::string& name) {
  for (const json& e : list)
    if (e["name"] == name) return e["id"];
  FAIL("nothing named " << name);
  return "";
}

std::string error_code(const HttpResponse& r) {
  json b = body_json(r);
  return b.is_object() && b.contains("error") ? b["error"]["code"].get<std::string>() : "";
}

}  // namespace

TEST_CASE("counsellor: adds and edits a company, bad input writes nothing",
          "[integration][staff][counsellor][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  StaffClient c(server.url());
  c.sign_in(server, "Meneer De Vries");
  json before = body_json(c.get("/v1/staff/network"));
  REQUIRE(before["companies"].size() == 2);
  CHECK(id_named(before["companies"], "Bistro Noord").size() == 36);

  HttpResponse added = c.post("/v1/staff/companies", {{"name", "Bakkerij Bol"},
                                                      {"sector", "voeding"},
                                                      {"size", "klein"},
                                                      {"offers", {"meeloopdag", "gastles"}}});
  REQUIRE(added.status == 200);
  const std::string bol = body_json(added)["id"];
  CHECK(c.post("/v1/staff/companies/" + bol, {{"sector", "ambacht"}}).status == 200);

  // Bad input: each a clear JSON error, none of them writes.
  CHECK(c.post("/v1/staff/companies", json::object()).status == 400);
  CHECK(c.post("/v1/staff/companies", {{"name", "X"}, {"size", "enorm"}}).status == 400);
  CHECK(c.post("/v1/staff/companies", {{"name", "X"}, {"owner", "Y"}}).status == 400);
  CHECK(c.post("/v1/staff/companies", {{"name", std::string(201, 'x')}}).status == 400);
  CHECK(c.post("/v1/staff/companies", {{"name", "X"}, {"offers", {"vakantie"}}}).status == 400);
  CHECK(c.post("/v1/staff/companies", {{"name", std::string(70 * 1024, 'x')}}).status == 413);
  HttpResponse malformed =
      c.send("POST", "/v1/staff/companies", "{\"name\":",
             {{"Content-Type", "application/json"}, {"Origin", c.url}, {"X-CSRF-Token", c.csrf}});
  CHECK(malformed.status == 400);
  HttpResponse unknown =
      c.post("/v1/staff/companies/0190b000-0000-7000-8000-00000000abcd", {{"sector", "x"}});
  CHECK(unknown.status == 404);
  CHECK(error_code(unknown) == "not_found");
  // A placement's id is not a company.
  const std::string placement = before["placements"][0]["id"];
  CHECK(c.post("/v1/staff/companies/" + placement, {{"sector", "x"}}).status == 404);
  CHECK(c.post("/v1/staff/companies/" + bol, json::object()).status == 400);

  json after = body_json(c.get("/v1/staff/network"));
  REQUIRE(after["companies"].size() == 3);
  for (const json& co : after["companies"])
    if (co["id"] == bol) {
      CHECK(co["sector"] == "ambacht");
      CHECK(co["size"] == "klein");
      CHECK(co["offers"].size() == 2);
    }
  CHECK(c.get("/netwerk").body.find("Bakkerij Bol") != std::string::npos);
  std::string audit = admin_all(dir.file("server"), "audit " + bol);
  CHECK(audit.find("company_added") != std::string::npos);
  CHECK(audit.find("company_edited") != std::string::npos);
}

TEST_CASE("counsellor: a placement reaches the pupil's phone, ends early, gets sign-off codes",
          "[integration][staff][counsellor][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  StaffClient c(server.url());
  c.sign_in(server, "Meneer De Vries");
  Device phone(dir.file("sem.db"), server.url(), server.code("Sem"));
  phone.sync();
  json net = body_json(c.get("/v1/staff/network"));
  const std::string sem = phone.user(), garage = id_named(net["companies"], "Garage Van Dam"),
                    ans = id_named(net["supervisors"], "Ans Bakker"),
                    noah = id_named(net["pupils"], "Noah");
  const size_t placements = net["placements"].size();
  json good = {{"pupil", sem},         {"company", garage},   {"supervisor", ans},
               {"start_date", day(1)}, {"end_date", day(10)}, {"kind", "meeloopdag"}};
  auto with = [&](const char* key, json value) {
    json b = good;
    b[key] = std::move(value);
    return b;
  };
  CHECK(c.post("/v1/staff/placements", with("end_date", day(0))).status == 400);
  CHECK(c.post("/v1/staff/placements", with("start_date", "2026-02-30")).status == 400);
  CHECK(c.post("/v1/staff/placements", with("kind", "vakantie")).status == 400);
  CHECK(c.post("/v1/staff/placements", with("pupil", ans)).status == 400);
  CHECK(c.post("/v1/staff/placements", with("supervisor", noah)).status == 400);
  CHECK(c.post("/v1/staff/placements", with("company", ans)).status == 404);
  CHECK(c.post("/v1/staff/placements", with("pupil", "0190b000-0000-7000-8000-00000000abcd"))
            .status == 404);
  CHECK(body_json(c.get("/v1/staff/network"))["placements"].size() == placements);

  HttpResponse made = c.post("/v1/staff/placements", good);
  REQUIRE(made.status == 200);
  const std::string id = body_json(made)["id"];
  CHECK(c.post("/v1/staff/placements", with("start_date", day(5))).status == 409);
  phone.sync();
  json seen = expect_ok(phone.replica->get(id));
  CHECK(seen["company"] == garage);
  CHECK(seen["end_date"] == day(10));

  CHECK(c.post("/v1/staff/placements/" + id + "/end", {{"end_date", day(0)}}).status == 400);
  CHECK(c.post("/v1/staff/placements/" + id + "/end", {{"end_date", day(12)}}).status == 409);
  CHECK(c.post("/v1/staff/placements/" + garage + "/end", {{"end_date", day(3)}}).status == 404);
  CHECK(c.post("/v1/staff/placements/" + id + "/end", {{"end_date", day(3)}}).status == 200);
  phone.sync();
  CHECK(expect_ok(phone.replica->get(id))["end_date"] == day(3));

  HttpResponse codes = c.post("/v1/staff/placements/" + id + "/codes", json::object());
  REQUIRE(codes.status == 200);
  CHECK(body_json(codes)["codes"].size() == 10);
  CHECK(body_json(codes)["renewed"] == false);
  CHECK(body_json(c.post("/v1/staff/placements/" + id + "/codes", json::object()))["renewed"] ==
        true);
  CHECK(c.post("/v1/staff/placements/" + garage + "/codes", json::object()).status == 404);
  HttpResponse page = c.get("/netwerk/codes/" + id);
  CHECK(page.status == 200);
  CHECK(page.body.find("Codes vernieuwen") != std::string::npos);
  CHECK(c.get("/netwerk/codes/" + garage).status == 404);

  std::string audit = admin_all(dir.file("server"), "audit " + id);
  for (const char* action : {"placement_added", "placement_ended", "pin_issued", "pin_reset"})
    CHECK(audit.find(action) != std::string::npos);
}

TEST_CASE("counsellor: the manager and a mentor may not touch the network, forgeries fail",
          "[integration][staff][counsellor][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  StaffClient manager(server.url()), mentor(server.url()), c(server.url());
  manager.sign_in(server, "Directie");
  mentor.sign_in(server, "Mevrouw Jansen");
  c.sign_in(server, "Meneer De Vries");
  const json company = {{"name", "Vervalst BV"}};
  CHECK(manager.get("/v1/staff/network").status == 403);
  CHECK(manager.get("/netwerk").status == 403);
  CHECK(manager.post("/v1/staff/companies", company).status == 403);
  CHECK(mentor.post("/v1/staff/companies", company).status == 403);
  CHECK(mentor.get("/v1/staff/network").status == 403);
  CHECK(c.post("/v1/staff/companies", company, false).status == 403);
  CHECK(c.post("/v1/staff/companies", company, true, "https://evil.example").status == 403);
  StaffClient nobody(server.url());
  CHECK(nobody.post("/v1/staff/companies", company).status == 401);
  const json net = body_json(c.get("/v1/staff/network"));
  for (const json& co : net["companies"]) CHECK(co["name"] != "Vervalst BV");
}
