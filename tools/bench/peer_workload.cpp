// The peer workload, generated value for value as ../shared/peer-bench/node/workload.mjs
// does (mulberry32; record-major initial state from seed; replica k's updates from
// seed + imul(0x9E3779B9, k + 1)), so werkex-bench and the peers run the same work.
#include <cstdio>

#include "peer_workload.hpp"

namespace bench::peer {

namespace {

const char* const kWords[] = {
    "projet",        "stage",          "atelier",    "orientation",   "metier",
    "competence",    "equipe",         "entreprise", "visite",        "forum",
    "decouverte",    "lycee",          "college",    "parcours",      "avenir",
    "formation",     "apprentissage",  "rencontre",  "professionnel", "engagement",
    "initiative",    "responsabilite", "creativite", "communication", "numerique",
    "sante",         "industrie",      "commerce",   "artisanat",     "agriculture",
    "environnement", "culture",        "sport",      "science",       "technologie",
    "musique",       "theatre",        "cuisine",    "mecanique",     "electricite",
    "construction",  "transport",      "logistique", "informatique",  "design",
    "journalisme",   "droit",          "soin",       "animation",     "benevolat",
    "association",   "mairie",         "hopital",    "laboratoire",   "garage",
    "boulangerie",   "bibliotheque",   "musee",      "usine",         "bureau",
    "chantier",      "ferme",          "studio",     "reseau"};
const char* const kKinds[] = {"stage", "visite", "atelier", "forum", "entretien", "projet"};
const char* const kCities[] = {"Lyon",  "Paris", "Lille", "Nantes", "Rennes", "Brest",
                               "Dijon", "Tours", "Metz",  "Nancy",  "Reims",  "Caen",
                               "Rouen", "Nice",  "Pau",   "Albi"};
const char* const kSites[] = {"Entreprise", "Mairie", "Hopital", "Lycee",
                              "Musee",      "Usine",  "Ferme",   "Studio"};
const char* const kEmotions[] = {"joie",  "fierte",   "curiosite", "stress",
                                 "ennui", "surprise", "confiance", "doute"};
const char* const kCompetencies[] = {"C1.1", "C1.2", "C1.3", "C1.4", "C2.1", "C2.2",
                                     "C2.3", "C2.4", "C3.1", "C3.2", "C3.3", "C3.4",
                                     "C4.1", "C4.2", "C4.3", "C4.4"};
const char* const kStatuses[] = {"brouillon", "soumis", "valide", "archive"};

// mulberry32 as in workload.mjs (JS int32 arithmetic is uint32 arithmetic mod 2^32).
class Rng {
 public:
  explicit Rng(uint32_t seed) : a_(seed) {}
  double next() {
    a_ += 0x6D2B79F5u;
    uint32_t t = (a_ ^ (a_ >> 15)) * (1u | a_);
    t = (t + (t ^ (t >> 7)) * (61u | t)) ^ t;
    return static_cast<double>(t ^ (t >> 14)) / 4294967296.0;
  }
  // Math.floor(rng() * n)
  size_t below(size_t n) { return static_cast<size_t>(next() * static_cast<double>(n)); }
  template <size_t N>
  const char* pick(const char* const (&arr)[N]) {
    return arr[below(N)];
  }

