// PgRateBuckets (server/app/pg_rate_buckets.hpp): the rate limits several server processes
// share, against the in-process RateLimiter as the model (the same answers for the same
// requests), and across two processes' connections.
#include <random>

#include "pg_rate_buckets.hpp"
#include "pg_schema.hpp"
#include "pg_test_db.hpp"
#include "test_support.hpp"

using namespace werkex;
using namespace werkex::server;
using werkex::test::expect_ok;

namespace {

constexpr uint64_t kT0 = 1764000000000;

struct Migrated {
  test::TestDatabase db;
  Migrated() {
    auto c = db.connect();
    REQUIRE(pg::migrate(c));
  }
  std::unique_ptr<PgRateBuckets> open() { return expect_ok(PgRateBuckets::open(db.conninfo())); }
};

}  // namespace

TEST_CASE("rate buckets on pg: the same answers as the in-process limiter, request by request") {
  Migrated m;
  auto buckets = m.open();
  for (RateLimit limit : {RateLimit{60, 3}, RateLimit{1, 4}, RateLimit{600, 120}}) {
    INFO("per minute " << limit.per_minute << ", burst " << limit.burst);
    RateLimiter model(limit), shared(limit);
    shared.share(buckets.get(), "L" + std::to_string(limit.per_minute) + ":");
    std::mt19937_64 rng(42);
    uint64_t now = kT0;
    for (int i = 0; i < 400; ++i) {
      now += rng() % 3 == 0 ? rng() % 4000 : rng() % 50;
      const std::string key = "k" + std::to_string(rng() % 3);
      INFO("request " << i << " key " << key);
      REQUIRE(shared.acquire(key, now) == model.acquire(key, now));
    }
  }
}

TEST_CASE("rate buckets on pg: one bucket per key for every process, and time never runs back") {
  Migrated m;
  auto a = m.open(), b = m.open();
  const RateLimit limit{60, 4};  // a token a second
  RateLimiter via_a(limit), via_b(limit);
  via_a.share(a.get(), "device:");
  via_b.share(b.get(), "device:");
  for (int i = 0; i < 4; ++i) CHECK((i % 2 ? via_b : via_a).acquire("phone", kT0) == 0);
  CHECK(via_a.acquire("phone", kT0) == 1);
  CHECK(via_b.acquire("phone", kT0) == 1);
  CHECK(via_b.acquire("laptop", kT0) == 0);  // another key, its own bucket
  // A process whose clock is a minute behind refills nothing, and spends nothing it lacks.
  CHECK(via_b.acquire("phone", kT0 - 60000) == 1);
  // A second later there is one token, for whichever process comes first.
  CHECK(via_b.acquire("phone", kT0 + 1000) == 0);
  CHECK(via_a.acquire("phone", kT0 + 1000) == 1);
}

TEST_CASE("rate buckets on pg: an unreachable database lets requests through, limited locally") {
  Migrated m;
  auto buckets = m.open();
  RateLimiter limiter(RateLimit{60, 2});
  limiter.share(buckets.get(), "device:");
  auto side = m.db.connect();
  REQUIRE(side.exec("DROP TABLE rate_buckets"));  // every spend() now fails
  CHECK(limiter.acquire("phone", kT0) == 0);
  CHECK(limiter.acquire("phone", kT0) == 0);
  CHECK(limiter.acquire("phone", kT0) == 1);  // the in-process buckets took over
}
