// A school's server store for the export tests: one Replica as the server keeps dossiers.db,
// written under the identities that write each part in real life (set_identity): the admin
// (roster, signing keys), the counsellor (company, placement), the pupil (the cycle, photos),
// the mentor (a comment), the supervisor (a key sign-off, as werkex/signoff_flow.hpp makes
// it). Photo bytes go to <dir>/blobs/<first 2 hex>/<sha> like the server's BlobStore.
#pragma once

#include <filesystem>
#include <fstream>

#include "test_images.hpp"
#include "test_support.hpp"
#include "werkex/blob_store.hpp"
#include "werkex/dossier.hpp"
#include "werkex/signoff.hpp"
#include "werkex/signoff_flow.hpp"

namespace werkex::test {

// The ids of one pupil's full dossier (build_dossier).
struct FullDossier {
  std::string pupil, activity, preparation, exp1, exp2, reflection, next_step, activity2;
  std::string comment, signoff, contact;
  std::string photo_exif, photo_png, photo_others;  // sha256 of each
};

struct ExportWorld {
  TempDir dir;
  ManualClockSource clock{kStartMillis};
  std::unique_ptr<Replica> db;
  std::string blob_dir = dir.file("blobs"), out_dir = dir.file("out");
  std::string admin = "0190a000-0000-7000-8000-0000000000ad";
  std::string counsellor = "0190a000-0000-7000-8000-0000000000c0";
  std::string school, group, group_b, teacher, ans, company;
  SigningKey ans_key;

  explicit ExportWorld(bool durable = true) {
    db = open_replica(dir.file("dossiers.db"), clock, as("admin", "", admin), durable);
    school = put({{"type", "school"}, {"name", "Vmbo De Brug"}, {"brin", "12AB"}});
    teacher = person("Mevr. Jansen", "teacher");
    ans = person("Ans de Vries", "supervisor");
    group = put({{"type", "group"}, {"name", "3KB-a"}, {"school", school}, {"mentors", {teacher}}});
    group_b = put({{"type", "group"}, {"name", "3KB-b"}, {"school", school}});
    ans_key = expect_ok(generate_signing_key());
    put({{"type", "signing_key"},
         {"person", ans},
         {"public_key", ans_key.public_key},
         {"key_id", ans_key.key_id},
         {"registered_at", "2026-11-01T09:00:00Z"}});
    expect_ok(db->set_identity(as("counsellor", "", counsellor)));
    company = put({{"type", "company"}, {"name", "Bakkerij De Korenaar"}, {"sector", "food"}});
  }

  static Identity as(const std::string& role, const std::string& bucket, const std::string& user) {
    return Identity{user, role, bucket, "school:demo"};
  }
  std::string put(const json& doc) { return expect_ok(db->put(doc)); }
  std::string person(const std::string& name, const std::string& role) {
    expect_ok(db->set_identity(as("admin", "", admin)));
    return put({{"type", "person"}, {"name", name}, {"role", role}, {"school", school}});
  }
  std::string add_pupil(const std::string& name, const std::string& in_group) {
    std::string id = person(name, "pupil");
    put({{"id", id}, {"groups", {in_group}}});
    return id;
  }
  std::string add_placement(const std::string& pupil) {
    expect_ok(db->set_identity(as("counsellor", "", counsellor)));
    return put({{"type", "placement"},
                {"pupil", pupil},
                {"company", company},
                {"supervisor", ans},
                {"start_date", "2026-11-01"},
                {"end_date", "2026-12-01"},
                {"kind", "snuffelstage"}});
  }
  void as_pupil(const std::string& pupil) {
    expect_ok(db->set_identity(as("pupil", "pupil:" + pupil, pupil)));
  }

  // Stores the bytes as the server's blob file and the pupil's blob entity attached to `on`.
  std::string add_photo(const std::string& pupil, const std::string& on, const std::string& bytes,
                        const std::string& mime, const std::string& caption,
                        bool shows_others = false) {
    std::string sha = sha256_hex(bytes);
    std::filesystem::create_directories(blob_dir + "/" + sha.substr(0, 2));
    std::ofstream(blob_dir + "/" + sha.substr(0, 2) + "/" + sha, std::ios::binary) << bytes;
    as_pupil(pupil);
    json blob = {
        {"type", "blob"},    {"sha256", sha},      {"size", bytes.size()},        {"mime", mime},
        {"attached_to", on}, {"caption", caption}, {"shows_others", shows_others}};
    put(blob);
    return sha;
  }

