// Sign-off as the supervisor and the pupil experience it (issue 13), through the CLI: Ans sees
// what she signs before she signs Sem's QR request; Sem is warned before he edits a signed
// experience, and reads in words why the sign-off no longer holds; a day signed again
// replaces the first sign-off, and the placement's hours count that day once.
#include <catch2/catch.hpp>

#include "signoff_school.hpp"

using nlohmann::json;
using signoff_school::School;

namespace {

// Sem asks Ans (offline, by QR) to sign these entries for 30 November; Ans states `hours`;
// Sem's phone accepts her answer. Returns the sign-off's id.
std::string signed_by_qr(School& s, const std::vector<std::string>& covers,
                         const std::string& hours) {
  std::vector<std::string> args = {"sign-request"};
  args.insert(args.end(), covers.begin(), covers.end());
  args.insert(args.end(), {"--date", "2026-11-30"});
  std::string request = s.sem.ok(args);
  std::string sig = s.ans.ok({"sign", request, "--hours", hours, "--attendance", "aanwezig"});
  return s.sem.ok({"sign-accept", sig});
}

const json* row_of(const json& listing, const std::string& id) {
  for (const json& r : listing["signoffs"])
    if (r["id"] == id) return &r;
  return nullptr;
}

}  // namespace

TEST_CASE_METHOD(School,
                 "signoff story: supervisor sees the entries, day and hours before she signs",
                 "[cli][signoff][preview]") {
  std::string request = sem.ok({"sign-request", exp1, exp2, "--date", "2026-11-30"});
  json preview =
      ans.ok_json({"sign", "--preview", request, "--hours", "6", "--attendance", "deels_aanwezig"});
  CHECK(preview["pupil"] == json({{"id", pupil}, {"name", "Sem"}}));
  CHECK(preview["signer"] == json({{"id", supervisor}, {"name", "Ans"}}));
  CHECK(preview["placement"] == json({{"id", placement},
                                      {"company", "Bakkerij"},
                                      {"kind", "snuffelstage"},
                                      {"start_date", "2026-11-01"},
                                      {"end_date", "2026-12-01"}}));
  CHECK(preview["date"] == "2026-11-30");
  CHECK(preview["hours"] == 6);
  CHECK(preview["attendance"] == "deels_aanwezig");
  CHECK(preview["attendance_label"] == "deels aanwezig");
  REQUIRE(preview["entries"].size() == 2);
  std::map<std::string, json> entries;
  for (const json& e : preview["entries"]) entries[e["id"]] = e;
  CHECK(entries[exp1]["type_label"] == "Ervaring");
  CHECK(entries[exp1]["title"] == "Deeg gekneed");
  CHECK(entries[exp1]["dates"] == json({{"occurred_at", "2026-11-30T07:30:00Z"}}));
  CHECK(entries[exp2]["title"] == "Klanten geholpen");
  CHECK(entries[exp2]["fields"]["note"] == "Klanten geholpen");
  // A preview signs nothing: no signature payload on stdout.
  CHECK(preview.dump().find("werkex-sig:") == std::string::npos);

  // Signing without --preview shows the same first, in words, then prints the signature.
  auto signing = ans.run({"sign", request, "--hours", "6"});
  REQUIRE(signing.exit_code == 0);
  CHECK(signing.out.rfind("werkex-sig:v1:", 0) == 0);
  CHECK_THAT(signing.err, Catch::Contains("Je tekent af voor Sem, stage bij Bakkerij") &&
                              Catch::Contains("Dag: 2026-11-30") && Catch::Contains("Uren: 6") &&
                              Catch::Contains("Ervaring \"Deeg gekneed\"") &&
                              Catch::Contains("Ervaring \"Klanten geholpen\""));
  CHECK(signing.err.find("werkex-sig:") == std::string::npos);
  // --preview is for a request payload; a damaged one says what is wrong.
  werkex::test::expect_failure(ans.run({"sign", "--preview", exp1, "--date", "2026-11-30"}), 2,
                               "usage", {"--preview"});
  werkex::test::expect_failure(ans.run({"sign", "--preview", request.substr(0, 40)}), 11,
                               "invalid_argument", {"sign request payload"});
}

