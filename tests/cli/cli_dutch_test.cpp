// The CLI in Dutch: a pupil who chose Dutch reads every refusal as a Dutch sentence about her
// own entries (never an id she did not see), writes her choices by their Dutch labels, and
// finds the labels and the conversation rules to show.
#include <catch2/catch.hpp>

#include <regex>

#include "process.hpp"
#include "test_support.hpp"

using nlohmann::json;
using werkex::test::Device;
using werkex::test::expect_failure;
using werkex::test::with_env;

namespace {

constexpr int kUsage = 2, kInvalid = 11, kNotFound = 12, kDenied = 14;

struct Lotte {
  werkex::test::TempDir dir;
  Device device{dir.file("lotte.db")};
  std::string activity;

  Lotte() {
    device.ok({"init", "--user", "0190a000-0000-7000-8000-000000000001", "--role", "pupil"});
    activity = device.ok({"activity", "--kind", "snuffelstage", "--title", "Kapsalon"});
  }
};

bool names_an_id(const std::string& text) {
  static const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  return std::regex_search(text, uuid);
}

}  // namespace

TEST_CASE_METHOD(Lotte, "cli dutch: pupil reads a wrong choice in Dutch, with the words to use",
                 "[cli][dutch]") {
  auto r = device.run({"--lang", "nl", "experience", "--activity", activity, "--note", "Föhnen",
                       "--emotion", "hongerig"});
  expect_failure(r, kInvalid, "invalid_argument",
                 {"de nieuwe ervaring: veld 'Emotie': verwacht een van: trots, blij", "geërgerd",
                  "gekregen: \"hongerig\""});
  CHECK_FALSE(names_an_id(r.err));
  // The same refusal in English names the field by its id and lists the ids.
  r = device.run({"experience", "--activity", activity, "--emotion", "hongerig"});
  expect_failure(r, kInvalid, "invalid_argument",
                 {"the new experience: field 'emotion': expected one of trots, blij", "geergerd"});
}

TEST_CASE_METHOD(Lotte, "cli dutch: pupil writes her feeling as she says it", "[cli][dutch]") {
  std::string e = device.ok(
      {"experience", "--activity", activity, "--note", "Ze schreeuwde", "--emotion", "geërgerd"});
  CHECK(device.ok_json({"get", e})["emotion"] == "geergerd");
  std::string p = device.ok({"put", "--json",
                             json({{"type", "preparation"},
                                   {"activity", activity},
                                   {"learning_verbs", {"laten zien", "Uitproberen"}}})
                                 .dump()});
  CHECK(device.ok_json({"get", p})["learning_verbs"] == json({"laten_zien", "uitproberen"}));
}

TEST_CASE_METHOD(Lotte, "cli dutch: WERKEX_LANG or the locale chooses, --lang wins",
                 "[cli][dutch]") {
  auto r =
      device.run({"delete", "0190a000-0000-7000-8000-00000000dead"}, with_env("WERKEX_LANG", "nl"));
  expect_failure(r, kNotFound, "not_found",
                 {"er is geen onderdeel met id '0190a000-0000-7000-8000-00000000dead'"});
  r = device.run({"delete", "0190a000-0000-7000-8000-00000000dead"},
                 with_env("LANG", "nl_NL.UTF-8"));
  expect_failure(r, kNotFound, "not_found", {"er is geen onderdeel met id"});
  r = device.run({"--lang", "en", "delete", "0190a000-0000-7000-8000-00000000dead"},
                 with_env("LANG", "nl_NL.UTF-8"));
  expect_failure(r, kNotFound, "not_found", {"there is no entry with id"});
  r = device.run({"--lang", "de", "list"});
  expect_failure(r, kUsage, "usage", {"--lang: expected nl or en, got 'de'"});
}

TEST_CASE("cli dutch: a supervisor is refused in words, with the right article", "[cli][dutch]") {
  werkex::test::TempDir dir;
  Device anna{dir.file("anna.db")};
  anna.ok({"init", "--user", "0190a000-0000-7000-8000-0000000000aa", "--role", "supervisor",
           "--bucket", "pupil:0190a000-0000-7000-8000-000000000001"});
  auto r = anna.run({"--lang", "nl", "experience", "--note", "Goed gedaan"});
  expect_failure(r, kDenied, "permission_denied",
                 {"een praktijkbegeleider mag geen ervaring schrijven"});
  r = anna.run({"experience", "--note", "Goed gedaan"});
  expect_failure(r, kDenied, "permission_denied", {"a supervisor may not write an experience"});
}

TEST_CASE_METHOD(Lotte, "cli dutch: labels and the eight conversation rules", "[cli][dutch]") {
  json emotions = device.ok_json({"labels", "emotion"});
  CHECK(emotions["geergerd"]["nl"] == "geërgerd");
  CHECK(emotions["geergerd"]["en"] == "annoyed");
  json all = device.ok_json({"labels"});
  CHECK(all["activity_kind"]["vakman_op_stap"]["nl"] == "vakman op stap");
  CHECK(all["competency"].size() == 5);
  json rules = all["conversation_rule"];
  REQUIRE(rules.size() == 8);
  for (auto& [id, rule] : rules.items()) {
    INFO(id);
    CHECK_FALSE(rule["rule_nl"].get<std::string>().empty());
    CHECK_FALSE(rule["explanation_nl"].get<std::string>().empty());
  }
  CHECK(rules["inzoomen"]["explanation_nl"] == "Let op emotie(woorden) en geef die de aandacht");
  expect_failure(device.run({"--lang", "nl", "labels", "gevoel"}), kNotFound, "not_found",
                 {"het schema heeft geen keuzelijst 'gevoel'", "emotion"});
}
