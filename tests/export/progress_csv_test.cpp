// The progress CSV: one row per pupil, quoting, BOM and ';' for Dutch Excel.
#include "progress_csv.hpp"
#include "dossier_export.hpp"
#include "export_world.hpp"

using namespace werkex;
using exporter::csv_field;
using exporter::progress_csv;
using test::expect_ok;

namespace {

std::vector<std::string> lines_of(const std::string& csv) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t at = csv.find("\r\n"); at != std::string::npos; at = csv.find("\r\n", start)) {
    out.push_back(csv.substr(start, at - start));
    start = at + 2;
  }
  CHECK(start == csv.size());  // every line ends in CRLF
  return out;
}

}  // namespace

TEST_CASE("csv: CSV fields are quoted when they hold a separator, quote or line break",
          "[export][csv]") {
  CHECK(csv_field("Sem", ';') == "Sem");
  CHECK(csv_field("Berg, Sem", ';') == "Berg, Sem");
  CHECK(csv_field("Berg, Sem", ',') == "\"Berg, Sem\"");
  CHECK(csv_field("a;b", ';') == "\"a;b\"");
  CHECK(csv_field("Daan \"de bakker\" 't Hart", ';') == "\"Daan \"\"de bakker\"\" 't Hart\"");
  CHECK(csv_field("twee\nregels", ';') == "\"twee\nregels\"");
  CHECK(csv_field("cr\rlf", ',') == "\"cr\rlf\"");
  CHECK(csv_field("", ';').empty());
}

TEST_CASE("csv: the progress CSV has a row per pupil with the cycle, hours and sign-offs",
          "[export][csv]") {
  test::ExportWorld w;
  std::string daan = w.add_pupil("Daan 't Hart", w.group);
  w.build_dossier(daan, false);
  std::string sem = w.add_pupil("Sem van der Berg", w.group);
  std::vector<json> exports = {expect_ok(exporter::export_dossier(*w.db, daan, 0)),
                               expect_ok(exporter::export_dossier(*w.db, sem, 0))};
  // Names are single lines in the store; an export from elsewhere may hold anything.
  exports[1]["pupil"]["name"] = "Sem; \"=SOM(A1)\"\nvan der Berg";
  exports[0]["signoffs"].push_back({{"status", "pending"}, {"placement", "x"}, {"hours", 3}});
  exports[0]["signoffs"].push_back(
      {{"status", "valid"}, {"placement", exports[0]["placements"][0]["id"]}, {"hours", 1.5}});

  std::string csv = progress_csv(exports, ';', true);
  REQUIRE(csv.rfind("\xEF\xBB\xBF", 0) == 0);
  auto lines = lines_of(csv.substr(3));
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] ==
        "Naam;Status;Activiteiten;Voorbereidingen;Ervaringen;Reflecties;Vervolgstappen;"
        "Competenties;Uren per stage;Uren totaal;Aftekeningen geldig;"
        "Aftekeningen in afwachting;Aftekeningen verouderd;Aftekeningen ongeldig;"
        "Laatste activiteit");
  CHECK(lines[1] ==
        "Daan 't Hart;actief;2;1;2;1;1;Kwaliteitenreflectie, Werkexploratie;"
        "Bakkerij De Korenaar: 7,5;7,5;2;1;0;0;2026-12-02");
  // A name with a separator, quotes and a line break stays one field; "=" cannot run.
  CHECK(lines[2].rfind("\"Sem; \"\"=SOM(A1)\"\"\nvan der Berg\";", 0) == 0);
  CHECK(csv.find("van der Berg\";actief;0;0;0;0;0;;;0;0;0;0;0;\r\n") != std::string::npos);

  std::string comma = progress_csv({exports[0]}, ',', false);
  CHECK(comma.rfind("Naam,Status,", 0) == 0);  // no BOM
  CHECK(comma.find("\"Kwaliteitenreflectie, Werkexploratie\",Bakkerij De Korenaar: 7.5,7.5,") !=
        std::string::npos);
  CHECK(progress_csv({json::parse("{\"pupil\":{\"name\":\"=cmd\"}}")}, ';', false)
            .find("\r\n'=cmd;actief;") != std::string::npos);
  CHECK(lines_of(progress_csv({}, ';', false)).size() == 1);
}
