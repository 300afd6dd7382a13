#include "test_support.hpp"
#include "werkex/ids.hpp"
#include "werkex/schema.hpp"
#include "werkex/sqlite.hpp"

using namespace werkex;
using test::expect_ok;

namespace {

struct Fixture {
  test::TempDir dir;
  ManualClockSource clock{test::kStartMillis};
  std::unique_ptr<Replica> replica =
      test::open_replica(dir.file("a.db"), clock, test::pupil_identity());

  std::string activity() {
    return expect_ok(
        replica->put({{"type", "activity"}, {"kind", "meeloopdag"}, {"title", "Bakkerij"}}));
  }
  std::string experience(const std::string& activity_id) {
    return expect_ok(replica->put({{"type", "experience"},
                                   {"activity", activity_id},
                                   {"occurred_at", "2026-11-28T09:00:00Z"},
                                   {"note", "deeg kneden"}}));
  }
  Error put_error(const json& doc) {
    std::string before = expect_ok(replica->dump());
    auto r = replica->put(doc);
    REQUIRE_FALSE(r);
    CHECK(expect_ok(replica->dump()) == before);  // a refused put writes nothing
    return r.error();
  }
};

}  // namespace

TEST_CASE_METHOD(Fixture, "store: put creates an entity and writes only the given fields on update",
                 "[store]") {
  std::string id = activity();
  CHECK(is_valid_entity_id(id));
  json doc = expect_ok(replica->get(id));
  CHECK(doc["type"] == "activity");
  CHECK(doc["bucket"] == "pupil:0190a000-0000-7000-8000-000000000001");
  CHECK(doc["title"] == "Bakkerij");
  expect_ok(replica->put({{"id", id}, {"builds_on", "ik bak graag thuis"}}));
  doc = expect_ok(replica->get(id));
  CHECK(doc["title"] == "Bakkerij");
  CHECK(doc["builds_on"] == "ik bak graag thuis");
  expect_ok(replica->put({{"id", id}, {"title", nullptr}}));
  CHECK_FALSE(expect_ok(replica->get(id)).contains("title"));
}

TEST_CASE_METHOD(Fixture, "store: bad puts are refused precisely and write nothing",
                 "[store][validation]") {
  std::string a = activity();
  CHECK_THAT(put_error({{"type", "activity"}, {"kind", "meeloopdag"}, {"colour", "red"}}).message,
             Catch::Contains("unknown field 'colour'") && Catch::Contains("known fields"));
  CHECK_THAT(put_error({{"type", "spaceship"}}).message,
             Catch::Contains("unknown type 'spaceship'"));
  CHECK(put_error({{"type", "activity"}, {"kind", 3}}).code == WX_INVALID_ARGUMENT);
  CHECK_THAT(put_error({{"type", "activity"}, {"title", "zonder soort"}}).message,
             Catch::Contains("field 'kind' is required"));
  CHECK_THAT(put_error({{"id", a}, {"kind", "ruimtevaart"}}).message,
             Catch::Contains("activity " + a) && Catch::Contains("one of"));
  CHECK(put_error({{"id", "0190a000-0000-7000-8000-00000000dead"}, {"title", "x"}}).code ==
        WX_NOT_FOUND);
  CHECK(put_error({{"id", a}, {"type", "experience"}}).code == WX_INVALID_ARGUMENT);
  CHECK(put_error({{"id", a}, {"deleted", true}}).code == WX_INVALID_ARGUMENT);
  CHECK(put_error({{"id", a}, {"_conflicts", json::object()}}).code == WX_INVALID_ARGUMENT);
  CHECK(put_error(json::array()).code == WX_INVALID_ARGUMENT);
  CHECK(put_error({{"id", a}, {"competencies", "netwerken"}}).code == WX_INVALID_ARGUMENT);
  CHECK(put_error({{"id", a}, {"competencies", {{"add", {"vliegen"}}}}}).code ==
        WX_INVALID_ARGUMENT);
}

