// The career-dossier API: the cycle of handvat 12 as operations, over a Replica.
//
//   next_step → activity (with its why) → preparation → experiences → reflection → next_step
//
// Each operation creates one entity through Replica::put (so the schema, the roles and the
// reference rules apply), plus the rules that span entities: a preparation and an experience
// belong to an activity of the same pupil; a reflection covers at least one experience of the
// same pupil; a next step comes out of a reflection, and when it becomes an activity both are
// linked. `extra` carries any further schema fields of the entity (e.g. "competencies").
// cycle() derives, from what is stored, which phases an activity has reached.
//
// Staff write with the pupil (issue 13, "conversation roles"): an entry a mentor, the
// counsellor or a supervisor records goes into the dossier of what it builds on (the
// activity prepared, the experiences reflected on) unless `extra` names a "bucket"; they
// are named as conversation partner (with_whom, held_on today) and, on a reflection, as
// held_by. An activity a mentor or the counsellor plans is assigned (chosen_by_pupil false,
// assigned_by the writer), which puts it on the pupil's to-do list.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "werkex/store.hpp"

namespace werkex {

struct ActivityPlan {
  std::string kind;  // activity_kind: meeloopdag, snuffelstage, interview, …
  std::string title;
  std::string builds_on;       // why: what it builds on
  std::string expected_yield;  // why: what the pupil expects to get from it
  std::string use_of_yield;    // why: how the yield will be used
  std::string from_next_step;  // the next step that led to it (optional)
  bool chosen_by_pupil = true;
  json extra = json::object();
};

struct PreparationDraft {
  std::string activity;
  std::string known_about_self, known_about_work, want_to_find_out, learning_goals;
  std::vector<std::string> learning_verbs;  // leren, oefenen, uitproberen, laten_zien
  json extra = json::object();
};

struct ExperienceDraft {
  std::string activity;     // empty: it happened unplanned; link it later (link_experience)
  std::string occurred_at;  // RFC 3339; empty: now
  std::string note;
  std::string emotion;              // trots, boos, geraakt, nieuwsgierig, onzeker, …
  std::vector<std::string> photos;  // blob hashes
  json extra = json::object();      // observed_goals, observed_interaction, role_model, …
};

struct ReflectionDraft {
  std::vector<std::string> experiences;
  std::vector<std::string> with_whom;           // reflection_partner
  std::vector<std::string> qualities, motives;  // kwaliteiten, motieven
  std::string red_thread;
  std::vector<std::string> conversation_rules;
  json extra = json::object();
};

struct NextStepDraft {
  std::string reflection;
  std::string description;
  std::string action;                  // next_step_action
  std::vector<std::string> direction;  // verbreden, verdiepen, verbinden
  json extra = json::object();
};

// Where one activity stands in the cycle; or, with `activity` empty, the experiences that
// happened without one ("je elk moment overkomen": kind "unplanned", never prepared).
struct CyclePhase {
  std::string activity;    // "" for the unplanned experiences
  std::string kind;        // the activity's kind, or "unplanned"
  std::string title;       // the activity's title ("" for none and for the unplanned)
  std::string pupil;       // whose dossier: the pupil's person id
  std::string pupil_name;  // and name, "" when this device does not hold the pupil's person
  bool prepared = false;
  size_t experiences = 0;
  std::vector<std::string> experience_ids;
  bool reflected = false;
  bool next_step_chosen = false;
  // The best status among the sign-offs covering the activity or its experiences: valid,
  // pending, stale, refused, invalid, revoked (in that order of preference); "" for none.
  std::string signoff;
  bool signed_off = false;  // signoff == "valid": a pending or stale one does not count
  json to_json() const;     // activity is null for the unplanned experiences
};

class Dossier {
 public:
  explicit Dossier(Replica& replica) : replica_(replica) {}

  Result<std::string> plan_activity(const ActivityPlan& plan);
  Result<std::string> prepare(const PreparationDraft& draft);
  Result<std::string> record_experience(const ExperienceDraft& draft);
  Result<std::string> reflect(const ReflectionDraft& draft);
  Result<std::string> choose_next_step(const NextStepDraft& draft);
  Result<std::string> add_contact(const std::string& name, json extra = json::object());
  // A comment on `on`, in the dossier `on` lives in; `on` may be a comment (a reply: staff
  // answer pupils and pupils answer staff, on their own dossier only). written_at is set
  // from this replica's clock.
  Result<std::string> comment(const std::string& on, const std::string& body);

  // Where the activity stands in the cycle, derived from the stored entities.
  Result<CyclePhase> cycle(const std::string& activity);
  // Every activity of a dossier bucket (empty: this replica's own), oldest first, then one
  // phase for the experiences without an activity, if there are any.
  Result<std::vector<CyclePhase>> cycles(const std::string& bucket = "");
  // Links an experience recorded without an activity (or with another) to `activity` of the
  // same dossier: WX_INVALID_ARGUMENT when either is not what it says.
  Status link_experience(const std::string& experience, const std::string& activity);

 private:
  void name_pupil(const std::string& bucket, CyclePhase& c) const;
  Status follow_experiences(const std::string& bucket, const std::vector<json>& experiences,
                            CyclePhase& phase);
  Result<std::string> create(const std::string& type, json fields, const json& extra);
  // This replica's user when it is a person on the replica (refs must resolve), else "".
  std::string writer_person() const;
  void in_bucket_of(const std::string& ref, json& doc, const json& extra) const;
  void held_with(json& doc, const json& extra, bool held_by) const;
  Replica& replica_;
};

}  // namespace werkex
