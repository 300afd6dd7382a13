// PgAuthStore with two server processes on one database (docs/design.md §6): each step that
// must happen once happens once whichever process serves it. A PIN guessed through both
// alternately locks at the fifth failure; a code redeemed through both at once enrols one
// device; one replica id enrolled for two people at once is bound to one of them; one label's
// admin token made through both leaves one live token; both name one epoch. Where a race
// matters, a third connection holds the lock both must take, so both are seen waiting (in
// pg_stat_activity, not guessed from timing) before it lets them go.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <optional>
#include <thread>
#include <vector>

#include "auth_engines.hpp"
#include "auth_store_pg_rows.hpp"
#include "pg_schema.hpp"

using namespace werkex;
using test::expect_ok;
namespace pg = werkex::server::pg;

namespace {

constexpr uint64_t kT0 = test::kStartMillis;

// A transaction holding a lock both processes need: once both are seen waiting for it (or
// after 30 s), it commits and lets them go. Checks nothing itself (Catch2's checks belong to
// the test's thread): `saw_both_wait()` says whether it saw them.
class Blocker {
 public:
  Blocker(const test::TestDatabase& db, const std::string& lock_sql,
          std::initializer_list<pg::Param> params)
      : conn_(db.connect()), observer_(db.connect()) {
    auto tx = pg::Transaction::begin(conn_);
    REQUIRE(tx);
    tx_.emplace(std::move(tx).value());
    REQUIRE(conn_.exec(lock_sql, params));
    releaser_ = std::thread([this] {
      saw_ = wait_for(2);
      committed_ = tx_->commit().is_ok();
    });
  }
  ~Blocker() {
    if (releaser_.joinable()) releaser_.join();
  }
  bool saw_both_wait() {
    releaser_.join();
    return saw_ && committed_;
  }

