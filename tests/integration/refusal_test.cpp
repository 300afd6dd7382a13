// Issue 10 item 2, the device's side: what the server refused leaves the devices that
// pushed or relayed it (its value kept in their quarantine), a refused sign-off says so
// instead of staying "pending", and every device ends equal to a fresh one.
#include <random>
#include <set>

#include "signoff_support.hpp"

using namespace werkex;
using namespace werkex::test;

namespace {

const QuarantinedChange* entry_of(const std::vector<QuarantinedChange>& entries,
                                  const std::string& entity, const std::string& field) {
  for (const QuarantinedChange& q : entries)
    if (q.entity == entity && q.field == field) return &q;
  return nullptr;
}

// Writes `value` over `field` of `entity` on `d` as a modified app could, past the local
// role checks (the server's are what count): a new write stamped by `d` over what it holds.
void overwrite(Device& d, const std::string& entity, const std::string& field, const json& value) {
  for (const Change& c : expect_ok(d.replica->field_states(entity))) {
    if (c.field != field) continue;
    Bundle b;
    b.from_replica = d.replica->replica_id();
    b.schema_version = d.replica->schema().version();
    Stamp stamp{d.replica->clock().now(), d.replica->replica_id()};
    b.changes.push_back(
        {entity, c.type, c.bucket, field, json(), register_write(c.state, value, stamp)});
    REQUIRE(expect_ok(d.replica->apply(b)).rejected.empty());
    return;
  }
  FAIL("no field " << field << " in " << entity);
}

// Sem's phone and PC and his mentor, all synced: an experience and a reflection of Sem's,
// the mentor's summary in the reflection and her comment on the experience.
struct Pupil {
  TempDir dir;
  std::string data = dir.file("server");
  ServerProcess server{data};
  Device sem{dir.file("sem.db"), server.url(), server.code("Sem")};
  Device mentor{dir.file("mentor.db"), server.url(), server.code("Mevrouw Jansen")};
  Device pc{dir.file("pc.db"), server.url(), admin(data, "invite " + sem.user())};
  std::string bucket = "pupil:" + sem.user();
  std::string exp, refl, comment;

  explicit Pupil(const std::string& summary) {
    exp = record_experience(sem, "Groenten gesneden");
    refl = expect_ok(
        sem.replica->put({{"type", "reflection"}, {"bucket", bucket}, {"red_thread", "koken"}}));
    sem.sync();
    mentor.sync();
    expect_ok(mentor.replica->put({{"id", refl}, {"summary", summary}}));
    comment = expect_ok(Dossier(*mentor.replica).comment(exp, "Mooi gedaan!"));
    mentor.sync();
    sem.sync();
    pc.sync();
  }
  // A device of Sem's enrolled now, synced: what every device of his must end equal to.
  std::string fresh_dump() {
    Device fresh(dir.file("fresh.db"), server.url(), admin(data, "invite " + sem.user()));
    fresh.sync();
    return expect_ok(fresh.replica->dump());
  }
};

}  // namespace

