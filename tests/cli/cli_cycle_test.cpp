// The whole cycle for one pupil on two devices that are offline most of the time and swap
// bundles by file: the scenario the CLI exists for.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "process.hpp"
#include "test_support.hpp"

using nlohmann::json;
using werkex::test::Device;

namespace {

const std::string kPupil = "0190a000-0000-7000-8000-000000000001";
const std::string kTitleA = "Meelopen bij bakkerij De Korenaar";
const std::string kTitleB = "Meelopen bij de bakker op de hoek";

json import(const Device& d, const std::string& bundle) {
  return d.ok_json({"import", bundle});
}

uint64_t upto_of(const std::string& bundle_path) {
  return json::parse(werkex::test::read_file(bundle_path)).at("upto").get<uint64_t>();
}

}  // namespace

TEST_CASE("cycle: a pupil's two devices converge byte for byte and show the title conflict",
          "[cli][sync][cycle]") {
  werkex::test::TempDir dir;
  Device a(dir.file("phone.db")), b(dir.file("tablet.db"));
  std::string replica_a = a.ok({"init", "--user", kPupil, "--role", "pupil"});
  std::string replica_b = b.ok({"init", "--user", kPupil, "--role", "pupil"});
  CHECK(replica_a.size() == 16);
  CHECK(replica_a != replica_b);

  // Online: the phone plans and prepares, the tablet picks it up.
  std::string act =
      a.ok({"activity", "--kind", "meeloopdag", "--title", "Bakkerij", "--builds-on",
            "ik bak graag thuis", "--json", R"({"competencies": ["werkexploratie"]})"});
  std::string prep =
      a.ok({"prepare", "--activity", act, "--want-to-find-out", "hoe vroeg begint een bakker?",
            "--verb", "leren", "--verb", "uitproberen"});
  CHECK(a.ok_json({"get", prep})["learning_verbs"] == json({"leren", "uitproberen"}));
  const std::string a1 = dir.file("a1.json");
  a.ok({"export", "--out", a1});
  json first = import(b, a1);
  CHECK(first["from"] == replica_a);
  CHECK(first["applied"].get<int>() > 0);
  CHECK(first["rejected"].empty());
  CHECK(b.dump() == a.dump());

  // Offline: each device records an experience and renames the activity, unaware of the
  // other; the tablet also fills in a different field.
  std::string exp_a = a.ok({"experience", "--activity", act, "--at", "2026-11-30T06:15:00Z",
                            "--note", "deeg kneden om kwart over zes", "--emotion", "trots"});
  a.ok({"put", "--json", json{{"id", act}, {"title", kTitleA}}.dump()});
  const std::string a2 = dir.file("a2.json");
  a.ok({"export", "--out", a2});

  std::string exp_b = b.ok(
      {"experience", "--activity", act, "--note", "de oven is heet", "--emotion", "nieuwsgierig"});
  b.ok({"put", "--json",
        json{{"id", act}, {"title", kTitleB}, {"expected_yield", "weten of ik vroeg op wil"}}
            .dump()});
  const std::string b1 = dir.file("b1.json");
  b.ok({"export", "--out", b1});

  // Back online, with a duplicate delivery and a stale bundle arriving after a newer one.
  CHECK(import(b, a2)["applied"].get<int>() > 0);
  json again = import(b, a2);
  CHECK(again["applied"] == 0);
  CHECK(again["unchanged"] == again["received"]);
  json stale = import(b, a1);
  CHECK(stale["applied"] == 0);
  CHECK(stale["rejected"].empty());
  CHECK(import(a, b1)["applied"].get<int>() > 0);
  CHECK(import(a, b1)["applied"] == 0);

  std::string dump_a = a.dump();
  CHECK(dump_a.size() > 2);
  CHECK(dump_a == b.dump());

  // One title won everywhere; the other is kept beside it, naming the device that wrote it.
  json doc = a.ok_json({"get", act});
  CHECK(b.ok_json({"get", act}) == doc);
  REQUIRE(doc.contains("_conflicts"));
  REQUIRE(doc["_conflicts"].contains("title"));
  REQUIRE(doc["_conflicts"]["title"].size() == 1);
  const json& lost = doc["_conflicts"]["title"][0];
  const std::string winner = doc["title"], loser = lost["value"];
  CHECK(std::set<std::string>{winner, loser} == std::set<std::string>{kTitleA, kTitleB});
  CHECK(lost["replica"] == (loser == kTitleA ? replica_a : replica_b));
  CHECK(lost["replaced_by"] == (loser == kTitleA ? replica_b : replica_a));
  CHECK(doc["expected_yield"] == "weten of ik vroeg op wil");  // the other field: both edits win
  CHECK(doc["builds_on"] == "ik bak graag thuis");
  CHECK(a.ok_json({"list", "experience", "--where", "activity=" + act}).size() == 2);

  // The conversation: a reflection on both experiences and a next step close the cycle.
  std::string refl =
      a.ok({"reflect", "--experience", exp_a, "--experience", exp_b, "--with", "mentor",
            "--quality", "doorzetten", "--motive", "met mijn handen werken", "--rule", "inzoomen",
            "--rule", "woorden_geven", "--red-thread", "ik maak graag iets"});
  std::string step = a.ok({"next-step", "--reflection", refl, "--description",
                           "een dag meelopen in een grote broodfabriek", "--action", "uitproberen",
                           "--direction", "verdiepen"});
  json phase = a.ok_json({"cycle", act});
  CHECK(phase["activity"] == act);
  CHECK(phase["kind"] == "meeloopdag");
  CHECK(phase["prepared"] == true);
  CHECK(phase["experiences"] == 2);
  CHECK(phase["reflected"] == true);
  CHECK(phase["next_step_chosen"] == true);
  CHECK(phase["signed_off"] == false);
  // ... and the next step becomes the next activity, linked both ways.
  std::string act2 = a.ok({"activity", "--kind", "snuffelstage", "--from-next-step", step});
  CHECK(a.ok_json({"get", act2})["from_next_step"] == step);
  CHECK(a.ok_json({"get", step})["became_activity"] == act2);
  json phases = a.ok_json({"cycle"});
  REQUIRE(phases.size() == 2);
  CHECK(phases[0] == phase);
  CHECK(phases[1]["activity"] == act2);
  CHECK(phases[1]["prepared"] == false);

  // The tablet brings the lost title back; incremental bundles carry it and the cycle across.
  json said = b.ok_json({"restore", act, "title"});
  CHECK(said["restored"]["value"] == loser);
  CHECK(said["restored"]["field"] == "title");
  json restored = b.ok_json({"get", act});
  CHECK(restored["title"] == loser);
  CHECK_FALSE(restored.contains("_conflicts"));
  const std::string b2 = dir.file("b2.json"), a3 = dir.file("a3.json");
  b.ok({"export", "--since", std::to_string(upto_of(b1)), "--out", b2});
  a.ok({"export", "--since", std::to_string(upto_of(a2)), "--out", a3});
  CHECK(json::parse(werkex::test::read_file(b2))["since"] == upto_of(b1));
  CHECK(import(a, b2)["rejected"].empty());
  CHECK(import(b, a3)["rejected"].empty());

  dump_a = a.dump();
  CHECK(dump_a == b.dump());
  json final_doc = b.ok_json({"get", act});
  CHECK(final_doc["title"] == loser);
  CHECK_FALSE(final_doc.contains("_conflicts"));
  CHECK(a.ok_json({"get", act}) == final_doc);
  CHECK(b.ok_json({"cycle"}) == a.ok_json({"cycle"}));

  // Nothing left to exchange: a full re-export changes neither side.
  const std::string all_a = dir.file("all_a.json");
  a.ok({"export", "--out", all_a});
  CHECK(import(b, all_a)["applied"] == 0);
  CHECK(b.dump() == dump_a);
}

