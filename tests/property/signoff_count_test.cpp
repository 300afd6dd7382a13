// Model-based: random sequences of sign-offs, edits and revocations against an independent
// model of which sign-offs count for a placement's hours (signoff_count.hpp). The model knows
// nothing of hashes or stamps: an entry has a version; a sign-off remembers the versions it
// signed; a newer sign-off of the same day covering at least the same entries, not revoked,
// replaces it. Reproduce a failure with WERKEX_SEED=<seed>.
#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "../unit/signoff_world.hpp"
#include "werkex/signoff_count.hpp"

using namespace werkex;
using test::expect_ok;

namespace {

struct ModelSignoff {
  std::string id, day;
  std::set<std::string> covers;
  std::map<std::string, int> signed_versions;
  double hours = 0;
  bool revoked = false;
};

struct Model {
  std::map<std::string, int> version;
  std::vector<ModelSignoff> signoffs;  // in signing order

  bool stale(const ModelSignoff& s) const {
    for (const auto& [entry, v] : s.signed_versions)
      if (version.at(entry) != v) return true;
    return false;
  }
  std::string state(size_t i) const {
    const ModelSignoff& s = signoffs[i];
    if (s.revoked) return "revoked";
    for (size_t j = i + 1; j < signoffs.size(); ++j) {
      const ModelSignoff& t = signoffs[j];
      if (!t.revoked && t.day == s.day &&
          std::includes(t.covers.begin(), t.covers.end(), s.covers.begin(), s.covers.end()))
        return "superseded";
    }
    return stale(s) ? "stale" : "valid";
  }
  double hours() const {
    double h = 0;
    for (size_t i = 0; i < signoffs.size(); ++i)
      if (state(i) == "valid") h += signoffs[i].hours;
    return h;
  }
};

uint64_t seed_of() {
  if (const char* s = std::getenv("WERKEX_SEED")) return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

}  // namespace

TEST_CASE("property: a placement's hours count each signed day once, as the model says",
          "[property][signoff]") {
  const uint64_t seed = seed_of();
  INFO("WERKEX_SEED=" << seed);
  std::mt19937_64 rng(seed);
  for (int run = 0; run < 4; ++run) {
    test::SignoffWorld w;
    Model m;
    const std::vector<std::string> entries = {w.exp1, w.exp2, w.activity};
    for (const std::string& e : entries) m.version[e] = 0;
    const char* days[] = {"2026-11-29", "2026-11-30"};
    for (int step = 0; step < 14; ++step) {
      w.clock.advance(1000);
      int op = static_cast<int>(rng() % 6);
      if (op <= 2) {  // Ans signs a random part of the work for a day
        std::vector<std::string> covers;
        for (const std::string& e : entries)
          if (rng() % 2) covers.push_back(e);
        if (covers.empty()) covers.push_back(entries[rng() % entries.size()]);
        Statement st = w.day(days[rng() % 2]);
        st.hours = static_cast<double>(1 + rng() % 8);
        test::send(*w.pupil, *w.ans);
        ModelSignoff s{expect_ok(Signoffs(*w.ans).sign(covers, st)),
                       st.date,
                       {covers.begin(), covers.end()},
                       {},
                       *st.hours,
                       false};
        for (const std::string& e : covers) s.signed_versions[e] = m.version[e];
        m.signoffs.push_back(std::move(s));
        test::send(*w.ans, *w.pupil);
      } else if (op <= 4) {  // Sem edits an entry
        const std::string& e = entries[rng() % entries.size()];
        int v = ++m.version[e];
        const char* field = e == w.activity ? "title" : "note";
        expect_ok(w.pupil->put({{"id", e}, {field, "versie " + std::to_string(v)}}));
      } else if (!m.signoffs.empty()) {  // Ans revokes one
        ModelSignoff& s = m.signoffs[rng() % m.signoffs.size()];
        if (s.revoked) continue;
        test::send(*w.pupil, *w.ans);
        expect_ok(Signoffs(*w.ans).revoke(s.id, "verkeerde dag"));
        s.revoked = true;
        test::send(*w.ans, *w.pupil);
      }
      INFO("run " << run << " step " << step);
      std::set<std::string> counting_model;
      for (size_t i = 0; i < m.signoffs.size(); ++i) {
        INFO("sign-off " << i << " of " << m.signoffs[i].day);
        CHECK(test::state_of(*w.pupil, m.signoffs[i].id) == m.state(i));
        if (m.state(i) == "valid") counting_model.insert(m.signoffs[i].id);
      }
      auto counting = expect_ok(counting_signoffs(*w.pupil, w.placement));
      CHECK(std::set<std::string>(counting.begin(), counting.end()) == counting_model);
      CHECK(expect_ok(placement_hours(*w.pupil, w.placement)) == m.hours());
    }
  }
}
