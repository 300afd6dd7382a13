// The portable JSON export: every entity, the roster around it, photos, and sign-offs that
// verify offline from the export alone.
#include <sodium.h>

#include <algorithm>
#include <map>
#include <set>

#include "dossier_export.hpp"
#include "encoding.hpp"
#include "export_world.hpp"

using namespace werkex;
using exporter::export_dossier;
using test::expect_ok;

namespace {

std::string unhex(const std::string& hex) {
  std::string bytes(hex.size() / 2, '\0');
  size_t length = 0;
  REQUIRE(sodium_hex2bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), hex.data(),
                         hex.size(), nullptr, &length, nullptr) == 0);
  REQUIRE(length == bytes.size());
  return bytes;
}

const json& entity_in(const json& x, const std::string& id) {
  for (const json& e : x["entities"])
    if (e["id"] == id) return e;
  FAIL("no entity " << id << " in the export");
  return x;
}

// The check a reader of the export makes with nothing but the export and libsodium.
bool signature_verifies(const json& entry, const std::string& message) {
  std::string sig = unhex(entry["signature"]), key = unhex(entry["public_key"]);
  REQUIRE(sig.size() == crypto_sign_BYTES);
  REQUIRE(key.size() == crypto_sign_PUBLICKEYBYTES);
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig.data()),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(),
                                     reinterpret_cast<const unsigned char*>(key.data())) == 0;
}

}  // namespace

TEST_CASE("json: holds every live entity as get() gives it, and the roster around it",
          "[export][json]") {
  test::ExportWorld w;
  std::string pupil = w.add_pupil("Daan 't Hart", w.group);
  test::FullDossier d = w.build_dossier(pupil);
  json x = expect_ok(export_dossier(*w.db, pupil, test::kStartMillis));

  CHECK(x["format"] == "werkex-dossier");
  CHECK(x["version"] == 1);
  CHECK(x["schema_version"] == w.db->schema().version());
  CHECK(x["exported_at"] == rfc3339_utc(test::kStartMillis));
  CHECK(x["pupil"] == expect_ok(w.db->get(pupil)));
  CHECK(x["school"]["name"] == "Vmbo De Brug");
  REQUIRE(x["groups"].size() == 1);
  CHECK(x["groups"][0]["name"] == "3KB-a");

  Query bucket;
  bucket.bucket = "pupil:" + pupil;
  auto stored = expect_ok(w.db->list(bucket));
  REQUIRE(x["entities"].size() == stored.size());
  for (size_t i = 0; i < stored.size(); ++i) CHECK(x["entities"][i] == stored[i]);
  std::set<std::string> types;
  for (const json& e : x["entities"]) types.insert(e["type"]);
  CHECK(types == std::set<std::string>{"activity", "preparation", "experience", "reflection",
                                       "next_step", "contact", "comment", "signoff", "blob"});

  REQUIRE(x["placements"].size() == 1);
  CHECK(x["placements"][0]["company_name"] == "Bakkerij De Korenaar");
  CHECK(x["placements"][0]["supervisor_name"] == "Ans de Vries");
  std::set<std::string> people;
  for (const json& p : x["people"]) people.insert(p["name"]);
  CHECK(people == std::set<std::string>{"Daan 't Hart", "Mevr. Jansen", "Ans de Vries"});

  // The photo that shows others stays out (no hash, file or caption) until Daan allows it.
  REQUIRE(x["photos"].size() == 3);
  for (const json& p : x["photos"]) {
    std::string sha = p["sha256"];
    CHECK(p["attached_to"] == d.exp1);
    CHECK(p["left_out"] == sha.empty());
    CHECK(p["shows_others"] == sha.empty());
    if (sha.empty())
      CHECK_FALSE(p.contains("caption"));
    else
      CHECK(p["file"] == "photos/" + sha + (sha == d.photo_png ? ".png" : ".jpg"));
  }

  // A deleted entry leaves the export.
  w.as_pupil(pupil);
  expect_ok(w.db->remove(d.contact));
  json after = expect_ok(export_dossier(*w.db, pupil, test::kStartMillis));
  CHECK(after["entities"].size() == x["entities"].size() - 1);
  CHECK(std::none_of(after["entities"].begin(), after["entities"].end(),
                     [&](const json& e) { return e["id"] == d.contact; }));
}

TEST_CASE("json: a photo that shows others is exported once the pupil allows it",
          "[export][json][privacy]") {
  test::ExportWorld w;
  std::string pupil = w.add_pupil("Daan 't Hart", w.group);
  test::FullDossier d = w.build_dossier(pupil);
  w.as_pupil(pupil);
  auto blobs = expect_ok(w.db->list(Query::where("blob", "", "sha256", d.photo_others)));
  REQUIRE(blobs.size() == 1);
  expect_ok(w.db->put({{"id", blobs[0]["id"]}, {"allow_in_exports", true}}).status());
  json x = expect_ok(export_dossier(*w.db, pupil, test::kStartMillis));
  size_t shown_with_others = 0;
  for (const json& p : x["photos"]) {
    CHECK(p["left_out"] == false);
    if (p["sha256"] == d.photo_others) {
      ++shown_with_others;
      CHECK(p["shows_others"] == true);
      CHECK(p["caption"] == "Met het hele team");
    }
  }
  CHECK(shown_with_others == 1);
}