// Issue 10.1: the PC edited the title twice without having seen the phone's edit. Its second
// write's "base" was its own first write, newer than the phone's, and the phone's value
// vanished without a trace. Whoever wins, the other device's last value must be listed.
TEST_CASE("cycle: an edit is kept as lost even when the other device edited twice",
          "[cli][sync][conflict]") {
  werkex::test::TempDir dir;
  Device phone(dir.file("phone.db")), pc(dir.file("pc.db")), tablet(dir.file("tablet.db"));
  std::string phone_id = phone.ok({"init", "--user", kPupil, "--role", "pupil"});
  pc.ok({"init", "--user", kPupil, "--role", "pupil"});
  std::string tablet_id = tablet.ok({"init", "--user", kPupil, "--role", "pupil"});
  std::string act = phone.ok({"activity", "--kind", "snuffelstage", "--title", "Begin"});
  const std::string start = dir.file("start.json");
  phone.ok({"export", "--out", start});
  import(pc, start);
  import(tablet, start);

  phone.ok({"put", "--json", json{{"id", act}, {"title", "Van de telefoon"}}.dump()});
  pc.ok({"put", "--json", json{{"id", act}, {"title", "PC eerst"}}.dump()});
  pc.ok({"put", "--json", json{{"id", act}, {"title", "PC daarna"}}.dump()});
  tablet.ok({"put", "--json", json{{"id", act}, {"title", "Van de tablet"}}.dump()});
  const std::string p = dir.file("p.json"), c = dir.file("c.json"), t = dir.file("t.json");
  phone.ok({"export", "--out", p});
  pc.ok({"export", "--out", c});
  tablet.ok({"export", "--out", t});
  // The tablet hands its bundle to the phone, which relays it to the pc in its next one.
  import(phone, t);
  const std::string relayed = dir.file("relayed.json");
  phone.ok({"export", "--out", relayed});
  import(pc, relayed);
  import(phone, c);
  import(tablet, c);
  import(tablet, p);

  std::string dump = phone.dump();
  CHECK(pc.dump() == dump);
  CHECK(tablet.dump() == dump);
  json doc = phone.ok_json({"get", act});
  std::set<std::string> shown{doc["title"].get<std::string>()};
  std::map<std::string, std::string> by_replica;
  for (const json& l : doc["_conflicts"]["title"]) {
    shown.insert(l["value"].get<std::string>());
    by_replica[l["replica"]] = l["value"];
  }
  CHECK(shown == std::set<std::string>{"Van de telefoon", "PC daarna", "Van de tablet"});
  CHECK(doc["_conflicts"]["title"].size() == 2);  // "PC eerst" was replaced by its own device
  // Restoring one by its device settles the field everywhere it goes.
  std::string pick = by_replica.count(tablet_id) ? tablet_id : phone_id;
  json said = pc.ok_json({"restore", act, "title", "--from", pick});
  CHECK(said["restored"]["replica"] == pick);
  CHECK_FALSE(pc.ok_json({"get", act}).contains("_conflicts"));
}