  // The cycle of handvat 12 twice over, a contact, a mentor's comment, photos and Ans's key
  // sign-off of the two experiences (6 hours).
  FullDossier build_dossier(const std::string& pupil, bool with_photos = true);
  // The parts of build_dossier: the first activity to its experiences (with photos), then
  // the reflection, next step and second activity; then the comment and sign-off.
  void first_experiences(FullDossier& d, bool with_photos);
  void reflect_and_step(FullDossier& d);
  void comment_and_sign(FullDossier& d);
  // Five small JPEG photos on one experience (the benchmark's dossier).
  void add_small_photos(const std::string& pupil, const std::string& on, int count, int seed);
};

inline FullDossier ExportWorld::build_dossier(const std::string& pupil, bool with_photos) {
  FullDossier d;
  d.pupil = pupil;
  first_experiences(d, with_photos);
  reflect_and_step(d);
  comment_and_sign(d);
  return d;
}

inline void ExportWorld::first_experiences(FullDossier& d, bool with_photos) {
  const std::string& pupil = d.pupil;
  std::string placement = add_placement(pupil);
  as_pupil(pupil);
  Dossier dossier(*db);
  ActivityPlan plan;
  plan.kind = "snuffelstage";
  plan.title = "Een dag in de bakkerij";
  plan.builds_on = "Ik bak thuis graag";
  plan.expected_yield = "Weten of ik vroeg op kan";
  plan.use_of_yield = "Kiezen tussen bakkerij en horeca";
  plan.extra = {{"placement", placement},
                {"planned_date", "2026-11-30"},
                {"competencies", {"werkexploratie"}}};
  d.activity = expect_ok(dossier.plan_activity(plan));
  PreparationDraft prep;
  prep.activity = d.activity;
  prep.known_about_self = "Ik ben precies";
  prep.want_to_find_out = "Hoe vroeg begint de dag?";
  prep.learning_goals = "Zelf brood vormen";
  prep.learning_verbs = {"leren", "uitproberen"};
  d.preparation = expect_ok(dossier.prepare(prep));
  ExperienceDraft e;
  e.activity = d.activity;
  e.occurred_at = "2026-11-30T08:30:00Z";
  e.note = "Deeg gekneed <script>alert(1)</script> & \"gevormd\"";
  e.emotion = "trots";
  e.extra = {{"competencies", {"werkexploratie"}}};
  d.exp1 = expect_ok(dossier.record_experience(e));
  e.occurred_at = "2026-11-30T12:00:00Z";
  e.note = "Klanten geholpen";
  e.emotion = "nieuwsgierig";
  e.extra = json::object();
  d.exp2 = expect_ok(dossier.record_experience(e));
  if (with_photos) {
    d.photo_exif =
        add_photo(pupil, d.exp1, make_jpeg(400, 300, 1, true), "image/jpeg", "Mijn eerste brood");
    d.photo_png = add_photo(pupil, d.exp1, make_png(120, 90, 2), "image/png", "De oven");
    d.photo_others =
        add_photo(pupil, d.exp1, make_jpeg(200, 150, 3), "image/jpeg", "Met het hele team", true);
    as_pupil(pupil);
    put({{"id", d.exp1}, {"photos", {d.photo_exif, d.photo_png, d.photo_others}}});
  }
}

inline void ExportWorld::reflect_and_step(FullDossier& d) {
  as_pupil(d.pupil);
  Dossier dossier(*db);
  ReflectionDraft refl;
  refl.experiences = {d.exp1, d.exp2};
  refl.with_whom = {"mentor"};
  refl.qualities = {"nauwkeurig"};
  refl.motives = {"samenwerken"};
  refl.red_thread = "Ik werk graag met mijn handen";
  refl.conversation_rules = {"ruimte_geven", "inzoomen"};
  refl.extra = {{"competencies", {"kwaliteitenreflectie"}}, {"held_on", "2026-12-02"}};
  d.reflection = expect_ok(dossier.reflect(refl));
  NextStepDraft step;
  step.reflection = d.reflection;
  step.description = "Een dag meelopen bij een garage";
  step.action = "uitproberen";
  d.next_step = expect_ok(dossier.choose_next_step(step));
  ActivityPlan next;
  next.kind = "meeloopdag";
  next.title = "Meelopen bij Garage Smit";
  next.from_next_step = d.next_step;
  next.extra = {{"planned_date", "2027-01-15"}};
  d.activity2 = expect_ok(dossier.plan_activity(next));
}

inline void ExportWorld::comment_and_sign(FullDossier& d) {
  const std::string& pupil = d.pupil;
  as_pupil(pupil);
  Dossier dossier(*db);
  d.contact = expect_ok(dossier.add_contact("Piet Smit", {{"role", "monteur"}}));
  expect_ok(db->set_identity(as("teacher", "pupil:" + pupil, teacher)));
  d.comment = expect_ok(Dossier(*db).comment(d.exp1, "Mooi gedaan, vertel er meer over!"));
  expect_ok(db->set_identity(as("supervisor", "pupil:" + pupil, ans)));
  expect_ok(db->set_setting("signing.secret_key", ans_key.secret_key));
  expect_ok(db->set_setting("signing.key_id", ans_key.key_id));
  Statement st;
  st.date = "2026-11-30";
  st.hours = 6;
  st.attendance = "aanwezig";
  st.assessment = "Werkt netjes en vraagt goed door.";
  d.signoff = expect_ok(Signoffs(*db).sign({d.exp1, d.exp2}, st));
}

inline void ExportWorld::add_small_photos(const std::string& pupil, const std::string& on,
                                          int count, int seed) {
  std::vector<std::string> shas;
  for (int i = 0; i < count; ++i)
    shas.push_back(add_photo(pupil, on, make_jpeg(800, 600, seed * 10 + i, i == 0), "image/jpeg",
                             "Foto " + std::to_string(i + 1)));
  as_pupil(pupil);
  put({{"id", on}, {"photos", shas}});
}

}  // namespace werkex::test
