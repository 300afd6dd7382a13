// A small school for sign-off tests: the roster made as the server makes it (an admin and a
// counsellor replica write persons, a company, a placement and the supervisors' signing
// keys), then handed to the pupil's and supervisors' phones as bundles.
#pragma once

#include "test_support.hpp"
#include "werkex/signoff.hpp"
#include "werkex/signoff_flow.hpp"

namespace werkex::test {

inline void exchange(Replica& a, Replica& b) {
  expect_ok(b.apply(expect_ok(a.changes_since(0))));
  expect_ok(a.apply(expect_ok(b.changes_since(0))));
}

inline void send(Replica& from, Replica& to) {
  expect_ok(to.apply(expect_ok(from.changes_since(0))));
}

inline std::string state_of(const Replica& r, const std::string& signoff) {
  return signoff_state_name(expect_ok(signoff_status(r, signoff)).state);
}

struct SignoffWorld {
  TempDir dir;
  ManualClockSource clock{kStartMillis};  // 2026-11-30T08:53:20Z
  std::unique_ptr<Replica> school;        // the server's roster writes (admin, counsellor)
  std::unique_ptr<Replica> pupil, ans;    // Ans supervises the placement
  std::string pupil_id, ans_id, bert_id, placement, ans_key_entity;
  SigningKey ans_key, bert_key;  // Bert supervises elsewhere
  std::string activity, exp1, exp2;

  explicit SignoffWorld(bool keys_on_pupil = true) {
    school = open_replica(dir.file("school.db"), clock,
                          role_identity("admin", "", "0190a000-0000-7000-8000-0000000000ad"));
    std::string s = expect_ok(school->put({{"type", "school"}, {"name", "Vmbo De Brug"}}));
    auto person = [&](const char* name, const char* role) {
      return expect_ok(
          school->put({{"type", "person"}, {"name", name}, {"role", role}, {"school", s}}));
    };
    pupil_id = person("Sem", "pupil");
    ans_id = person("Ans", "supervisor");
    bert_id = person("Bert", "supervisor");
    ans_key = expect_ok(generate_signing_key());
    bert_key = expect_ok(generate_signing_key());
    ans_key_entity = register_key(ans_id, ans_key);
    register_key(bert_id, bert_key);
    expect_ok(school->set_identity(
        role_identity("counsellor", "", "0190a000-0000-7000-8000-0000000000c0")));
    std::string company = expect_ok(school->put({{"type", "company"}, {"name", "Bakkerij"}}));
    placement = expect_ok(school->put({{"type", "placement"},
                                       {"pupil", pupil_id},
                                       {"company", company},
                                       {"supervisor", ans_id},
                                       {"start_date", "2026-11-01"},
                                       {"end_date", "2026-12-01"},
                                       {"kind", "snuffelstage"}}));
    pupil = open_replica(dir.file("pupil.db"), clock, pupil_identity(pupil_id));
    ans = open_replica(dir.file("ans.db"), clock,
                       role_identity("supervisor", "pupil:" + pupil_id, ans_id));
    expect_ok(ans->set_setting("signing.secret_key", ans_key.secret_key));
    expect_ok(ans->set_setting("signing.key_id", ans_key.key_id));
    send(*school, *ans);
    if (keys_on_pupil) {
      send(*school, *pupil);
    } else {
      // Everything but the signing keys reaches the pupil's phone.
      Bundle roster = expect_ok(school->changes_since(0));
      Bundle without_keys = roster;
      without_keys.changes.clear();
      for (const Change& c : roster.changes)
        if (c.type != "signing_key") without_keys.changes.push_back(c);
      expect_ok(pupil->apply(without_keys));
    }
    activity = expect_ok(pupil->put({{"type", "activity"},
                                     {"kind", "snuffelstage"},
                                     {"title", "Een dag in de bakkerij"},
                                     {"placement", placement}}));
    exp1 = expect_ok(pupil->put({{"type", "experience"},
                                 {"activity", activity},
                                 {"occurred_at", "2026-11-30T08:30:00Z"},
                                 {"note", "Deeg gekneed"},
                                 {"competencies", {"werkexploratie"}}}));
    exp2 = expect_ok(pupil->put({{"type", "experience"},
                                 {"activity", activity},
                                 {"occurred_at", "2026-11-30T07:00:00Z"},
                                 {"note", "Klanten geholpen"}}));
  }

  std::string register_key(const std::string& person, const SigningKey& key) {
    auto who = school->identity();
    expect_ok(
        school->set_identity(role_identity("admin", "", "0190a000-0000-7000-8000-0000000000ad")));
    std::string id = expect_ok(school->put({{"type", "signing_key"},
                                            {"person", person},
                                            {"public_key", key.public_key},
                                            {"key_id", key.key_id},
                                            {"registered_at", "2026-11-01T09:00:00Z"}}));
    if (!who.role.empty()) expect_ok(school->set_identity(who));
    return id;
  }

  Statement day(std::string date = "2026-11-30") {
    Statement st;
    st.date = std::move(date);
    st.hours = 6;
    st.attendance = "aanwezig";
    st.assessment = "Werkt netjes en vraagt goed door.";
    return st;
  }

  // Ans signs both experiences on her phone (online form) after receiving the dossier.
  std::string signed_by_ans() {
    send(*pupil, *ans);
    return expect_ok(Signoffs(*ans).sign({exp1, exp2}, day()));
  }
};

}  // namespace werkex::test
