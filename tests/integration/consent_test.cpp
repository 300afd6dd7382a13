// A contact's phone number and e-mail address are the contact's personal data: the pupil's
// phone stores them only with the contact's consent (the library checks every write), and the
// server refuses a push that would store them without it — a modified app cannot get around
// the rule, neither with a new contact nor by withdrawing consent and keeping the number.
#include "devices.hpp"
#include "werkex/ids.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

// Sem's phone as a modified app: these writes go into its replica as if received, so the
// library's own check never sees them, and the next sync pushes them.
void smuggle(Device& d, const std::string& id, const std::vector<std::pair<std::string, json>>& w) {
  Bundle b = expect_ok(d.replica->changes_since(0));
  b.changes.clear();
  const std::string bucket = "pupil:" + d.user();
  for (auto& [field, value] : w)
    b.changes.push_back({id, "contact", bucket, field, json(),
                         lww_write(value, {d.replica->clock().now(), d.replica->replica_id()})});
  expect_ok(d.replica->apply(b));
}

}  // namespace

TEST_CASE("privacy: the server stores a contact's phone only with consent, whatever the app",
          "[integration][privacy][consent][pg]") {
  TempDir dir;
  ServerProcess server(dir.file("server"));
  Device sem{dir.file("sem.db"), server.url(), server.code("Sem")};
  Device mentor{dir.file("mentor.db"), server.url(), server.code("Mevrouw Jansen")};

  const std::string agreed = expect_ok(sem.replica->put(
      {{"type", "contact"}, {"name", "Kok Ahmed"}, {"phone", "0612345678"}, {"consent", true}}));
  const std::string fresh = new_uuid_v7(sem.replica->clock().physical_millis());
  smuggle(sem, fresh, {{"name", "Fatima"}, {"email", "fatima@example.nl"}});
  SyncReport r = sem.sync();
  REQUIRE(r.rejected.size() == 1);  // the e-mail without consent; the name is stored
  CHECK(r.rejected[0].entity == fresh);
  CHECK(r.rejected[0].field == "email");
  CHECK(r.rejected[0].error.code == WX_INVALID_ARGUMENT);
  CHECK(r.rejected[0].error.message.find("'email' is stored only while 'consent'") !=
        std::string::npos);

  // Withdrawing consent while the number stays is refused; the server keeps consent.
  smuggle(sem, agreed, {{"consent", false}});
  r = sem.sync();
  REQUIRE(r.rejected.size() == 1);
  CHECK(r.rejected[0].field == "consent");
  mentor.sync();
  json held = expect_ok(mentor.replica->get(agreed));
  CHECK(held["phone"] == "0612345678");
  CHECK(held["consent"] == true);
  CHECK(expect_ok(mentor.replica->get(fresh)).value("email", json()).is_null());

  // The honest way: clear the number and withdraw consent in one write; the server takes it.
  expect_ok(sem.replica->put({{"id", agreed}, {"phone", nullptr}, {"consent", false}}));
  CHECK(sem.sync().rejected.empty());
  mentor.sync();
  held = expect_ok(mentor.replica->get(agreed));
  CHECK(held.value("phone", json()).is_null());
  CHECK(held["consent"] == false);
}
