// The commands one by one: what they print, and the ways of passing their input.
#include <catch2/catch.hpp>

#include <algorithm>

#include "process.hpp"
#include "test_support.hpp"

using nlohmann::json;
using werkex::test::Device;
using werkex::test::run_cli;
using werkex::test::with_env;
using werkex::test::with_input;

namespace {

const std::string kPupil = "0190a000-0000-7000-8000-000000000001";

}  // namespace

TEST_CASE("commands: init sets the identity, status reports it, re-init changes it", "[cli]") {
  werkex::test::TempDir dir;
  Device d(dir.file("d.db"));
  std::string replica =
      d.ok({"init", "--user", kPupil, "--role", "pupil", "--server", "https://werkex.example"});
  json s = d.ok_json({"status"});
  CHECK(s["replica"] == replica);
  CHECK(s["user"] == kPupil);
  CHECK(s["role"] == "pupil");
  CHECK(s["bucket"] == "pupil:" + kPupil);
  CHECK(s["school_bucket"] == "school:default");
  CHECK(s["server"] == "https://werkex.example");
  CHECK(s["last_seq"] == 0);
  CHECK(s["entities"]["activity"] == 0);

  d.ok({"activity", "--kind", "gastles"});
  s = d.ok_json({"status"});
  CHECK(s["entities"]["activity"] == 1);
  CHECK(s["last_seq"].get<int>() > 0);

  // Same database, new identity: the replica id and the data stay.
  CHECK(d.ok({"init", "--user", "t1", "--role", "teacher", "--bucket", "pupil:" + kPupil,
              "--school-bucket", "school:12AB"}) == replica);
  s = d.ok_json({"status"});
  CHECK(s["role"] == "teacher");
  CHECK(s["bucket"] == "pupil:" + kPupil);
  CHECK(s["school_bucket"] == "school:12AB");
  CHECK(s["server"] == "https://werkex.example");
  CHECK(s["entities"]["activity"] == 1);
}

TEST_CASE("commands: the database comes from --db before or after the command, or WERKEX_DB",
          "[cli]") {
  werkex::test::TempDir dir;
  const std::string db = dir.file("env.db");
  std::string replica = Device(db).ok({"init", "--user", kPupil, "--role", "pupil"});
  auto r = run_cli({"status"}, with_env("WERKEX_DB", db));
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out)["replica"] == replica);
  r = run_cli({"status", "--db", db});
  REQUIRE(r.exit_code == 0);
  CHECK(json::parse(r.out)["replica"] == replica);
  r = run_cli({"--db=" + db, "status"});
  REQUIRE(r.exit_code == 0);
}

TEST_CASE("commands: put takes JSON literally, from a file or from stdin and get prints it back",
          "[cli]") {
  werkex::test::TempDir dir;
  Device d(dir.file("d.db"));
  d.ok({"init", "--user", kPupil, "--role", "pupil"});
  std::string a =
      d.ok({"put", "--json", R"({"type": "activity", "kind": "interview", "title": "Kok"})"});
  werkex::test::write_file(dir.file("c.json"),
                           R"({"type": "contact", "name": "Sanne", "role": "chef-kok"})");
  std::string c = d.ok({"put", "--json", "@" + dir.file("c.json")});
  std::string e =
      d.ok({"put", "--json", "-"}, with_input(json{{"type", "experience"},
                                                   {"activity", a},
                                                   {"occurred_at", "2026-11-30T10:00:00Z"},
                                                   {"note", "ze proeft alles"},
                                                   {"photos", {std::string(64, 'a')}}}
                                                  .dump()));
  for (const std::string& id : {a, c, e}) CHECK(id.size() == 36);

  // get prints the document with two-space indentation.
  auto r = d.run({"get", a});
  REQUIRE(r.exit_code == 0);
  json doc = json::parse(r.out);
  CHECK(r.out == doc.dump(2) + "\n");
  CHECK(doc["title"] == "Kok");

  // Updating writes only the fields given; a set given as an object adds and removes.
  CHECK(d.ok({"put", "--json", json{{"id", a}, {"sector", "horeca"}}.dump()}) == a);
  doc = d.ok_json({"get", a});
  CHECK(doc["title"] == "Kok");
  CHECK(doc["sector"] == "horeca");
  d.ok({"put", "--json", json{{"id", e}, {"photos", {{"add", {std::string(64, 'b')}}}}}.dump()});
  CHECK(d.ok_json({"get", e})["photos"].size() == 2);
  d.ok({"put", "--json", json{{"id", c}, {"met_at", e}}.dump()});
  CHECK(d.ok_json({"get", c})["met_at"] == e);
}