TEST_CASE_METHOD(Fixture, "store: roles and dossiers limit what a replica may write",
                 "[store][access]") {
  std::string a = activity();
  std::string e = experience(a);
  // A pupil comments (answers) in their own dossier, but writes nothing in another's.
  expect_ok(replica->put({{"type", "comment"}, {"on", e}, {"body", "Dank je!"}}));
  Error comment = put_error(
      {{"type", "comment"}, {"on", e}, {"body", "goed gedaan"}, {"bucket", "pupil:someone-else"}});
  CHECK(comment.code == WX_PERMISSION_DENIED);
  CHECK_THAT(comment.message, Catch::Contains("own dossier"));
  CHECK(put_error({{"type", "activity"}, {"kind", "interview"}, {"bucket", "pupil:someone-else"}})
            .code == WX_PERMISSION_DENIED);
  // A supervisor may comment, but not touch the pupil's own notes.
  expect_ok(replica->set_identity(
      test::role_identity("supervisor", "pupil:0190a000-0000-7000-8000-000000000001")));
  expect_ok(replica->put({{"type", "comment"}, {"on", e}, {"body", "goed gedaan"}}));
  CHECK(put_error({{"id", e}, {"note", "overschreven"}}).code == WX_PERMISSION_DENIED);
}

TEST_CASE_METHOD(Fixture,
                 "store: references must exist, have the right type and stay in the dossier",
                 "[store][refs]") {
  std::string a = activity();
  CHECK_THAT(put_error({{"type", "experience"},
                        {"activity", "0190a000-0000-7000-8000-00000000beef"},
                        {"occurred_at", "2026-11-28T09:00:00Z"}})
                 .message,
             Catch::Contains("there is no entry"));
  std::string e = experience(a);
  CHECK_THAT(put_error({{"type", "preparation"}, {"activity", e}}).message,
             Catch::Contains("is an experience, expected an activity"));
  // An activity in another pupil's dossier, written there by a teacher-like replica.
  expect_ok(replica->set_identity(test::role_identity("teacher", "pupil:other")));
  std::string other_reflection =
      expect_ok(replica->put({{"type", "reflection"}, {"bucket", "pupil:other"}}));
  expect_ok(replica->set_identity(test::pupil_identity()));
  CHECK(put_error({{"type", "next_step"}, {"reflection", other_reflection}, {"description", "x"}})
            .code == WX_PERMISSION_DENIED);
  CHECK(put_error({{"type", "reflection"}, {"experiences", {e, other_reflection}}}).code != WX_OK);
}

TEST_CASE_METHOD(Fixture, "store: delete leaves a tombstone that refuses later local edits",
                 "[store][delete]") {
  std::string a = activity();
  expect_ok(replica->remove(a));
  json doc = expect_ok(replica->get(a));
  CHECK(doc == json({{"id", a}, {"type", "activity"}, {"deleted", true}}));
  CHECK(put_error({{"id", a}, {"title", "terug"}}).code == WX_CONFLICT);
  CHECK(replica->remove(a).code() == WX_CONFLICT);
  Query q;
  q.type = "activity";
  CHECK(expect_ok(replica->list(q)).empty());
  q.include_deleted = true;
  CHECK(expect_ok(replica->list(q)).size() == 1);
  CHECK(
      put_error({{"type", "experience"}, {"activity", a}, {"occurred_at", "2026-11-28T09:00:00Z"}})
          .code == WX_CONFLICT);
}

TEST_CASE_METHOD(Fixture, "store: sets are replaced by an array and edited by add/remove",
                 "[store][set]") {
  std::string a = activity();
  expect_ok(replica->put({{"id", a}, {"competencies", {"netwerken", "werkexploratie"}}}));
  CHECK(expect_ok(replica->get(a))["competencies"] == json({"netwerken", "werkexploratie"}));
  expect_ok(replica->put(
      {{"id", a}, {"competencies", {{"add", {"loopbaansturing"}}, {"remove", {"netwerken"}}}}}));
  CHECK(expect_ok(replica->get(a))["competencies"] == json({"loopbaansturing", "werkexploratie"}));
  expect_ok(replica->put({{"id", a}, {"competencies", {"motievenreflectie"}}}));
  CHECK(expect_ok(replica->get(a))["competencies"] == json({"motievenreflectie"}));
  expect_ok(replica->put({{"id", a}, {"competencies", json::array()}}));
  CHECK_FALSE(expect_ok(replica->get(a)).contains("competencies"));
}

