// The in-server nightly run's schedule (server/app/nightly_run.hpp): the config entry and
// the next run time in the server's local time zone.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>

#include "nightly_run.hpp"
#include "werkex/clock.hpp"

using namespace werkex;
using namespace werkex::server;

TEST_CASE("nightly schedule: the config entry is checked strictly", "[school][nightly]") {
  auto ok = parse_nightly_schedule(
      json{{"at", "02:30"}, {"roster_dir", "/srv/roster"}, {"export", true}, {"backup", true}});
  REQUIRE(ok);
  CHECK(ok->at == "02:30");
  CHECK(ok->export_dossiers);
  CHECK(ok->backup);
  CHECK_FALSE(ok->retention);
  CHECK(ok->enabled());
  CHECK_FALSE(parse_nightly_schedule(json())->enabled());
  for (const json& bad : {json{{"at", "2:30"}}, json{{"at", "24:00"}}, json{{"at", "02:60"}},
                          json{{"export", "yes"}}, json{{"when", "02:30"}}, json::array()}) {
    INFO(bad.dump());
    auto r = parse_nightly_schedule(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == WX_INVALID_ARGUMENT);
    CHECK_THAT(r.error().message, Catch::Contains("config 'nightly'"));
  }
}

TEST_CASE("nightly schedule: the next run is the next local HH:MM", "[school][nightly]") {
  const char* before = std::getenv("TZ");
  std::string saved = before ? before : "";
  // Amsterdam's rule as a POSIX TZ string: needs no tzdata on the machine.
  setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
  tzset();
  // 2026-12-02 11:00 in Amsterdam (UTC+1): the next 02:30 is the 3rd, 01:30 UTC.
  const uint64_t now = 1796205600000;  // 2026-12-02T10:00:00Z
  CHECK(rfc3339_utc(now) == "2026-12-02T10:00:00Z");
  CHECK(rfc3339_utc(next_run_ms(now, "02:30")) == "2026-12-03T01:30:00Z");
  CHECK(rfc3339_utc(next_run_ms(now, "12:00")) == "2026-12-02T11:00:00Z");
  // Exactly at the time: the next day's.
  CHECK(rfc3339_utc(next_run_ms(1796261400000, "02:30")) == "2026-12-04T01:30:00Z");
  // Summer time (UTC+2): 02:30 local is 00:30 UTC.
  const uint64_t july = 1814767200000;  // 2027-07-05T06:00:00Z, 08:00 in Amsterdam
  CHECK(rfc3339_utc(next_run_ms(july, "02:30")) == "2027-07-06T00:30:00Z");
  if (before)
    setenv("TZ", saved.c_str(), 1);
  else
    unsetenv("TZ");
  tzset();
}
