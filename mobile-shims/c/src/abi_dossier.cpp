// The C ABI over the dossier cycle (werkex/dossier.hpp) and the to-do list (werkex/todo.hpp): each
// draft comes as the new entity's fields; the ones the operation names are taken out and
// type-checked, the rest go on as `extra` for the schema to judge.
#include "abi_internal.hpp"
#include "json_args.hpp"
#include "werkex/dossier.hpp"
#include "werkex/todo.hpp"

using namespace werkex;
using namespace werkex::abi;

namespace {

// Parses the draft, lets `fill` take its members, and runs `create` with the draft and what
// is left over.
template <typename Draft>
wx_buffer* create_call(wx_replica* replica, const char* draft_json, wx_error* out_error,
                       const char* fn, const std::function<Status(ObjectArgs&, Draft&)>& fill,
                       const std::function<Result<std::string>(Dossier&, Draft&)>& create) {
  return text_call(replica, out_error, fn, [&](ReplicaCore& core) -> Result<std::string> {
    WX_ASSIGN_OR_RETURN(ObjectArgs args,
                        ObjectArgs::parse(draft_json, std::string(fn) + ": draft", false));
    Draft draft;
    WX_RETURN_IF_ERROR(fill(args, draft));
    draft.extra = args.rest();
    Dossier dossier(*core.replica);
    return create(dossier, draft);
  });
}

}  // namespace