TEST_CASE_METHOD(Fixture, "store: a signed field is written once", "[store][once]") {
  std::string a = activity();
  std::string e = experience(a);
  // The roster (admin) and the company network (counsellor) live in the school bucket.
  expect_ok(replica->set_identity(
      test::role_identity("admin", "pupil:x", "0190a000-0000-7000-8000-0000000000ad")));
  std::string school = expect_ok(replica->put({{"type", "school"}, {"name", "Vmbo De Brug"}}));
  std::string pupil = expect_ok(
      replica->put({{"type", "person"}, {"name", "Sem"}, {"role", "pupil"}, {"school", school}}));
  std::string supervisor = expect_ok(replica->put(
      {{"type", "person"}, {"name", "Ans"}, {"role", "supervisor"}, {"school", school}}));
  expect_ok(replica->set_identity(
      test::role_identity("counsellor", "pupil:x", "0190a000-0000-7000-8000-0000000000c0")));
  std::string company =
      expect_ok(replica->put({{"type", "company"}, {"name", "Bakkerij De Korf"}}));
  std::string placement = expect_ok(replica->put({{"type", "placement"},
                                                  {"pupil", pupil},
                                                  {"company", company},
                                                  {"start_date", "2026-11-01"},
                                                  {"end_date", "2026-12-01"},
                                                  {"kind", "snuffelstage"}}));
  expect_ok(replica->set_identity(
      test::role_identity("supervisor", test::pupil_identity().bucket, supervisor)));
  std::string sig = expect_ok(replica->put({{"type", "signoff"},
                                            {"placement", placement},
                                            {"covers", {e}},
                                            {"content_hash", std::string(64, 'c')},
                                            {"statement_date", "2026-11-28"},
                                            {"hours", 6},
                                            {"signer", supervisor},
                                            {"method", "key"}}));
  Error changed = put_error({{"id", sig}, {"hours", 8}});
  CHECK(changed.code == WX_CONFLICT);
  CHECK_THAT(changed.message, Catch::Contains("written once"));
}

TEST_CASE("store: data, replica id and clock survive reopening", "[store][durability]") {
  test::TempDir dir;
  ManualClockSource clock(test::kStartMillis);
  std::string id, dump;
  uint64_t replica_id;
  Hlc last;
  {
    auto r = test::open_replica(dir.file("a.db"), clock, test::pupil_identity());
    id = expect_ok(r->put({{"type", "activity"}, {"kind", "gastles"}}));
    dump = expect_ok(r->dump());
    replica_id = r->replica_id();
    last = r->clock().last();
  }
  clock.set(test::kStartMillis - 3600 * 1000);  // the phone's clock jumped back an hour
  ReplicaOptions options;
  options.clock = &clock;
  auto r = expect_ok(Replica::open(dir.file("a.db"), options));
  CHECK(r->replica_id() == replica_id);
  CHECK(r->identity().role == "pupil");
  CHECK(expect_ok(r->dump()) == dump);
  CHECK(r->clock().now() > last);
}

TEST_CASE(
    "store: received changes merge, invalid ones are rejected with reasons, unknown fields are "
    "kept",
    "[store][apply]") {
  test::TempDir dir;
  ManualClockSource clock(test::kStartMillis);
  auto a = test::open_replica(dir.file("a.db"), clock, test::pupil_identity());
  auto b = test::open_replica(dir.file("b.db"), clock, test::pupil_identity());
  std::string act =
      expect_ok(a->put({{"type", "activity"}, {"kind", "interview"}, {"title", "Kapper"}}));
  Bundle bundle = expect_ok(a->changes_since(0));
  // A newer app version added a field this build does not know: it must travel on.
  Change future = bundle.changes.front();
  future.field = "mood_colour";
  future.state = lww_write("blauw", {a->clock().now(), a->replica_id()});
  bundle.changes.push_back(future);
  Change bad = bundle.changes.front();
  bad.field = "kind";
  bad.state = lww_write("ruimtevaart", {a->clock().now(), a->replica_id()});
  bundle.changes.push_back(bad);
  Change wrong_type = bundle.changes.front();
  wrong_type.type = "experience";
  wrong_type.field = "note";
  bundle.changes.push_back(wrong_type);

  ApplyReport report = expect_ok(b->apply(bundle));
  CHECK(report.received == bundle.changes.size());
  REQUIRE(report.rejected.size() == 2);
  CHECK(report.rejected[0].field == "kind");
  CHECK_THAT(report.rejected[0].error.message, Catch::Contains("one of"));
  CHECK(report.rejected[1].error.code == WX_CONFLICT);
  json doc = expect_ok(b->get(act));
  CHECK(doc["title"] == "Kapper");
  CHECK(doc["kind"] == "interview");
  CHECK(doc["mood_colour"] == "blauw");
  CHECK(expect_ok(b->peer_seq(a->replica_id())) == bundle.upto_seq);
  // Re-export from b carries the unknown field on to the next replica.
  auto c = test::open_replica(dir.file("c.db"), clock, test::pupil_identity());
  expect_ok(c->apply(expect_ok(b->changes_since(0))));
  CHECK(expect_ok(c->get(act))["mood_colour"] == "blauw");
  // Applying the same bundle again changes nothing.
  ApplyReport again = expect_ok(b->apply(bundle));
  CHECK(again.applied == 0);
}