TEST_CASE_METHOD(School, "signoff story: pupil is warned before editing a signed experience",
                 "[cli][signoff][edit]") {
  std::string id = signed_by_qr(*this, {exp1, exp2}, "6");
  json by = sem.ok_json({"signed-by", exp2});
  REQUIRE(by.size() == 1);
  CHECK(by[0] == json({{"signoff", id},
                       {"signer", supervisor},
                       {"signer_name", "Ans"},
                       {"statement_date", "2026-11-30"},
                       {"state", "valid"}}));
  CHECK(sem.ok_json({"signed-by", act}).empty());  // the activity itself was not signed

  auto edit = sem.run({"put", "--json", json{{"id", exp2}, {"note", "Kassa gedaan"}}.dump()});
  REQUIRE(edit.exit_code == 0);  // warned, not blocked: a pupil may correct her work
  CHECK_THAT(edit.err, Catch::Contains("Deze ervaring is afgetekend door Ans op 2026-11-30; na "
                                       "deze wijziging is de aftekening niet meer geldig."));
  CHECK(sem.ok_json({"signed-by", exp2}).empty());  // nothing left to lose
  auto again = sem.run({"put", "--json", json{{"id", exp2}, {"note", "Kassa geteld"}}.dump()});
  CHECK(again.err.find("afgetekend") == std::string::npos);
  // An unsigned entry edits silently.
  auto plain = sem.run({"put", "--json", json{{"id", act}, {"title", "Bakker"}}.dump()});
  CHECK(plain.err.find("afgetekend") == std::string::npos);
}

TEST_CASE_METHOD(School, "signoff story: pupil reads in words why a sign-off went stale",
                 "[cli][signoff][stale]") {
  std::string id = signed_by_qr(*this, {exp1, exp2}, "6");
  sem.ok({"put", "--json", json{{"id", exp2}, {"note", "Klanten geholpen en kassa"}}.dump()});
  json st = sem.ok_json({"signoff-status", id});
  CHECK(st["state"] == "stale");
  CHECK(st["explanation"] ==
        "Ervaring \"Klanten geholpen\": Notitie was \"Klanten geholpen\", nu \"Klanten geholpen "
        "en kassa\"");
  REQUIRE(st["why"].size() == 1);
  CHECK(st["why"][0] == json({{"entity", exp2},
                              {"type", "experience"},
                              {"type_label", "Ervaring"},
                              {"title", "Klanten geholpen"},
                              {"field", "note"},
                              {"label", "Notitie"},
                              {"old_known", true},
                              {"old", "Klanten geholpen"},
                              {"new", "Klanten geholpen en kassa"}}));
  // The supervisor's phone says the same once the phones swapped (the old text travels with
  // the sign-off and is trusted because its hash is the signed one).
  swap_bundles();
  json there = ans.ok_json({"signoff-status", id});
  CHECK(there["explanation"] == st["explanation"]);
  CHECK(sem.ok_json({"signoffs"})["signoffs"][0]["explanation"] == st["explanation"]);
}

TEST_CASE_METHOD(School,
                 "signoff story: the day signed again replaces the first sign-off and counts once",
                 "[cli][signoff][superseded]") {
  std::string first = signed_by_qr(*this, {exp1, exp2}, "6");
  sem.ok({"put", "--json", json{{"id", exp2}, {"note", "Klanten geholpen en kassa"}}.dump()});
  std::string second = signed_by_qr(*this, {exp1, exp2}, "7");
  json listing = sem.ok_json({"signoffs"});
  REQUIRE(row_of(listing, first));
  REQUIRE(row_of(listing, second));
  CHECK((*row_of(listing, first))["state"] == "superseded");
  CHECK((*row_of(listing, first))["superseded_by"] == second);
  CHECK((*row_of(listing, first))["counts"] == false);
  CHECK((*row_of(listing, second))["state"] == "valid");
  CHECK((*row_of(listing, second))["counts"] == true);
  CHECK(listing["hours"] == json::array({{{"placement", placement}, {"hours", 7}}}));
  CHECK(sem.ok_json({"cycle", act})["signoff"] == "valid");

  // A correction of the hours, same day, same entries: the newest counts, the rest do not.
  std::string third = signed_by_qr(*this, {exp1, exp2}, "5.5");
  listing = sem.ok_json({"signoffs"});
  CHECK((*row_of(listing, second))["state"] == "superseded");
  CHECK((*row_of(listing, first))["superseded_by"] == third);
  CHECK(listing["hours"][0]["hours"] == 5.5);

  // A sign-off of only part of the day's entries replaces nothing: it is its own statement.
  std::string part = signed_by_qr(*this, {exp1}, "1");
  listing = sem.ok_json({"signoffs"});
  CHECK((*row_of(listing, third))["state"] == "valid");
  CHECK((*row_of(listing, part))["state"] == "valid");
  CHECK(listing["hours"][0]["hours"] == 6.5);
  // The supervisor's phone counts the same once the phones swapped.
  swap_bundles();
  CHECK(ans.ok_json({"signoffs"})["hours"] == listing["hours"]);
}