// Issue 13: "je elk moment overkomen" — an experience needs no planned activity. It shows in
// `cycle` apart from the activities, can be reflected on as it is, and later taken into one.
TEST_CASE("cycle: pupil records an unplanned experience and links it to an activity later",
          "[cli][cycle]") {
  werkex::test::TempDir dir;
  Device d(dir.file("pupil.db"));
  d.ok({"init", "--user", kPupil, "--role", "pupil"});
  const std::string loose =
      d.ok({"experience", "--note", "Mijn oom liet zien hoe hij een dak repareert", "--emotion",
            "nieuwsgierig"});
  json phases = d.ok_json({"cycle"});
  REQUIRE(phases.size() == 1);
  CHECK(phases[0]["activity"].is_null());
  CHECK(phases[0]["kind"] == "unplanned");
  CHECK(phases[0]["experience_ids"] == json::array({loose}));
  CHECK(phases[0]["signoff"] == "");

  // Taken into a reflection as it is.
  d.ok({"reflect", "--experience", loose, "--quality", "handig"});
  CHECK(d.ok_json({"cycle"})[0]["reflected"] == true);

  // Then into an activity: the unplanned phase is gone, the activity holds it.
  const std::string act = d.ok({"activity", "--kind", "meeloopdag", "--title", "Dakdekker"});
  werkex::test::ProcessResult bad = d.run({"link", loose, "--activity", loose});
  CHECK(bad.exit_code != 0);
  CHECK(bad.err.find("not an activity") != std::string::npos);
  CHECK(d.run({"link", loose}).exit_code != 0);  // --activity is required
  CHECK(d.ok({"link", loose, "--activity", act}) == loose);
  phases = d.ok_json({"cycle"});
  REQUIRE(phases.size() == 1);
  CHECK(phases[0]["activity"] == act);
  CHECK(phases[0]["experiences"] == 1);
  CHECK(phases[0]["reflected"] == true);
}