extern "C" {

wx_buffer* wx_dossier_plan_activity(wx_replica* replica, const char* json, wx_error* out_error) {
  return create_call<ActivityPlan>(
      replica, json, out_error, "wx_dossier_plan_activity",
      [](ObjectArgs& a, ActivityPlan& p) -> Status {
        WX_RETURN_IF_ERROR(a.take("kind", p.kind));
        WX_RETURN_IF_ERROR(a.take("title", p.title));
        WX_RETURN_IF_ERROR(a.take("builds_on", p.builds_on));
        WX_RETURN_IF_ERROR(a.take("expected_yield", p.expected_yield));
        WX_RETURN_IF_ERROR(a.take("use_of_yield", p.use_of_yield));
        WX_RETURN_IF_ERROR(a.take("from_next_step", p.from_next_step));
        return a.take("chosen_by_pupil", p.chosen_by_pupil);
      },
      [](Dossier& d, ActivityPlan& p) { return d.plan_activity(p); });
}

wx_buffer* wx_dossier_prepare(wx_replica* replica, const char* json, wx_error* out_error) {
  return create_call<PreparationDraft>(
      replica, json, out_error, "wx_dossier_prepare",
      [](ObjectArgs& a, PreparationDraft& p) -> Status {
        WX_RETURN_IF_ERROR(a.take("activity", p.activity));
        WX_RETURN_IF_ERROR(a.take("known_about_self", p.known_about_self));
        WX_RETURN_IF_ERROR(a.take("known_about_work", p.known_about_work));
        WX_RETURN_IF_ERROR(a.take("want_to_find_out", p.want_to_find_out));
        WX_RETURN_IF_ERROR(a.take("learning_goals", p.learning_goals));
        return a.take("learning_verbs", p.learning_verbs);
      },
      [](Dossier& d, PreparationDraft& p) { return d.prepare(p); });
}

wx_buffer* wx_dossier_record_experience(wx_replica* replica, const char* json,
                                        wx_error* out_error) {
  return create_call<ExperienceDraft>(
      replica, json, out_error, "wx_dossier_record_experience",
      [](ObjectArgs& a, ExperienceDraft& e) -> Status {
        WX_RETURN_IF_ERROR(a.take("activity", e.activity));
        WX_RETURN_IF_ERROR(a.take("occurred_at", e.occurred_at));
        WX_RETURN_IF_ERROR(a.take("note", e.note));
        WX_RETURN_IF_ERROR(a.take("emotion", e.emotion));
        return a.take("photos", e.photos);
      },
      [](Dossier& d, ExperienceDraft& e) { return d.record_experience(e); });
}

wx_buffer* wx_dossier_reflect(wx_replica* replica, const char* json, wx_error* out_error) {
  return create_call<ReflectionDraft>(
      replica, json, out_error, "wx_dossier_reflect",
      [](ObjectArgs& a, ReflectionDraft& r) -> Status {
        WX_RETURN_IF_ERROR(a.take("experiences", r.experiences));
        WX_RETURN_IF_ERROR(a.take("with_whom", r.with_whom));
        WX_RETURN_IF_ERROR(a.take("qualities", r.qualities));
        WX_RETURN_IF_ERROR(a.take("motives", r.motives));
        WX_RETURN_IF_ERROR(a.take("red_thread", r.red_thread));
        return a.take("conversation_rules", r.conversation_rules);
      },
      [](Dossier& d, ReflectionDraft& r) { return d.reflect(r); });
}

wx_buffer* wx_dossier_choose_next_step(wx_replica* replica, const char* json, wx_error* out_error) {
  return create_call<NextStepDraft>(
      replica, json, out_error, "wx_dossier_choose_next_step",
      [](ObjectArgs& a, NextStepDraft& n) -> Status {
        WX_RETURN_IF_ERROR(a.take("reflection", n.reflection));
        WX_RETURN_IF_ERROR(a.take("description", n.description));
        WX_RETURN_IF_ERROR(a.take("action", n.action));
        return a.take("direction", n.direction);
      },
      [](Dossier& d, NextStepDraft& n) { return d.choose_next_step(n); });
}

wx_buffer* wx_dossier_add_contact(wx_replica* replica, const char* json, wx_error* out_error) {
  struct ContactDraft {
    std::string name;
    werkex::json extra;
  };
  return create_call<ContactDraft>(
      replica, json, out_error, "wx_dossier_add_contact",
      [](ObjectArgs& a, ContactDraft& c) { return a.take("name", c.name); },
      [](Dossier& d, ContactDraft& c) { return d.add_contact(c.name, c.extra); });
}

wx_buffer* wx_dossier_comment(wx_replica* replica, const char* on, const char* body,
                              wx_error* out_error) {
  const char* fn = "wx_dossier_comment";
  return text_call(replica, out_error, fn, [&](ReplicaCore& core) -> Result<std::string> {
    WX_RETURN_IF_ERROR(require(on, fn, "on"));
    WX_RETURN_IF_ERROR(require(body, fn, "body"));
    return Dossier(*core.replica).comment(on, body);
  });
}

bool wx_dossier_link_experience(wx_replica* replica, const char* experience_id,
                                const char* activity_id, wx_error* out_error) {
  const char* fn = "wx_dossier_link_experience";
  return status_call(replica, out_error, fn, [&](ReplicaCore& core) -> Status {
    WX_RETURN_IF_ERROR(require(experience_id, fn, "experience_id"));
    WX_RETURN_IF_ERROR(require(activity_id, fn, "activity_id"));
    return Dossier(*core.replica).link_experience(experience_id, activity_id);
  });
}

wx_buffer* wx_dossier_cycle(wx_replica* replica, const char* activity_id, wx_error* out_error) {
  const char* fn = "wx_dossier_cycle";
  return text_call(replica, out_error, fn, [&](ReplicaCore& core) -> Result<std::string> {
    WX_RETURN_IF_ERROR(require(activity_id, fn, "activity_id"));
    WX_ASSIGN_OR_RETURN(CyclePhase phase, Dossier(*core.replica).cycle(activity_id));
    return phase.to_json().dump();
  });
}

wx_buffer* wx_dossier_cycles(wx_replica* replica, const char* bucket, wx_error* out_error) {
  return text_call(
      replica, out_error, "wx_dossier_cycles", [&](ReplicaCore& core) -> Result<std::string> {
        WX_ASSIGN_OR_RETURN(auto phases, Dossier(*core.replica).cycles(bucket ? bucket : ""));
        werkex::json out = werkex::json::array();
        for (const CyclePhase& p : phases) out.push_back(p.to_json());
        return out.dump();
      });
}

wx_buffer* wx_dossier_todo(wx_replica* replica, const char* today, wx_error* out_error) {
  return text_call(replica, out_error, "wx_dossier_todo",
                   [&](ReplicaCore& core) -> Result<std::string> {
                     TodoOptions options;
                     options.today = today ? today : "";
                     WX_ASSIGN_OR_RETURN(auto items, todo_list(*core.replica, options));
                     return todo_json(items).dump();
                   });
}

}  // extern "C"
