// Recording a loopbaangesprek (conversation_service.hpp).
#include "conversation_service.hpp"

#include "staff_input.hpp"
#include "werkex/clock.hpp"

namespace werkex::server::conversation {

namespace {

Result<json> next_step_fields(const json& body) {
  auto it = body.find("next_step");
  if (it == body.end() || !it->is_object())
    return make_error(WX_INVALID_ARGUMENT, "'next_step' ontbreekt");
  for (const auto& [k, v] : it->items())
    if (k != "description" && k != "action" && k != "direction" && k != "feasible" &&
        k != "challenging")
      return make_error(WX_INVALID_ARGUMENT, "onbekend veld 'next_step." + k + "'");
  return staff_input::schema_fields(
      *it, "next_step", {"description", "action", "direction", "feasible", "challenging"},
      {"description"});
}

// Every experience named is a live experience in the pupil's bucket.
Status check_experiences(const EntityReader& r, const std::string& bucket, const json& ids) {
  for (const json& id : ids) {
    auto doc = r.get(id.get<std::string>());
    if (!doc || doc->value("type", "") != "experience" || doc->value("bucket", "") != bucket ||
        doc->value("deleted", false))
      return make_error(WX_NOT_FOUND,
                        "geen ervaring '" + id.get<std::string>() + "' in dit dossier");
  }
  return Status::ok();
}

}  // namespace

Status may_write_dossier(const StaffPrincipal& who, const std::string& pupil) {
  if (!who.access.write.count("pupil:" + pupil))
    return make_error(WX_PERMISSION_DENIED,
                      "je mag niet schrijven in het dossier van deze "
                      "leerling");
  return Status::ok();
}

Result<json> record(App& app, const StaffPrincipal& who, const std::string& pupil,
                    const json& body) {
  WX_RETURN_IF_ERROR(may_write_dossier(who, pupil));
  WX_ASSIGN_OR_RETURN(
      json reflection,
      (staff_input::schema_fields(body, "reflection",
                                  {"experiences", "with_whom", "qualities", "motives",
                                   "conversation_rules", "competencies", "summary", "red_thread"},
                                  {"summary"})));
  WX_ASSIGN_OR_RETURN(json step, next_step_fields(body));
  const std::string bucket = "pupil:" + pupil;
  reflection["type"] = "reflection";
  reflection["held_by"] = who.person;
  reflection["held_on"] = rfc3339_utc(app.now_ms()).substr(0, 10);
  step["type"] = "next_step";
  std::string rid, sid;
  WX_RETURN_IF_ERROR((app.write_as(
      {who.person, who.role, bucket, who.school_bucket}, [&](StaffWriter& w) -> Status {
        WX_RETURN_IF_ERROR(
            check_experiences(w.reader(), bucket, reflection.value("experiences", json::array())));
        WX_ASSIGN_OR_RETURN(rid, w.put(reflection));
        step["reflection"] = rid;
        WX_ASSIGN_OR_RETURN(sid, w.put(step));
        return Status::ok();
      })));
  WX_RETURN_IF_ERROR(app.auth().audit(app.now_ms(), who.person, "conversation_recorded", pupil,
                                      "reflection " + rid + ", next_step " + sid));
  return json{{"reflection", rid}, {"next_step", sid}};
}

}  // namespace werkex::server::conversation