 private:
  bool wait_for(int n) {
    for (int i = 0; i < 3000; ++i) {
      auto rows = observer_.exec(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
          "wait_event_type = 'Lock'");
      if (rows && rows->int64(0, 0) && *rows->int64(0, 0) >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  pg::Conn conn_, observer_;
  std::optional<pg::Transaction> tx_;
  std::thread releaser_;
  bool saw_ = false, committed_ = false;
};

// Runs `a` and `b` on two threads, started together; Catch2's checks stay on this thread.
template <typename A, typename B>
void together(A&& a, B&& b) {
  std::atomic<int> ready{0};
  auto start = [&ready] {
    ++ready;
    while (ready < 2) std::this_thread::yield();
  };
  std::thread ta([&] {
    start();
    a();
  });
  std::thread tb([&] {
    start();
    b();
  });
  ta.join();
  tb.join();
}

}  // namespace

TEST_CASE("auth on pg: a store opens only on a migrated database, and never migrates it") {
  test::TestDatabase db;
  pg::Conn c = db.connect();
  auto refused = server::PgAuthStore::open(db.conninfo());
  REQUIRE(!refused);
  CHECK(refused.error().code == WX_CONFLICT);
  CHECK_THAT(refused.error().message, Catch::Contains("werkex-admin migrate"));
  CHECK(*pg::schema_version(c) == 0);  // untouched
  REQUIRE(pg::migrate(c));
  auto first = expect_ok(server::PgAuthStore::open(db.conninfo()));
  auto second = expect_ok(server::PgAuthStore::open(db.conninfo()));
  CHECK(c.exec("SELECT count(*) FROM schema_version")->text(0, 0) ==
        std::to_string(pg::migrations().size()));
  expect_ok(first->check_connection());
}

TEST_CASE("auth on pg: a PIN guessed through two processes alternately locks at the fifth") {
  test::PgAuthEngine e;
  server::AuthStore& a = e.store();
  auto b = e.another_process();
  expect_ok(a.issue_pin_codes("pl1", 10, kT0));
  for (int i = 1; i <= 6; ++i) {
    server::AuthStore& through = i % 2 ? a : *b;
    auto r = expect_ok(through.pin_failed("pl1", 5, kT0 + i));
    CHECK(r.failed == i);
    CHECK(r.locked_ms == (i >= 5 ? kT0 + 5 : 0));
  }
  CHECK(expect_ok(a.pin("pl1"))->locked_ms == kT0 + 5);
  CHECK(expect_ok(b->pin("pl1"))->failed == 6);
}

TEST_CASE("auth on pg: wrong codes through two processes at once are each counted once") {
  test::PgAuthEngine e;
  server::AuthStore& a = e.store();
  auto b = e.another_process();
  expect_ok(a.issue_pin_codes("pl1", 10, kT0));
  constexpr int kEach = 25;
  std::vector<server::PinRecord> by_a, by_b;
  std::atomic<int> errors{0};
  auto guesser = [&](server::AuthStore& s, std::vector<server::PinRecord>& out, uint64_t t) {
    return [&s, &out, &errors, t] {
      for (int i = 0; i < kEach; ++i) {
        auto r = s.pin_failed("pl1", 5, t + static_cast<uint64_t>(i));
        if (r)
          out.push_back(*r);
        else
          ++errors;
      }
    };
  };
  together(guesser(a, by_a, kT0 + 1000), guesser(*b, by_b, kT0 + 2000));
  REQUIRE(errors == 0);
  // Every count from 1 to 50 was returned exactly once, and the one that made 5 locked it.
  std::vector<server::PinRecord> all = by_a;
  all.insert(all.end(), by_b.begin(), by_b.end());
  std::vector<int> counts;
  uint64_t locked_at = 0;
  for (const auto& r : all) {
    counts.push_back(r.failed);
    if (r.failed == 5) locked_at = r.locked_ms;
  }
  for (const auto& r : all) CHECK(r.locked_ms == (r.failed >= 5 ? locked_at : 0));
  std::sort(counts.begin(), counts.end());
  std::vector<int> expected(2 * kEach);
  for (int i = 0; i < 2 * kEach; ++i) expected[static_cast<size_t>(i)] = i + 1;
  CHECK(counts == expected);
  CHECK(locked_at != 0);
  auto final_record = expect_ok(a.pin("pl1"));
  CHECK(final_record->failed == 2 * kEach);
  CHECK(final_record->locked_ms == locked_at);
}

TEST_CASE("auth on pg: a code redeemed through two processes at once enrols one device") {
  test::PgAuthEngine e;
  server::AuthStore& a = e.store();
  auto b = e.another_process();
  const std::string code = expect_ok(a.create_invite("p1", 24, kT0));
  // Hold the invite's row, so both processes stop at the burn, then let them go.
  Blocker blocker(e.db(), "SELECT 1 FROM invites FOR UPDATE", {});
  std::optional<Result<std::pair<std::string, std::string>>> ra, rb;
  together([&] { ra = a.redeem_invite(code, "00000000000000a1", kT0 + 1); },
           [&] { rb = b->redeem_invite(code, "00000000000000b2", kT0 + 1); });
  CHECK(blocker.saw_both_wait());
  REQUIRE(ra.has_value());
  REQUIRE(rb.has_value());
  CHECK((ra->is_ok() ? 1 : 0) + (rb->is_ok() ? 1 : 0) == 1);
  const auto& loser = ra->is_ok() ? *rb : *ra;
  REQUIRE_FALSE(loser);
  CHECK(loser.error().code == WX_UNAUTHENTICATED);
  CHECK(loser.error().message == "this enrolment code is unknown, used or expired");
  CHECK(e.column("SELECT count(*) FROM devices") == std::vector<std::string>{"1"});
  const auto& winner = ra->is_ok() ? *ra : *rb;
  CHECK(expect_ok(b->authenticate(winner->first, kT0 + 2, 86400000)).person == "p1");
}

TEST_CASE("auth on pg: codes raced through two processes are each redeemed once") {
  test::PgAuthEngine e;
  server::AuthStore& a = e.store();
  auto b = e.another_process();
  constexpr int kCodes = 40;
  std::vector<std::string> persons;
  for (int i = 0; i < kCodes; ++i) persons.push_back("p" + std::to_string(i));
  const auto codes = expect_ok(a.create_invites(persons, 24, kT0));
  std::atomic<int> won{0}, refused{0}, other{0};
  auto redeemer = [&](server::AuthStore& s, char tag) {
    return [&s, &codes, &won, &refused, &other, tag] {
      for (int i = 0; i < kCodes; ++i) {
        char device[17];
        std::snprintf(device, sizeof device, "%c%015d", tag, i);
        auto r = s.redeem_invite(codes[static_cast<size_t>(i)], device, kT0 + 1);
        if (r)
          ++won;
        else if (r.error().code == WX_UNAUTHENTICATED)
          ++refused;
        else
          ++other;
      }
    };
  };
  together(redeemer(a, 'a'), redeemer(*b, 'b'));
  CHECK(won == kCodes);
  CHECK(refused == kCodes);
  CHECK(other == 0);
  CHECK(e.column("SELECT count(*) FROM devices") ==
        std::vector<std::string>{std::to_string(kCodes)});
  CHECK(e.column("SELECT count(*) FROM invites WHERE used_ms IS NULL") ==
        std::vector<std::string>{"0"});
}

TEST_CASE(
    "auth on pg: one replica id enrolled for two people at once is bound to one, and the "
    "other's code stays usable") {
  test::PgAuthEngine e;
  server::AuthStore& a = e.store();
  auto b = e.another_process();
  const std::string device = "00000000000000d4";
  const std::string code1 = expect_ok(a.create_invite("p1", 24, kT0));
  const std::string code2 = expect_ok(a.create_invite("p2", 24, kT0));
  Blocker blocker(e.db(), "SELECT pg_advisory_xact_lock($1::integer, hashtext($2))",
                  {static_cast<int>(server::pg_auth::LockKind::replica), device});
  std::optional<Result<std::pair<std::string, std::string>>> r1, r2;
  together([&] { r1 = a.redeem_invite(code1, device, kT0 + 1); },
           [&] { r2 = b->redeem_invite(code2, device, kT0 + 1); });
  CHECK(blocker.saw_both_wait());
  REQUIRE(r1.has_value());
  REQUIRE(r2.has_value());
  REQUIRE((r1->is_ok() ? 1 : 0) + (r2->is_ok() ? 1 : 0) == 1);
  const auto& loser = r1->is_ok() ? *r2 : *r1;
  CHECK(loser.error().code == WX_CONFLICT);
  const std::string winner = r1->is_ok() ? "p1" : "p2";
  const std::string loser_person = r1->is_ok() ? "p2" : "p1";
  const std::string& loser_code = r1->is_ok() ? code2 : code1;
  CHECK(expect_ok(a.persons_of_device(device)) == std::vector<std::string>{winner});
  CHECK(expect_ok(b->invite_person(loser_code, kT0 + 2)) == loser_person);
  CHECK(expect_ok(b->redeem_invite(loser_code, "00000000000000e5", kT0 + 2)).second ==
        loser_person);
}

TEST_CASE(
    "auth on pg: an admin token made for one label through two processes at once leaves "
    "one live token") {
  test::PgAuthEngine e;
  server::AuthStore& a = e.store();
  auto b = e.another_process();
  Blocker blocker(e.db(), "SELECT pg_advisory_xact_lock($1::integer, hashtext($2))",
                  {static_cast<int>(server::pg_auth::LockKind::admin_label), "nightly"});
  std::optional<Result<std::string>> ta, tb;
  together([&] { ta = a.create_admin_token("nightly", "", kT0); },
           [&] { tb = b->create_admin_token("nightly", "", kT0); });
  CHECK(blocker.saw_both_wait());
  REQUIRE(ta.has_value());
  REQUIRE(tb.has_value());
  REQUIRE(*ta);
  REQUIRE(*tb);
  const int live = (a.authenticate_admin(**ta) ? 1 : 0) + (a.authenticate_admin(**tb) ? 1 : 0);
  CHECK(live == 1);
  CHECK(e.column("SELECT count(*) FROM admin_tokens WHERE revoked_ms IS NULL") ==
        std::vector<std::string>{"1"});
}

TEST_CASE("auth on pg: processes asking for the epoch at once name the same one") {
  test::PgAuthEngine e;
  server::AuthStore& a = e.store();
  auto b = e.another_process();
  std::optional<Result<std::string>> ea, eb;
  together([&] { ea = a.epoch(); }, [&] { eb = b->epoch(); });
  REQUIRE(ea.has_value());
  REQUIRE(eb.has_value());
  REQUIRE(*ea);
  REQUIRE(*eb);
  CHECK(**ea == **eb);
  CHECK(e.column("SELECT value FROM server_meta") == std::vector<std::string>{**ea});
  expect_ok(b->renew_epoch());
  CHECK(expect_ok(a.epoch()) != **ea);
  CHECK(expect_ok(a.epoch()) == expect_ok(b->epoch()));
}