TEST_CASE("commands: list filters, sorts and limits, delete hides and dump shows tombstones",
          "[cli]") {
  werkex::test::TempDir dir;
  Device d(dir.file("d.db"));
  d.ok({"init", "--user", kPupil, "--role", "pupil"});
  std::string bakker = d.ok({"activity", "--kind", "meeloopdag", "--title", "Bakker"});
  std::string arts = d.ok({"activity", "--kind", "interview", "--title", "Arts", "--assigned"});
  std::string cafe = d.ok({"activity", "--kind", "meeloopdag", "--title", "Café"});

  auto ids = [](const json& docs) {
    std::vector<std::string> out;
    for (const json& doc : docs) out.push_back(doc["id"]);
    return out;
  };
  // Without --order-by entities come by id; ids made in one millisecond need not follow
  // creation order, so compare with the ids sorted.
  auto by_id = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  CHECK(ids(d.ok_json({"list", "activity"})) == by_id({bakker, arts, cafe}));
  CHECK(ids(d.ok_json({"list", "activity", "--order-by", "title"})) ==
        std::vector<std::string>{arts, bakker, cafe});
  CHECK(ids(d.ok_json({"list", "activity", "--where", "kind=meeloopdag"})) ==
        by_id({bakker, cafe}));
  CHECK(ids(d.ok_json({"list", "activity", "--where", "chosen_by_pupil=false"})) ==
        std::vector<std::string>{arts});
  CHECK(ids(d.ok_json({"list", "activity", "--order-by", "title", "--limit", "1"})) ==
        std::vector<std::string>{arts});
  CHECK(d.ok_json({"list", "activity", "--bucket", "pupil:someone-else"}).empty());
  CHECK(d.ok_json({"list", "contact"}).empty());

  d.ok({"delete", arts});
  CHECK(ids(d.ok_json({"list", "activity"})) == by_id({bakker, cafe}));
  CHECK(d.ok_json({"list", "activity", "--include-deleted"}).size() == 3);
  json dump = json::parse(d.dump());
  REQUIRE(dump.size() == 3);
  CHECK(std::count(dump.begin(), dump.end(),
                   json({{"id", arts}, {"type", "activity"}, {"deleted", true}})) == 1);
  CHECK(d.ok_json({"status"})["entities"]["activity"] == 2);
}

TEST_CASE("commands: export to stdout and to a file carry the same bundle", "[cli][sync]") {
  werkex::test::TempDir dir;
  Device d(dir.file("d.db"));
  std::string replica = d.ok({"init", "--user", kPupil, "--role", "pupil"});
  d.ok({"contact", "--name", "Sanne", "--json", R"({"role": "chef-kok", "consent": true})"});
  d.ok({"contact", "--name", "Ahmed"});
  std::string printed = d.ok({"export"});
  d.ok({"export", "--out", dir.file("b.json")});
  std::string written = werkex::test::read_file(dir.file("b.json"));
  CHECK(written == printed + "\n");
  json b = json::parse(written);
  CHECK(b["werkex"] == "bundle");
  CHECK(b["from"] == replica);
  CHECK(b["since"] == 0);
  // --since the end leaves nothing; --limit (in entity updates) cuts the bundle short and
  // says how far it got.
  CHECK(json::parse(d.ok({"export", "--since", std::to_string(b["upto"].get<int>())}))["entities"]
            .empty());
  json part = json::parse(d.ok({"export", "--limit", "1"}));
  CHECK(part["entities"].size() == 1);
  CHECK(part["upto"].get<int>() < b["upto"].get<int>());
}

TEST_CASE("commands: a teacher comments in the pupil's dossier", "[cli][roles]") {
  werkex::test::TempDir dir;
  Device pupil(dir.file("pupil.db")), teacher(dir.file("teacher.db"));
  pupil.ok({"init", "--user", kPupil, "--role", "pupil"});
  teacher.ok({"init", "--user", "0190a000-0000-7000-8000-0000000000ff", "--role", "teacher"});
  std::string act = pupil.ok({"activity", "--kind", "bedrijfsbezoek"});
  std::string bundle = pupil.ok({"export"});
  teacher.ok({"import", "-"}, with_input(bundle));
  std::string comment =
      teacher.ok({"comment", "--on", act, "--body", "Wat wil je daar te weten komen?"});
  json doc = teacher.ok_json({"get", comment});
  CHECK(doc["bucket"] == "pupil:" + kPupil);
  CHECK(doc["on"] == act);
  pupil.ok({"import", "-"}, with_input(teacher.ok({"export"})));
  CHECK(pupil.ok_json({"get", comment}) == doc);
  CHECK(pupil.dump() == teacher.dump());
}

TEST_CASE("commands: help prints the usage and the exit-code table", "[cli]") {
  for (auto args : {std::vector<std::string>{"help"},
                    {"--help"},
                    {"--db", "/nonexistent/x.db", "list", "--help"}}) {
    auto r = run_cli(args);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK_THAT(r.out, Catch::Contains("usage: werkex --db PATH <command>"));
    CHECK_THAT(r.out, Catch::Contains("Exit codes:"));
    CHECK_THAT(r.out, Catch::Contains("2   usage"));
    CHECK_THAT(r.out, Catch::Contains("14  permission_denied"));
    CHECK_THAT(r.out, Catch::Contains("16  corrupt"));
  }
  CHECK_THAT(run_cli({"help"}).out, Catch::Contains("next-step --reflection ID --description X"));
}

TEST_CASE("commands: a binary bundle file imports like a JSON one, a damaged one changes nothing",
          "[cli][bundle]") {
  werkex::test::TempDir dir;
  Device pupil(dir.file("pupil.db")), other(dir.file("other.db"));
  pupil.ok({"init", "--user", kPupil, "--role", "pupil"});
  other.ok({"init", "--user", kPupil, "--role", "pupil"});
  pupil.ok({"activity", "--kind", "bedrijfsbezoek"});
  const std::string file = dir.file("changes.wxb");
  pupil.ok({"export", "--binary", "--out", file});
  std::string bytes = werkex::test::read_file(file);
  REQUIRE(bytes.rfind("WXB1", 0) == 0);
  CHECK(bytes.size() * 2 < pupil.ok({"export"}).size());
  // Damaged: cut short. Exit 16 (corrupt), the file named, nothing applied.
  werkex::test::write_file(dir.file("cut.wxb"), bytes.substr(0, bytes.size() - 5));
  auto r = other.run({"import", dir.file("cut.wxb")});
  CHECK(r.exit_code == 16);
  CHECK_THAT(r.err, Catch::Contains("cut.wxb") && Catch::Contains("binary bundle"));
  CHECK(other.dump() == "[]\n");
  json report = other.ok_json({"import", file});
  CHECK(report["applied"].get<int>() > 0);
  CHECK(other.dump() == pupil.dump());
}