TEST_CASE("store: changes_since pages by sequence number", "[store][apply]") {
  test::TempDir dir;
  ManualClockSource clock(test::kStartMillis);
  auto a = test::open_replica(dir.file("a.db"), clock, test::pupil_identity());
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i)
    ids.push_back(expect_ok(a->put(
        {{"type", "activity"}, {"kind", "gastles"}, {"title", "les " + std::to_string(i)}})));
  // Changing one field of the first entity moves just that field past the others.
  expect_ok(a->put({{"id", ids[0]}, {"title", "les nul"}}));
  // Four entity updates: the first entity's kind (its title moved on to seq 6) and three
  // entities of two fields each.
  Bundle first = expect_ok(a->changes_since(0, 4));
  CHECK(first.changes.size() == 7);
  CHECK(first.upto_seq == 4);
  Bundle rest = expect_ok(a->changes_since(first.upto_seq));
  CHECK(rest.changes.size() == 3);
  CHECK(rest.upto_seq == a->last_seq());
  CHECK(expect_ok(a->changes_since(a->last_seq())).changes.empty());
}

TEST_CASE_METHOD(Fixture, "store: observers hear about the entities their query matches",
                 "[store][observer]") {
  std::vector<ChangeEvent> heard;
  Query q;
  q.type = "experience";
  uint64_t token = replica->add_observer(q, [&](const std::vector<ChangeEvent>& events) {
    heard.insert(heard.end(), events.begin(), events.end());
  });
  std::string a = activity();
  CHECK(heard.empty());
  std::string e = experience(a);
  REQUIRE(heard.size() == 1);
  CHECK(heard[0].entity == e);
  expect_ok(replica->remove(e));
  REQUIRE(heard.size() == 2);
  CHECK(heard[1].deleted);
  replica->remove_observer(token);
  experience(a);
  CHECK(heard.size() == 2);
}

TEST_CASE_METHOD(Fixture, "store: list filters by field and orders by field", "[store][query]") {
  std::string a = activity();
  std::string b = activity();
  for (const char* t : {"2026-11-28T12:00:00Z", "2026-11-28T08:00:00Z"})
    expect_ok(replica->put({{"type", "experience"}, {"activity", a}, {"occurred_at", t}}));
  expect_ok(replica->put(
      {{"type", "experience"}, {"activity", b}, {"occurred_at", "2026-11-28T10:00:00Z"}}));
  Query q;
  q.type = "experience";
  q.field = "activity";
  q.equals = a;
  q.order_by = "occurred_at";
  auto list = expect_ok(replica->list(q));
  REQUIRE(list.size() == 2);
  CHECK(list[0]["occurred_at"] == "2026-11-28T08:00:00Z");
  q.field = "activity'; DROP TABLE docs; --";
  CHECK(replica->list(q).error().code == WX_INVALID_ARGUMENT);
}

TEST_CASE("store: opening something that is not a werkex database fails cleanly",
          "[store][validation]") {
  test::TempDir dir;
  {
    FILE* f = fopen(dir.file("junk.db").c_str(), "w");
    REQUIRE(f);
    fputs("this is not a database, just some text that is long enough to look like a header....",
          f);
    fclose(f);
  }
  auto r = Replica::open(dir.file("junk.db"));
  REQUIRE_FALSE(r);
  CHECK((r.error().code == WX_CORRUPT || r.error().code == WX_IO));
  auto missing_dir = Replica::open(dir.file("no/such/dir/a.db"));
  REQUIRE_FALSE(missing_dir);
  CHECK(missing_dir.error().code == WX_IO);
}

TEST_CASE_METHOD(Fixture, "store: invalid UTF-8 and absurd nesting are refused, not thrown",
                 "[store][validation]") {
  CHECK_THAT(
      put_error({{"type", "activity"}, {"kind", "meeloopdag"}, {"title", std::string("caf\xe9")}})
          .message,
      Catch::Contains("UTF-8"));
  json deep = "x";
  for (int i = 0; i < 1000; ++i)
    deep = json::array({std::move(deep)});  // the test itself copies it
  CHECK_THAT(put_error({{"type", "activity"}, {"kind", "meeloopdag"}, {"title", deep}}).message,
             Catch::Contains("nested deeper"));
  CHECK(is_valid_utf8("Zoë ging naar de bakkerij 🍞"));
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));      // a surrogate
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // past U+10FFFF
}