TEST_CASE(
    "refusal: refused changes are withdrawn, kept in the quarantine, and devices "
    "converge with a fresh one, also after a relay",
    "[integration][trust][refusal][pg]") {
  Pupil p("Sem werkt zorgvuldig.");
  Device &sem = p.sem, &pc = p.pc, &mentor = p.mentor;
  const std::string &exp = p.exp, &refl = p.refl, &comment = p.comment;

  // On the phone, offline: the mentor's summary and comment overwritten, his own note
  // edited, and a PIN sign-off with a code that is not one of the placement's.
  expect_ok(sem.replica->put({{"id", refl}, {"summary", "Sem was de beste van allemaal."}}));
  overwrite(sem, comment, "body", "Ik heb dit zelf geschreven.");
  expect_ok(sem.replica->put({{"id", exp}, {"note", "Groenten en fruit gesneden"}}));
  Statement st;
  st.hours = 8;
  st.attendance = "aanwezig";
  std::string signoff = expect_ok(Signoffs(*sem.replica).sign_with_pin({exp}, st, "00000001"));
  // The PC gets all of it by file first, and syncs before the phone does.
  Bundle from_phone = expect_ok(sem.replica->changes_since(0));
  REQUIRE(expect_ok(pc.replica->apply(from_phone)).rejected.empty());

  for (Device* d : {&pc, &sem}) {
    SyncReport r = d->sync();
    std::set<std::pair<std::string, std::string>> refused;
    for (const RejectedChange& c : r.rejected) refused.insert({c.entity, c.field});
    CHECK(refused.count({refl, "summary"}) == 1);
    CHECK(refused.count({comment, "body"}) == 1);
    CHECK(refused.count({exp, "note"}) == 0);
    // The server's values are back; his own edit stays.
    CHECK(expect_ok(d->replica->get(refl))["summary"] == "Sem werkt zorgvuldig.");
    CHECK(expect_ok(d->replica->get(comment))["body"] == "Mooi gedaan!");
    CHECK(expect_ok(d->replica->get(exp))["note"] == "Groenten en fruit gesneden");
    // What he wrote is not lost: the quarantine keeps it, saying it left the entity.
    auto entries = expect_ok(d->replica->quarantined());
    const QuarantinedChange* summary = entry_of(entries, refl, "summary");
    REQUIRE(summary);
    CHECK(summary->withdrawn);
    CHECK(summary->value == "Sem was de beste van allemaal.");
    CHECK(summary->to_json()["value"] == "Sem was de beste van allemaal.");
    const QuarantinedChange* body = entry_of(entries, comment, "body");
    REQUIRE(body);
    CHECK(body->value == "Ik heb dit zelf geschreven.");
  }
  // The sign-off went up twice, from the PC (which never had the code) and from the phone
  // (with a wrong one): refused both times, it is on neither, and both say it was refused.
  SignoffStatus s = status_on(sem, signoff);
  CHECK(signoff_state_name(s.state) == std::string("refused"));
  CHECK(s.method == "pin");
  CHECK_THAT(s.reason, Catch::Contains("refused by the server"));
  CHECK(sem.replica->get(signoff).error().code == WX_NOT_FOUND);
  CHECK(state_on(pc, signoff) == "refused");

  // Converged: a device enrolled now holds exactly what the phone and the PC hold.
  mentor.sync();
  std::string expected = p.fresh_dump();
  CHECK(expect_ok(sem.replica->dump()) == expected);
  CHECK(expect_ok(pc.replica->dump()) == expected);
  // Another sync changes nothing and refuses nothing: nothing refused is pushed again.
  for (Device* d : {&sem, &pc}) {
    SyncReport again = d->sync();
    CHECK(again.rejected.empty());
    CHECK(again.pushed == 0);
  }
  CHECK(expect_ok(sem.replica->dump()) == expected);

  // Retrying a withdrawn entry writes its value again as a new write, refused again.
  expect_ok(sem.replica->retry_quarantined(refl, "summary"));
  CHECK(expect_ok(sem.replica->get(refl))["summary"] == "Sem was de beste van allemaal.");
  CHECK(sem.sync().rejected.size() == 1);
  CHECK(expect_ok(sem.replica->get(refl))["summary"] == "Sem werkt zorgvuldig.");
}

TEST_CASE(
    "refusal: random edits, refusals and relays between a pupil's devices converge with "
    "a fresh device",
    "[integration][trust][refusal][chaos][pg]") {
  for (unsigned seed : {1u, 2u, 3u}) {
    INFO("seed " << seed);
    std::mt19937 rng(seed);
    Pupil p("Zorgvuldig.");
    Device &phone = p.sem, &pc = p.pc, &mentor = p.mentor;
    const std::string &exp = p.exp, &refl = p.refl, &comment = p.comment, &bucket = p.bucket;

    size_t refused = 0;
    std::string mentors = "Zorgvuldig.";  // what the mentor wrote last
    for (int step = 0; step < 40; ++step) {
      Device& sem = rng() % 2 ? phone : pc;
      Device& other = &sem == &phone ? pc : phone;
      std::string text = "v" + std::to_string(step);
      switch (rng() % 7) {
        case 0:  // the mentor's summary: refused from Sem
          expect_ok(sem.replica->put({{"id", refl}, {"summary", text}}));
          break;
        case 1:  // the mentor's comment: refused from Sem
          overwrite(sem, comment, "body", text);
          break;
        case 2:  // Sem's own fields: accepted
          expect_ok(sem.replica->put({{"id", refl}, {"red_thread", text}}));
          expect_ok(sem.replica->put({{"id", exp}, {"note", text}}));
          break;
        case 3:  // the offline hand-over, by file
          expect_ok(other.replica->apply(expect_ok(sem.replica->changes_since(0))));
          break;
        case 4:
          expect_ok(mentor.replica->put({{"id", refl}, {"summary", text}}));
          expect_ok(mentor.replica->put({{"id", comment}, {"body", text}}));
          mentor.sync();
          mentors = text;
          break;
        default:
          refused += sem.sync().rejected.size();
      }
    }
    // Quiet: everyone syncs until nothing more is refused or pushed.
    mentor.sync();
    for (int round = 0; round < 3; ++round)
      for (Device* d : {&phone, &pc}) refused += d->sync().rejected.size();
    CHECK(refused > 0);
    std::string expected = p.fresh_dump();
    CHECK(expect_ok(phone.replica->dump()) == expected);
    CHECK(expect_ok(pc.replica->dump()) == expected);
    mentor.sync();
    CHECK(mentor.bucket_dump(bucket) == phone.bucket_dump(bucket));
    // What the mentor wrote stands; Sem's attempts are kept in his devices' quarantine.
    CHECK(expect_ok(phone.replica->get(refl))["summary"] == mentors);
    if (mentors != "Zorgvuldig.") CHECK(expect_ok(pc.replica->get(comment))["body"] == mentors);
  }
}