 private:
  uint32_t a_;
};

std::string title(Rng& rng) {
  size_t n = 3 + rng.below(4);
  std::string s;
  for (size_t i = 0; i < n; ++i) s += (i ? " " : "") + std::string(rng.pick(kWords));
  s[0] = static_cast<char>(s[0] - 'a' + 'A');  // the words are lower-case ASCII
  return s;
}

std::string text(Rng& rng) {
  size_t target = 180 + rng.below(41);
  std::string s = rng.pick(kWords);
  while (s.size() < target) s += std::string(" ") + rng.pick(kWords);
  return s.substr(0, target);
}

std::string date(Rng& rng) {
  size_t y = 2022 + rng.below(5);
  size_t m = 1 + rng.below(12);
  size_t d = 1 + rng.below(28);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%zu-%02zu-%02zu", y, m, d);
  return buf;
}

std::string place(Rng& rng) {
  std::string city = rng.pick(kCities);  // first: the order of the calls is the workload
  return city + " - " + rng.pick(kSites);
}

std::string tags(Rng& rng) {
  size_t n = 1 + rng.below(4);
  std::vector<std::string> chosen;
  while (chosen.size() < n) {
    std::string c = rng.pick(kCompetencies);
    bool seen = false;
    for (const std::string& x : chosen) seen = seen || x == c;
    if (!seen) chosen.push_back(c);
  }
  std::string s;
  for (const std::string& c : chosen) s += (s.empty() ? "" : ",") + c;
  return s;
}

std::string value(int field, Rng& rng) {
  switch (field) {
    case 0:
      return title(rng);
    case 1:
      return text(rng);
    case 2:
      return rng.pick(kKinds);
    case 3:
      return date(rng);
    case 4:
      return place(rng);
    case 5:
      return rng.pick(kEmotions);
    case 6:
      return tags(rng);
    default:
      return rng.pick(kStatuses);
  }
}

uint32_t fnv1a(const std::string& s, uint32_t h) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x01000193u;
  }
  return h;
}

std::string record_id(size_t r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "rec%06zu", r);
  return buf;
}

}  // namespace

Workload make_workload(int records, int updates_per_replica, uint32_t seed) {
  Workload w;
  w.R = records;
  w.U = updates_per_replica;
  w.seed = seed;
  w.fields = {"title", "text", "kind", "date", "place", "emotion", "tags", "status"};
  Rng rng0(seed);
  w.init.assign(static_cast<size_t>(w.R), std::vector<std::string>(8));
  for (auto& row : w.init)
    for (int f = 0; f < w.F; ++f) row[static_cast<size_t>(f)] = value(f, rng0);
  for (int k = 0; k < w.K; ++k) {
    Rng rng(seed + 0x9E3779B9u * static_cast<uint32_t>(k + 1));
    std::vector<Update> ops(static_cast<size_t>(w.U));
    for (Update& u : ops) {
      u.record = static_cast<uint32_t>(rng.below(static_cast<size_t>(w.R)));
      u.field = static_cast<uint8_t>(rng.below(static_cast<size_t>(w.F)));
      u.value = value(u.field, rng);
    }
    w.ops.push_back(std::move(ops));
  }
  return w;
}

std::string workload_digest(const Workload& w) {
  uint32_t h = fnv1a(
      fmt("# peers-workload v1 R=%d F=%d K=%d U=%d seed=%u fields=", w.R, w.F, w.K, w.U, w.seed),
      0x811c9dc5u);
  for (size_t f = 0; f < w.fields.size(); ++f) h = fnv1a((f ? "," : "") + w.fields[f], h);
  h = fnv1a("\n", h);
  for (size_t r = 0; r < w.init.size(); ++r)
    for (size_t f = 0; f < w.fields.size(); ++f)
      h = fnv1a(fmt("I\t0\t%zu\t", r * w.fields.size() + f) + record_id(r) + "\t" + w.fields[f] +
                    "\t0\t" + w.init[r][f] + "\n",
                h);
  for (size_t k = 0; k < w.ops.size(); ++k)
    for (size_t i = 0; i < w.ops[k].size(); ++i) {
      const Update& u = w.ops[k][i];
      size_t ts = i * static_cast<size_t>(w.K) + k + 1;
      h = fnv1a(fmt("U\t%zu\t%zu\t", k, i) + record_id(u.record) + "\t" + w.fields[u.field] +
                    fmt("\t%zu\t", ts) + u.value + "\n",
                h);
    }
  return fmt("%08x", h);
}

}  // namespace bench::peer