TEST_CASE("store: a deeply nested bundle is refused without exhausting the stack",
          "[store][validation]") {
  std::string text =
      R"({"werkex":"bundle","v":1,"schema":1,"from":"0000000000000001","since":0,"upto":1,)"
      R"("entities":[{"id":"0190a000-0000-7000-8000-0000000000aa","type":"x","bucket":"b",)"
      R"("fields":[{"f":"y","s":[1,1],"v":)";
  text += std::string(1000000, '[') + std::string(1000000, ']') + "}]}]}";
  auto r = bundle_from_text(text);
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Contains("nested deeper"));
}

TEST_CASE_METHOD(Fixture, "store: scan streams documents, count counts them, offset pages",
                 "[store][query]") {
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(activity());
  std::sort(ids.begin(), ids.end());  // lists are in id order (ids of one millisecond are random)
  Query q;
  q.type = "activity";
  CHECK(expect_ok(replica->count(q)) == 7);
  std::vector<std::string> seen;
  expect_ok(replica->scan(q, [&](std::string_view doc) {
    seen.push_back(json::parse(doc)["id"].get<std::string>());
    return seen.size() < 3;  // stop early
  }));
  CHECK(seen == std::vector<std::string>(ids.begin(), ids.begin() + 3));
  q.limit = 3;
  q.offset = 5;
  auto page = expect_ok(replica->list(q));
  REQUIRE(page.size() == 2);
  CHECK(page[0]["id"] == ids[5]);
  q.limit = 0;
  q.offset = 6;
  CHECK(expect_ok(replica->list(q)).size() == 1);
  q.type = "experience";
  CHECK(expect_ok(replica->count(q)) == 0);
}

// The document text is written by hand (doc_builder.cpp), not by nlohmann::json; it must be
// exactly what json::dump() prints for the same content (keys sorted byte-wise, the same
// escapes), so replicas with equal states hold equal bytes and signed content hashes agree.
TEST_CASE("store: every stored document is the canonical JSON text json::dump prints",
          "[store][doc]") {
  test::TempDir dir;
  ManualClockSource clock(test::kStartMillis);
  auto a = test::open_replica(dir.file("a.db"), clock, test::pupil_identity());
  auto b = test::open_replica(dir.file("b.db"), clock, test::pupil_identity());
  const std::string awkward =
      "quote \" backslash \\ tab \t newline \n ctrl \x01 \xc3\xa9 \xe2\x98\x95";
  const std::string line = "quote \" backslash \\ \xc3\xa9 \xe2\x98\x95 </script>";
  std::string act =
      expect_ok(a->put({{"type", "activity"}, {"kind", "snuffelstage"}, {"title", line}}));
  std::string exp = expect_ok(a->put({{"type", "experience"},
                                      {"activity", act},
                                      {"occurred_at", "2026-11-28T09:00:00Z"},
                                      {"note", awkward}}));
  std::string exp2 = expect_ok(
      a->put({{"type", "experience"}, {"activity", act}, {"occurred_at", "2026-11-29T09:00:00Z"}}));
  expect_ok(a->put({{"type", "reflection"}, {"experiences", {exp2, exp}}}));
  expect_ok(b->apply(expect_ok(a->changes_since(0))));
  // Concurrent writes of one field on both sides: after the exchange both list a conflict.
  expect_ok(a->put({{"id", act}, {"title", "van a"}}));
  expect_ok(b->put({{"id", act}, {"title", "van b " + line}}));
  const uint64_t a_seq = a->last_seq(), b_seq = b->last_seq();
  auto from_a = expect_ok(a->changes_since(0));
  auto from_b = expect_ok(b->changes_since(0));
  expect_ok(a->apply(from_b));
  expect_ok(b->apply(from_a));
  CHECK(a->last_seq() > a_seq);
  CHECK(b->last_seq() > b_seq);

  for (const char* file : {"a.db", "b.db"}) {
    INFO(file);
    auto db = expect_ok(sql::Db::open(dir.file(file)));
    auto q = expect_ok(sql::Stmt::prepare(db, "SELECT doc FROM entities"));
    int docs = 0, with_conflicts = 0;
    while (expect_ok(q.step())) {
      const std::string doc(q.text(0));
      INFO(doc);
      CHECK(json::parse(doc).dump() == doc);
      ++docs;
      with_conflicts += doc.find("\"_conflicts\":") != std::string::npos;
    }
    CHECK(docs == 4);
    CHECK(with_conflicts == 1);
  }
  CHECK(expect_ok(a->dump()) == expect_ok(b->dump()));
}