TEST_CASE("json: a key sign-off verifies offline with the exported public key",
          "[export][json][signoff]") {
  test::ExportWorld w;
  std::string pupil = w.add_pupil("Daan 't Hart", w.group);
  test::FullDossier d = w.build_dossier(pupil);
  json x = expect_ok(export_dossier(*w.db, pupil, test::kStartMillis));
  REQUIRE(x["signoffs"].size() == 1);
  const json& s = x["signoffs"][0];
  CHECK(s["id"] == d.signoff);
  CHECK(s["status"] == "valid");
  CHECK(s["method"] == "key");
  CHECK(s["signer_name"] == "Ans de Vries");
  CHECK(s["hours"] == 6);
  CHECK(s["public_key"] == w.ans_key.public_key);
  CHECK(s["key_id"] == w.ans_key.key_id);
  std::vector<std::string> covers = {d.exp1, d.exp2};
  std::sort(covers.begin(), covers.end());
  CHECK(s["covers"] == json(covers));

  // The signed bytes: the base64 copy equals what the contract computes from the entity.
  std::string message;
  REQUIRE(exporter::base64_decode(s["signed_message"].get<std::string>(), message));
  json entity = entity_in(x, d.signoff);
  CHECK(message == signoff_message(entity));
  CHECK(message.rfind("werkex-signoff:v1\n", 0) == 0);
  CHECK(signature_verifies(s, message));
  json forged = entity;
  forged["hours"] = 8;
  CHECK_FALSE(signature_verifies(s, signoff_message(forged)));

  // The covered content recomputes to the signed hash: nothing changed since signing.
  std::map<std::string, std::string> by_id;
  for (const json& c : s["covered_content"]) by_id[c["id"]] = c.dump();
  REQUIRE(by_id.size() == 2);
  std::string text = "werkex-content:v1\n";
  for (const auto& [id, dump] : by_id) text += (id == by_id.begin()->first ? "" : "\n") + dump;
  CHECK(sha256_hex(text) == s["content_hash"]);
  CHECK(s["current_content_hash"] == s["content_hash"]);
}

TEST_CASE("json: an edit after signing exports as stale, and only pupils export",
          "[export][json][signoff]") {
  test::ExportWorld w;
  std::string pupil = w.add_pupil("Sem van der Berg", w.group);
  test::FullDossier d = w.build_dossier(pupil, false);
  w.clock.advance(60000);
  w.as_pupil(pupil);
  w.put({{"id", d.exp2}, {"note", "Klanten geholpen en de kassa gedaan"}});
  json x = expect_ok(export_dossier(*w.db, pupil, test::kStartMillis));
  const json& s = x["signoffs"][0];
  CHECK(s["status"] == "stale");
  CHECK(s["changed"] == json({d.exp2}));
  CHECK(s["current_content_hash"] != s["content_hash"]);
  CHECK(x["photos"].empty());

  CHECK(export_dossier(*w.db, w.teacher, 0).error().code == WX_INVALID_ARGUMENT);
  CHECK(export_dossier(*w.db, "0190a000-0000-7000-8000-00000000dead", 0).error().code ==
        WX_NOT_FOUND);
}

TEST_CASE("json: the placements read once for a run give the export of the query per pupil",
          "[export][json]") {
  test::ExportWorld w;
  std::string daan = w.add_pupil("Daan 't Hart", w.group);
  std::string sem = w.add_pupil("Sem van der Berg", w.group_b);
  std::string noor = w.add_pupil("Noor El Amrani", w.group);  // never placed
  w.build_dossier(daan, false);
  w.build_dossier(sem, false);
  std::string second = w.add_placement(daan);
  std::string gone = w.add_placement(sem);
  expect_ok(w.db->set_identity(test::ExportWorld::as("counsellor", "", w.counsellor)));
  expect_ok(w.db->remove(gone));

  exporter::PlacementsByPupil all = expect_ok(exporter::placements_by_pupil(*w.db));
  CHECK(all.of[daan].size() == 2);
  CHECK(all.of[sem].size() == 1);
  CHECK(all.of.count(noor) == 0);
  for (const std::string& pupil : {daan, sem, noor}) {
    json alone = expect_ok(export_dossier(*w.db, pupil, test::kStartMillis));
    json with_map = expect_ok(export_dossier(*w.db, pupil, test::kStartMillis, &all));
    CHECK(with_map == alone);
  }
  json x = expect_ok(export_dossier(*w.db, daan, test::kStartMillis, &all));
  REQUIRE(x["placements"].size() == 2);
  CHECK((x["placements"][0]["id"] == second || x["placements"][1]["id"] == second));
}
