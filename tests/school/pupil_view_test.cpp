// The supervisor's view of a pupil's dossier (server/app/pupil_view.hpp): on a hand-made
// dossier, what she sees and what she must not; and against a model over random dossiers,
// where the model asks of each entity whether a chain of links leads from it to an activity
// of her placement (top-down, per entity), while placement_view() grows a set (bottom-up).
#include <catch2/catch.hpp>
#include <functional>
#include <random>

#include "pupil_view.hpp"

using namespace werkex;
using werkex::server::placement_view;

namespace {

json doc(const std::string& id, const std::string& type, json fields = json::object()) {
  fields["id"] = id;
  fields["type"] = type;
  return fields;
}

// The model: `id` is in the view iff the rule of its type holds of what it links to. A chain
// that proves it need not visit an entity twice, so it is at most as long as the dossier.
bool model_in(const std::vector<json>& docs, const std::set<std::string>& placements,
              const std::string& id, size_t depth = 0) {
  if (depth > docs.size()) return false;
  const json* d = nullptr;
  for (const json& x : docs)
    if (x["id"] == id) d = &x;
  if (!d || d->value("deleted", false)) return false;
  auto in = [&](const char* key) {
    return d->contains(key) && model_in(docs, placements, (*d)[key], depth + 1);
  };
  const std::string type = (*d)["type"];
  if (type == "activity" || type == "signoff")
    return d->contains("placement") && placements.count((*d)["placement"]);
  if (type == "preparation" || type == "experience") return in("activity");
  if (type == "next_step") return in("reflection");
  if (type == "comment") return in("on");
  if (type == "reflection") {
    for (const json& e : d->value("experiences", json::array()))
      if (model_in(docs, placements, e, depth + 1)) return true;
    return false;
  }
  if (type == "blob") {
    if (d->value("shows_others", false)) return false;
    if (in("attached_to")) return true;
    for (const json& x : docs)
      for (const json& sha : x.value("photos", json::array()))
        if (sha == (*d)["sha256"] && model_in(docs, placements, x["id"], depth + 1)) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("pupil view: supervisor never sees hobby experience", "[access][view]") {
  const std::set<std::string> hers = {"P1"};
  std::vector<json> docs = {
      doc("A1", "activity", {{"placement", "P1"}}),
      doc("A2", "activity", {{"kind", "thuis_hobby"}}),
      doc("A3", "activity", {{"placement", "P2"}}),  // another placement (another supervisor)
      doc("E1", "experience", {{"activity", "A1"}, {"photos", {"sha-work"}}}),
      doc("E2", "experience", {{"activity", "A2"}, {"photos", {"sha-home"}}}),
      doc("E3", "experience", {{"activity", "A3"}}),
      doc("E4", "experience", {{"note", "unplanned"}}),
      doc("Q1", "preparation", {{"activity", "A1"}}),
      doc("Q2", "preparation", {{"activity", "A2"}}),
      doc("R1", "reflection", {{"experiences", {"E2", "E1"}}}),
      doc("R2", "reflection", {{"experiences", {"E2"}}}),
      doc("N1", "next_step", {{"reflection", "R1"}}),
      doc("N2", "next_step", {{"reflection", "R2"}}),
      doc("C1", "comment", {{"on", "E1"}}),
      doc("C2", "comment", {{"on", "C1"}}),  // a reply
      doc("C3", "comment", {{"on", "E2"}}),
      doc("S1", "signoff", {{"placement", "P1"}, {"covers", {"E1"}}}),
      doc("S2", "signoff", {{"placement", "P2"}, {"covers", {"E3"}}}),
      doc("B1", "blob", {{"sha256", "sha-work"}, {"attached_to", "E1"}}),
      doc("B2", "blob", {{"sha256", "sha-home"}, {"attached_to", "E2"}}),
      doc("B3", "blob", {{"sha256", "sha-crowd"}, {"attached_to", "E1"}, {"shows_others", true}}),
      doc("B4", "blob", {{"sha256", "sha-work"}, {"attached_to", "E4"}}),  // named by E1
      doc("K1", "contact", {{"met_at", "E1"}, {"name", "Kok"}}),
      doc("D1", "experience", {{"activity", "A1"}, {"deleted", true}}),
  };
  const std::set<std::string> expected = {"A1", "E1", "Q1", "R1", "N1",
                                          "C1", "C2", "S1", "B1", "B4"};
  CHECK(placement_view(docs, hers) == expected);
  CHECK(placement_view(docs, {}).empty());
  // Unlinking the experience from her activity takes it and what hangs on it out.
  docs[3]["activity"] = "A2";
  const std::set<std::string> after = {"A1", "Q1", "S1"};
  CHECK(placement_view(docs, hers) == after);
  CHECK(server::digest_of(expected) != server::digest_of(after));
  CHECK(server::digest_of(after).size() == 16);
}

TEST_CASE("pupil view: equals the model on random dossiers", "[access][view][model]") {
  const std::vector<std::string> types = {"activity",   "preparation", "experience",
                                          "reflection", "next_step",   "comment",
                                          "signoff",    "blob",        "contact"};
  for (unsigned seed = 1; seed <= 300; ++seed) {
    std::mt19937 rng(seed);
    std::vector<json> docs;
    const int n = 3 + static_cast<int>(rng() % 12);
    auto any_id = [&]() { return "X" + std::to_string(rng() % n); };
    for (int i = 0; i < n; ++i) {
      const std::string type = types[rng() % types.size()];
      json d = doc("X" + std::to_string(i), type);
      if (type == "activity" || type == "signoff") d["placement"] = rng() % 2 ? "P1" : "P2";
      if (type == "preparation" || type == "experience") d["activity"] = any_id();
      if (type == "experience" && rng() % 2) d["photos"] = {"sha" + std::to_string(rng() % 4)};
      if (type == "reflection") d["experiences"] = {any_id(), any_id()};
      if (type == "next_step") d["reflection"] = any_id();
      if (type == "comment") d["on"] = any_id();  // may form cycles: never in without a root
      if (type == "blob") {
        d["sha256"] = "sha" + std::to_string(rng() % 4);
        d["attached_to"] = any_id();
        if (rng() % 4 == 0) d["shows_others"] = true;
      }
      if (rng() % 10 == 0) d["deleted"] = true;
      docs.push_back(d);
    }
    std::set<std::string> model;
    for (const json& d : docs)
      if (model_in(docs, {"P1"}, d["id"])) model.insert(d["id"].get<std::string>());
    INFO("seed " << seed << ": " << json(docs).dump());
    CHECK(placement_view(docs, {"P1"}) == model);
  }
}
