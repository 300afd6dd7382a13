// The BlobHoldings contract on both engines (blob_holdings.hpp): in-progress and complete
// rows, quotas' sums, what is left after a drop, stale uploads and a device's bytes of a day
// answer alike on SQLite and on PostgreSQL; and a PostgreSQL deployment takes over, once, the
// holdings it kept in the data folder's server.db before they moved into the database.
#include "blob_holdings_pg.hpp"
#include "blob_holdings_sqlite.hpp"
#include "pg_schema.hpp"
#include "pg_test_db.hpp"
#include "test_support.hpp"

#include <algorithm>
#include <filesystem>

using namespace werkex;
using test::expect_ok;

namespace {

const std::string kA = std::string(64, 'a'), kB = std::string(64, 'b');

struct Engine {
  test::TempDir dir;
  std::unique_ptr<test::TestDatabase> db;
  std::unique_ptr<server::BlobHoldings> holdings;
  explicit Engine(const std::string& name) {
    if (name == "sqlite") {
      holdings = expect_ok(server::BlobHoldings::open(dir.file("server.db")));
      return;
    }
    db = std::make_unique<test::TestDatabase>();
    auto conn = db->connect();
    REQUIRE(server::pg::migrate(conn));
    holdings = expect_ok(server::PgBlobHoldings::open(db->conninfo()));
  }
};

}  // namespace

TEST_CASE("blob holdings contract: uploads, holdings, quotas and drops answer alike") {
  const std::string engine = GENERATE(as<std::string>{}, "sqlite", "postgres");
  INFO(engine);
  Engine e(engine);
  server::BlobHoldings& h = *e.holdings;
  CHECK_FALSE(expect_ok(h.get("pupil:1", kA)).has_value());
  CHECK(h.complete("pupil:1", kA, 5).code() == WX_INTERNAL);  // no upload to complete

  expect_ok(h.touch("pupil:1", kA, 1000, 10));
  expect_ok(h.touch("pupil:1", kA, 1200, 20));  // a new declared size, a later touch
  server::Holding got = *expect_ok(h.get("pupil:1", kA));
  CHECK(got.size == 1200);
  CHECK_FALSE(got.complete);
  CHECK(got.updated_ms == 20);
  expect_ok(h.touch("pupil:2", kA, 1200, 30));
  expect_ok(h.touch("pupil:1", kB, 50, 40));
  CHECK(expect_ok(h.bucket_bytes("pupil:1")) == 1250);
  CHECK(expect_ok(h.count(kA)) == 2);

  expect_ok(h.complete("pupil:1", kA, 50));
  expect_ok(h.touch("pupil:1", kA, 9, 60));  // a complete holding is not reopened
  got = *expect_ok(h.get("pupil:1", kA));
  CHECK(got.complete);
  CHECK(got.size == 1200);
  CHECK(got.updated_ms == 50);
  server::BlobHoldings::Usage u = expect_ok(h.usage("pupil:1"));
  CHECK(u.held == 1);
  CHECK(u.held_bytes == 1200);
  CHECK(u.uploading == 1);
  CHECK(u.uploading_bytes == 50);

  auto stale = expect_ok(h.stale(35));  // in progress, untouched since before 35
  REQUIRE(stale.size() == 1);
  CHECK(stale[0].bucket == "pupil:2");
  CHECK(stale[0].sha == kA);
  auto hashes = expect_ok(h.hashes("pupil:1"));
  std::sort(hashes.begin(), hashes.end());
  CHECK(hashes == std::vector<std::string>{kA, kB});

  CHECK(expect_ok(h.drop("pupil:2", kA)) == 1);  // pupil:1 still holds it
  CHECK(expect_ok(h.drop("pupil:1", kA)) == 0);  // nobody does
  CHECK(expect_ok(h.drop("pupil:1", kA)) == 0);  // dropping twice is harmless

  CHECK(expect_ok(h.device_bytes("dev-1", "2026-12-04")) == 0);
  expect_ok(h.add_device_bytes("dev-1", "2026-12-04", 700));
  expect_ok(h.add_device_bytes("dev-1", "2026-12-04", 300));
  expect_ok(h.add_device_bytes("dev-1", "2026-12-04", 0));
  CHECK(expect_ok(h.device_bytes("dev-1", "2026-12-04")) == 1000);
  expect_ok(h.add_device_bytes("dev-2", "2026-12-05", 1));  // a new day forgets the old ones
  CHECK(expect_ok(h.device_bytes("dev-1", "2026-12-04")) == 0);
}

TEST_CASE("blob holdings contract: PostgreSQL takes over server.db's holdings once") {
  test::TempDir dir;
  {
    auto before = expect_ok(server::BlobHoldings::open(dir.file("server.db")));
    expect_ok(before->touch("pupil:1", kA, 1200, 10));
    expect_ok(before->complete("pupil:1", kA, 11));
    expect_ok(before->touch("pupil:2", kB, 80, 12));
  }
  test::TestDatabase db;
  auto conn = db.connect();
  REQUIRE(server::pg::migrate(conn));
  auto pg = expect_ok(server::PgBlobHoldings::open(db.conninfo()));
  CHECK(expect_ok(pg->needs_migration()));
  CHECK(expect_ok(pg->adopt_sqlite(dir.file("nothing-here.db"))) == 0);
  CHECK_FALSE(std::filesystem::exists(dir.file("nothing-here.db")));  // not made by looking
  CHECK(expect_ok(pg->adopt_sqlite(dir.file("server.db"))) == 2);
  expect_ok(pg->migrated(20));
  CHECK_FALSE(expect_ok(pg->needs_migration()));
  server::Holding held = *expect_ok(pg->get("pupil:1", kA));
  CHECK(held.complete);
  CHECK(held.size == 1200);
  CHECK_FALSE(expect_ok(pg->get("pupil:2", kB))->complete);
  // A second process adopting at the same time copies nothing twice.
  CHECK(expect_ok(pg->adopt_sqlite(dir.file("server.db"))) == 0);
  CHECK(expect_ok(pg->count(kA)) == 1);
}
