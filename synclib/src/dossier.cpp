#include "werkex/dossier.hpp"

#include <algorithm>
#include <ctime>

#include "werkex/ids.hpp"
#include "werkex/messages.hpp"
#include "werkex/people.hpp"
#include "werkex/signoff.hpp"

namespace werkex {

namespace {

void set_if(json& doc, const char* key, const std::string& v) {
  if (!v.empty()) doc[key] = v;
}

void set_if(json& doc, const char* key, const std::vector<std::string>& v) {
  if (!v.empty()) doc[key] = v;
}

bool is_staff_writer(const std::string& role) {
  return role == "teacher" || role == "counsellor" || role == "supervisor";
}

// The conversation partner (reflection_partner) a staff role is.
const char* partner_of(const std::string& role) {
  if (role == "teacher") return "mentor";
  if (role == "counsellor") return "decaan";
  if (role == "supervisor") return "praktijkbegeleider";
  return "";
}

// Lower is better: the status a cycle shows when several sign-offs cover it.
int signoff_rank(const std::string& state) {
  // superseded: a newer sign-off of the same day covers the same entries and ranks itself.
  static const char* const order[] = {"valid",   "pending",    "stale",  "refused",
                                      "invalid", "superseded", "revoked"};
  for (int i = 0; i < 7; ++i)
    if (state == order[i]) return i;
  return 7;
}

}  // namespace

json CyclePhase::to_json() const {
  return {{"activity", activity.empty() ? json() : json(activity)},
          {"title", title},
          {"pupil", pupil},
          {"pupil_name", pupil_name},
          {"kind", kind},
          {"prepared", prepared},
          {"experiences", experiences},
          {"experience_ids", experience_ids},
          {"reflected", reflected},
          {"next_step_chosen", next_step_chosen},
          {"signoff", signoff},
          {"signed_off", signed_off}};
}

Result<std::string> Dossier::create(const std::string& type, json fields, const json& extra) {
  if (!extra.is_object())
    return error_of(WX_INVALID_ARGUMENT, Msg::extra_not_object, {{"type", type}});
  for (auto& [k, v] : extra.items()) {
    if (fields.contains(k))
      return error_of(WX_INVALID_ARGUMENT, Msg::field_given_twice, {{"type", type}, {"field", k}});
    fields[k] = v;
  }
  fields["type"] = type;
  return replica_.put(fields);
}

std::string Dossier::writer_person() const {
  const std::string& me = replica_.identity().user;
  if (!is_valid_entity_id(me)) return "";
  auto person = replica_.get(me);
  return person && person->value("type", "") == "person" ? me : "";
}

// What staff write in a pupil's dossier goes where the entry it builds on lives (a mentor's
// replica has no dossier of its own); `ref` is that entry's id.
void Dossier::in_bucket_of(const std::string& ref, json& doc, const json& extra) const {
  if (!is_staff_writer(replica_.identity().role) || extra.contains("bucket") || ref.empty()) return;
  auto target = replica_.get(ref);
  if (target && target->contains("bucket")) doc["bucket"] = (*target)["bucket"];
}

// The staff member who holds the conversation is its partner: added to with_whom (unless the
// caller gives with_whom in `extra`), held_on today and, on a reflection, held_by.
void Dossier::held_with(json& doc, const json& extra, bool held_by) const {
  const std::string& role = replica_.identity().role;
  if (!is_staff_writer(role)) return;
  if (!extra.contains("with_whom")) {
    json with = doc.value("with_whom", json::array());
    if (std::find(with.begin(), with.end(), partner_of(role)) == with.end())
      with.push_back(partner_of(role));
    doc["with_whom"] = with;
  }
  if (!extra.contains("held_on"))
    doc["held_on"] = rfc3339_utc(replica_.clock().physical_millis()).substr(0, 10);
  const std::string me = writer_person();
  if (held_by && !me.empty() && !extra.contains("held_by")) doc["held_by"] = me;
}

Result<std::string> Dossier::plan_activity(const ActivityPlan& p) {
  // An activity a mentor or the counsellor plans in a pupil's dossier is assigned, whatever
  // the caller says: the pupil's to-do list then asks the pupil to prepare it.
  const std::string& role = replica_.identity().role;
  const bool assigned = role == "teacher" || role == "counsellor";
  json doc = {{"kind", p.kind}, {"chosen_by_pupil", assigned ? false : p.chosen_by_pupil}};
  if (assigned && !p.extra.contains("assigned_by")) set_if(doc, "assigned_by", writer_person());
  if (assigned) in_bucket_of(p.from_next_step, doc, p.extra);
  set_if(doc, "title", p.title);
  set_if(doc, "builds_on", p.builds_on);
  set_if(doc, "expected_yield", p.expected_yield);
  set_if(doc, "use_of_yield", p.use_of_yield);
  set_if(doc, "from_next_step", p.from_next_step);
  std::string id;
  // One transaction: the activity and the next step's back link commit together or not at
  // all, so a kill (or a refused link) never leaves one without the other.
  WX_RETURN_IF_ERROR(replica_.write_together([&]() -> Status {
    WX_ASSIGN_OR_RETURN(id, create("activity", doc, p.extra));
    // The next step has now become this activity: link it back, so the chain reads both ways.
    if (p.from_next_step.empty()) return Status::ok();
    return replica_.put({{"id", p.from_next_step}, {"became_activity", id}}).status();
  }));
  return id;
}

Result<std::string> Dossier::prepare(const PreparationDraft& d) {
  json doc = {{"activity", d.activity}};
  set_if(doc, "known_about_self", d.known_about_self);
  set_if(doc, "known_about_work", d.known_about_work);
  set_if(doc, "want_to_find_out", d.want_to_find_out);
  set_if(doc, "learning_goals", d.learning_goals);
  set_if(doc, "learning_verbs", d.learning_verbs);
  in_bucket_of(d.activity, doc, d.extra);
  held_with(doc, d.extra, false);
  return create("preparation", doc, d.extra);
}

Result<std::string> Dossier::record_experience(const ExperienceDraft& d) {
  json doc = {{"occurred_at", d.occurred_at.empty()
                                  ? rfc3339_utc(replica_.clock().physical_millis())
                                  : d.occurred_at}};
  set_if(doc, "activity", d.activity);
  set_if(doc, "note", d.note);
  set_if(doc, "emotion", d.emotion);
  set_if(doc, "photos", d.photos);
  return create("experience", doc, d.extra);
}

Result<std::string> Dossier::reflect(const ReflectionDraft& d) {
  if (d.experiences.empty()) return error_of(WX_INVALID_ARGUMENT, Msg::reflect_needs_experience);
  json doc = {{"experiences", d.experiences}};
  set_if(doc, "with_whom", d.with_whom);
  set_if(doc, "qualities", d.qualities);
  set_if(doc, "motives", d.motives);
  set_if(doc, "red_thread", d.red_thread);
  set_if(doc, "conversation_rules", d.conversation_rules);
  in_bucket_of(d.experiences.front(), doc, d.extra);
  held_with(doc, d.extra, true);
  return create("reflection", doc, d.extra);
}

Result<std::string> Dossier::choose_next_step(const NextStepDraft& d) {
  json doc = {{"reflection", d.reflection}, {"description", d.description}};
  set_if(doc, "action", d.action);
  set_if(doc, "direction", d.direction);
  in_bucket_of(d.reflection, doc, d.extra);
  return create("next_step", doc, d.extra);
}

Result<std::string> Dossier::add_contact(const std::string& name, json extra) {
  // A contact is someone to reach again: without a name there is nobody to find.
  if (name.empty()) return error_of(WX_INVALID_ARGUMENT, Msg::contact_needs_name);
  return create("contact", {{"name", name}}, extra);
}

Result<std::string> Dossier::comment(const std::string& on, const std::string& body) {
  // A comment lives in the dossier of what it comments on (staff comment in pupils' buckets).
  auto target = replica_.get(on);
  if (!target) {
    if (target.error().code == WX_NOT_FOUND)
      return error_of(WX_INVALID_ARGUMENT, Msg::comment_target_missing, {{"id", on}});
    return target.error();
  }
  // written_at is the writing replica's time, never the caller's: a reply cannot be dated
  // before what it answers, and the dialogue reads in the order it was held.
  json doc = {
      {"on", on}, {"body", body}, {"written_at", rfc3339_utc(replica_.clock().physical_millis())}};
  if (target->contains("bucket")) doc["bucket"] = (*target)["bucket"];
  // The author is a person of the roster; a replica without the roster leaves it out.
  set_if(doc, "author", writer_person());
  return create("comment", doc, json::object());
}

// Whose dossier `bucket` is, by id and by name (staff see several pupils' cycles).
void Dossier::name_pupil(const std::string& bucket, CyclePhase& c) const {
  constexpr std::string_view kPrefix = "pupil:";
  if (bucket.rfind(kPrefix, 0) != 0) return;
  c.pupil = bucket.substr(kPrefix.size());
  c.pupil_name = person_name(replica_, c.pupil);
}

// The cycle facts of `exps` (experiences of one bucket) into `c`.
Status Dossier::follow_experiences(const std::string& bucket, const std::vector<json>& exps,
                                   CyclePhase& c) {
  c.experiences = exps.size();
  std::vector<json> sigs;
  for (const json& e : exps) {
    c.experience_ids.push_back(e["id"]);
    WX_ASSIGN_OR_RETURN(auto refl,
                        replica_.list(Query::where("reflection", bucket, "experiences", e["id"])));
    for (const json& r : refl) {
      c.reflected = true;
      WX_ASSIGN_OR_RETURN(auto steps,
                          replica_.list(Query::where("next_step", bucket, "reflection", r["id"])));
      if (!steps.empty()) c.next_step_chosen = true;
    }
    WX_ASSIGN_OR_RETURN(auto covering,
                        replica_.list(Query::where("signoff", bucket, "covers", e["id"])));
    sigs.insert(sigs.end(), covering.begin(), covering.end());
  }
  if (!c.activity.empty()) {
    WX_ASSIGN_OR_RETURN(auto covering,
                        replica_.list(Query::where("signoff", bucket, "covers", c.activity)));
    sigs.insert(sigs.end(), covering.begin(), covering.end());
  }
  for (const json& so : sigs) {
    WX_ASSIGN_OR_RETURN(SignoffStatus st, signoff_status(replica_, so["id"]));
    const std::string state = signoff_state_name(st.state);
    if (c.signoff.empty() || signoff_rank(state) < signoff_rank(c.signoff)) c.signoff = state;
  }
  c.signed_off = c.signoff == "valid";
  return Status::ok();
}

Result<CyclePhase> Dossier::cycle(const std::string& activity) {
  WX_ASSIGN_OR_RETURN(json a, replica_.get(activity));
  if (a.value("type", "") != "activity")
    return error_of(WX_INVALID_ARGUMENT, Msg::link_needs_activity, {{"id", activity}});
  CyclePhase c;
  c.activity = activity;
  c.kind = a.value("kind", "");
  c.title = a.value("title", "");
  const std::string bucket = a.value("bucket", "");
  name_pupil(bucket, c);
  WX_ASSIGN_OR_RETURN(auto preps,
                      replica_.list(Query::where("preparation", bucket, "activity", activity)));
  c.prepared = !preps.empty();
  WX_ASSIGN_OR_RETURN(auto exps,
                      replica_.list(Query::where("experience", bucket, "activity", activity)));
  WX_RETURN_IF_ERROR(follow_experiences(bucket, exps, c));
  return c;
}

Result<std::vector<CyclePhase>> Dossier::cycles(const std::string& bucket) {
  std::string b = bucket.empty() ? replica_.identity().bucket : bucket;
  Query q;
  q.type = "activity";
  q.bucket = b;
  WX_ASSIGN_OR_RETURN(auto acts, replica_.list(q));
  std::vector<CyclePhase> out;
  for (const json& a : acts) {
    WX_ASSIGN_OR_RETURN(CyclePhase c, cycle(a["id"].get<std::string>()));
    out.push_back(std::move(c));
  }
  q.type = "experience";
  WX_ASSIGN_OR_RETURN(auto exps, replica_.list(q));
  std::vector<json> unplanned;
  for (json& e : exps)
    if (e.value("activity", json()).is_null()) unplanned.push_back(std::move(e));
  if (!unplanned.empty()) {
    CyclePhase c;
    c.kind = "unplanned";
    name_pupil(b, c);
    WX_RETURN_IF_ERROR(follow_experiences(b, unplanned, c));
    out.push_back(std::move(c));
  }
  return out;
}

Status Dossier::link_experience(const std::string& experience, const std::string& activity) {
  WX_ASSIGN_OR_RETURN(json e, replica_.get(experience));
  if (e.value("type", "") != "experience")
    return error_of(WX_INVALID_ARGUMENT, Msg::link_needs_experience, {{"id", experience}});
  WX_ASSIGN_OR_RETURN(json a, replica_.get(activity));
  if (a.value("type", "") != "activity")
    return error_of(WX_INVALID_ARGUMENT, Msg::link_needs_activity, {{"id", activity}});
  // The schema's same_bucket rule refuses an activity of another dossier.
  return replica_.put({{"id", experience}, {"activity", activity}}).status();
}

}  // namespace werkex
