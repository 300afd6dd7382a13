// Placement requests (werkex/placement_request.hpp).
#include "werkex/placement_request.hpp"

#include "werkex/ids.hpp"
#include "werkex/messages.hpp"

namespace werkex {

namespace {

void set_if(json& doc, const char* key, const std::string& v) {
  if (!v.empty()) doc[key] = v;
}

// The open request `id`, or why it cannot be answered.
Result<json> open_request(const Replica& replica, const std::string& id) {
  auto doc = replica.get(id);
  if (!doc && doc.error().code == WX_NOT_FOUND)
    return error_of(WX_NOT_FOUND, Msg::request_not_found, {{"id", id}});
  if (!doc) return doc.error();
  if (doc->value("type", "") != "placement_request" || doc->value("deleted", false))
    return error_of(WX_INVALID_ARGUMENT, Msg::request_not_request, {{"id", id}});
  if (doc->contains("status"))
    return error_of(
        WX_CONFLICT, Msg::request_answered,
        {{"id", id},
         {"status", (*doc)["status"].get<std::string>()},
         {"status@nl", replica.schema().enum_label(
                           "request_status", (*doc)["status"].get<std::string>(), Language::nl)}});
  return *doc;
}

// The answer's common fields: who answered, if they are a person on this replica.
json answered(const Replica& replica, const std::string& id, const char* status,
              const std::string& words) {
  json doc = {{"id", id}, {"status", status}};
  set_if(doc, "answer", words);
  const std::string& me = replica.identity().user;
  if (is_valid_entity_id(me)) {
    auto person = replica.get(me);
    if (person && person->value("type", "") == "person") doc["answered_by"] = me;
  }
  return doc;
}

}  // namespace

Result<std::string> ask_placement(Replica& replica, const PlacementAsk& ask) {
  if (ask.company.empty()) return error_of(WX_INVALID_ARGUMENT, Msg::request_needs_company);
  auto company = replica.get(ask.company);
  if (!company || company->value("type", "") != "company")
    return error_of(WX_INVALID_ARGUMENT, Msg::request_company_unknown, {{"id", ask.company}});
  json doc = {{"type", "placement_request"},
              {"company", ask.company},
              {"asked_at", rfc3339_utc(replica.clock().physical_millis())}};
  set_if(doc, "kind", ask.kind);
  set_if(doc, "preferred_start", ask.preferred_start);
  set_if(doc, "preferred_end", ask.preferred_end);
  set_if(doc, "motivation", ask.motivation);
  return replica.put(doc);
}

Result<std::vector<json>> placement_requests(const Replica& replica, bool open_only) {
  Query q;
  q.type = "placement_request";
  q.order_by = "asked_at";
  WX_ASSIGN_OR_RETURN(auto all, replica.list(q));
  if (!open_only) return all;
  std::vector<json> open;
  for (json& r : all)
    if (!r.contains("status")) open.push_back(std::move(r));
  return open;
}

Result<std::string> accept_placement_request(Replica& replica, const std::string& request,
                                             const PlacementAnswer& a) {
  WX_ASSIGN_OR_RETURN(json r, open_request(replica, request));
  const std::string bucket = r.value("bucket", "");
  if (bucket.rfind("pupil:", 0) != 0)
    return make_error(WX_CORRUPT, "placement request " + request + " is not in a dossier");
  json placement = {{"type", "placement"},
                    {"pupil", bucket.substr(6)},
                    {"company", r.value("company", "")},
                    {"start_date", a.start_date},
                    {"end_date", a.end_date},
                    {"kind", a.kind.empty() ? r.value("kind", "") : a.kind}};
  if (placement["kind"] == "")
    return error_of(WX_INVALID_ARGUMENT, Msg::request_needs_kind, {{"id", request}});
  set_if(placement, "supervisor", a.supervisor);
  std::string id;
  WX_RETURN_IF_ERROR(replica.write_together([&]() -> Status {
    WX_ASSIGN_OR_RETURN(id, replica.put(placement));
    json answer = answered(replica, request, "accepted", a.answer);
    answer["placement"] = id;
    return replica.put(answer).status();
  }));
  return id;
}

Status decline_placement_request(Replica& replica, const std::string& request,
                                 const std::string& words) {
  WX_RETURN_IF_ERROR(open_request(replica, request).status());
  return replica.put(answered(replica, request, "declined", words)).status();
}

}  // namespace werkex
