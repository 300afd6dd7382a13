// The portfolio page: the cycle in order, newest first, escaped text, no external
// references, photos that show others left out.
#include "portfolio_html.hpp"
#include "dossier_export.hpp"
#include "export_world.hpp"
#include "thumbnails.hpp"

using namespace werkex;
using exporter::portfolio_html;
using test::expect_ok;

namespace {

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

struct Page {
  test::ExportWorld world;
  std::string pupil = world.add_pupil("Daan 't Hart", world.group);
  test::FullDossier d = world.build_dossier(pupil);
  json x = expect_ok(exporter::export_dossier(*world.db, pupil, test::kStartMillis));
  std::string html = portfolio_html(x, [this](const std::string& sha) {
    auto jpeg = exporter::jpeg_thumbnail(world.blob_dir + "/" + sha.substr(0, 2) + "/" + sha, 200);
    return jpeg ? std::optional<std::string>(*jpeg) : std::nullopt;
  });
};

}  // namespace

TEST_CASE("portfolio: shows each cycle in order, newest cycle first", "[export][html]") {
  Page p;
  const std::string& html = p.html;
  // The second activity (planned 2027-01-15) came from the first one's next step: first.
  size_t newer = html.find("Meelopen bij Garage Smit</h3>");
  size_t older = html.find("Een dag in de bakkerij</h3>");
  REQUIRE(newer != std::string::npos);
  REQUIRE(older != std::string::npos);
  CHECK(newer < older);
  // Within the older cycle: why → preparation → experiences (by time) → reflection → step.
  std::vector<size_t> at;
  for (const char* marker : {"fase-waarom", "fase-voorbereiding", "fase-ervaring",
                             "Klanten geholpen", "fase-reflectie", "fase-vervolgstap"})
    at.push_back(html.find(marker, older));
  for (size_t i = 0; i < at.size(); ++i) {
    INFO("marker " << i);
    REQUIRE(at[i] != std::string::npos);
    if (i) CHECK(at[i - 1] < at[i]);
  }
  CHECK(html.find("Ik bak thuis graag") != std::string::npos);        // the why
  CHECK(html.find("Hoe vroeg begint de dag?") != std::string::npos);  // the preparation
  // The links between the cycles, both ways.
  CHECK(html.find("Werd de activiteit <a href=\"#e-" + p.d.activity2 + "\">") != std::string::npos);
  CHECK(html.find("Komt voort uit de vervolgstap <a href=\"#e-" + p.d.next_step + "\">") !=
        std::string::npos);
  CHECK(html.find("Mooi gedaan, vertel er meer over!") != std::string::npos);
  CHECK(html.find("Opmerking van Mevr. Jansen") != std::string::npos);
  CHECK(html.find("Gevoel:</span> <span class=\"tekst\">trots") != std::string::npos);
}

TEST_CASE("portfolio: escapes text and references nothing outside itself", "[export][html]") {
  Page p;
  const std::string& html = p.html;
  CHECK(html.find("Loopbaandossier van Daan &#39;t Hart") != std::string::npos);
  CHECK(html.find("Deeg gekneed &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;gevormd&quot;") !=
        std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  CHECK(count_of(html, "src=\"") == count_of(html, "src=\"data:image/jpeg;base64,"));
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("@media print") != std::string::npos);
}

TEST_CASE("portfolio: embeds thumbnails and leaves out photos that show others",
          "[export][html][photos]") {
  Page p;
  const std::string& html = p.html;
  CHECK(count_of(html, "src=\"data:image/jpeg;base64,") == 2);
  CHECK(html.find("Mijn eerste brood") != std::string::npos);
  CHECK(html.find("De oven") != std::string::npos);
  CHECK(html.find("Met het hele team") == std::string::npos);
  CHECK(html.find("1 foto is hier weggelaten") != std::string::npos);
  // The JSON export keeps it.
  CHECK(p.x["photos"].size() == 3);

  // A photo with no thumbnail (HEIC without libheif, not uploaded yet): its placeholder.
  std::string placeholders = portfolio_html(p.x, [](const std::string&) { return std::nullopt; });
  CHECK(count_of(placeholders, "Foto niet te tonen") == 2);
  CHECK(placeholders.find("Mijn eerste brood") != std::string::npos);
  CHECK(placeholders.find("data:image") == std::string::npos);
}

TEST_CASE("portfolio: shows sign-offs in Dutch with hours, and the competencies",
          "[export][html][signoff]") {
  Page p;
  CHECK(p.html.find("<span class=\"stempel status-valid\">geldig</span>") != std::string::npos);
  CHECK(p.html.find("Werkt netjes en vraagt goed door.") != std::string::npos);
  // The hours, and the valid hours per stage; each cell names its column for a phone's layout.
  CHECK(p.html.find("<td data-label=\"Uren\">6</td>") != std::string::npos);
  CHECK(p.html.find("<td data-label=\"Uren (geldig afgetekend)\">6</td>") != std::string::npos);
  for (const char* c : {"Kwaliteitenreflectie: aan gewerkt", "Motievenreflectie: nog niet",
                        "Werkexploratie: aan gewerkt (2&times;)", "Loopbaansturing: nog niet",
                        "Netwerken: nog niet"})
    CHECK(p.html.find(c) != std::string::npos);

  json x = p.x;
  const std::pair<const char*, const char*> states[] = {{"stale", "verouderd"},
                                                        {"invalid", "ongeldig"},
                                                        {"revoked", "ingetrokken"},
                                                        {"pending", "in afwachting"},
                                                        {"refused", "geweigerd"}};
  for (const auto& [state, label] : states) {
    x["signoffs"][0]["status"] = state;
    x["signoffs"][0]["reason"] = "omdat <b>";
    std::string html = portfolio_html(x, nullptr);
    CHECK(html.find(std::string(">") + label + "</span>") != std::string::npos);
    CHECK(html.find("omdat &lt;b&gt;") != std::string::npos);
  }
}

TEST_CASE("portfolio: is made from any JSON without throwing", "[export][html]") {
  for (const char* text : {"null", "[]", "{}", "{\"entities\":5,\"pupil\":[]}",
                           "{\"entities\":[{\"type\":\"experience\",\"activity\":3}],"
                           "\"photos\":[{\"attached_to\":5}],\"signoffs\":[7]}"}) {
    std::string html = portfolio_html(json::parse(text), nullptr);
    CHECK(html.find("</html>") != std::string::npos);
  }
}
