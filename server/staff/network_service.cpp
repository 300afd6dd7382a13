// The counsellor's network writes (network_service.hpp).
#include "network_service.hpp"

#include "signoff_codes.hpp"
#include "staff_input.hpp"

namespace werkex::server::network {

namespace {

Status may_write(const StaffPrincipal& who) {
  if (who.role != "counsellor" || !who.access.write.count(who.school_bucket))
    return make_error(WX_PERMISSION_DENIED, "alleen de decaan beheert het netwerk");
  return Status::ok();
}

Identity as(const StaffPrincipal& who) {
  return {who.person, who.role, "", who.school_bucket};
}

std::string str(const json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Status audit(App& app, const StaffPrincipal& who, const char* action, const std::string& target,
             const std::string& detail) {
  return app.auth().audit(app.now_ms(), who.person, action, target, detail);
}

// The placement's references, checked inside the write's transaction.
Status check_placement_refs(const EntityReader& r, const std::string& sb, const json& f) {
  WX_ASSIGN_OR_RETURN(json pupil, school_entity(r, sb, str(f, "pupil"), "person"));
  if (str(pupil, "role") != "pupil")
    return make_error(WX_INVALID_ARGUMENT, "'pupil' is geen leerling");
  if (str(pupil, "status") == "left")
    return make_error(WX_CONFLICT, "de leerling heeft de school verlaten");
  WX_RETURN_IF_ERROR(school_entity(r, sb, str(f, "company"), "company").status());
  if (f.contains("supervisor")) {
    WX_ASSIGN_OR_RETURN(json sup, school_entity(r, sb, str(f, "supervisor"), "person"));
    if (str(sup, "role") != "supervisor")
      return make_error(WX_INVALID_ARGUMENT, "'supervisor' is geen praktijkbegeleider");
    if (str(sup, "status") == "left")
      return make_error(WX_CONFLICT, "de praktijkbegeleider is niet meer actief");
  }
  // The same pupil at the same company in an overlapping period: a double entry.
  WX_ASSIGN_OR_RETURN(auto same, r.list(Query::where("placement", sb, "pupil", f["pupil"])));
  for (const json& p : same)
    if (str(p, "company") == str(f, "company") && str(p, "start_date") <= str(f, "end_date") &&
        str(f, "start_date") <= str(p, "end_date"))
      return make_error(WX_CONFLICT,
                        "deze leerling heeft in die periode al een plaatsing bij dit "
                        "bedrijf (" +
                            str(p, "id") + ")");
  return Status::ok();
}

}  // namespace

Result<json> school_entity(const EntityReader& r, const std::string& school_bucket,
                           const std::string& id, const std::string& type) {
  auto doc = r.get(id);
  if (!doc || str(*doc, "type") != type || str(*doc, "bucket") != school_bucket ||
      doc->value("deleted", false))
    return make_error(WX_NOT_FOUND, "geen " + type + " '" + id + "' van deze school");
  return *doc;
}

Result<json> add_company(App& app, const StaffPrincipal& who, const json& body) {
  WX_RETURN_IF_ERROR(may_write(who));
  WX_ASSIGN_OR_RETURN(
      json f, (staff_input::schema_fields(body, "company",
                                          {"name", "sector", "size", "address", "offers", "website",
                                           "phone", "email", "notes"},
                                          {"name"})));
  f["type"] = "company";
  std::string id;
  WX_RETURN_IF_ERROR((app.write_as(as(who), [&](StaffWriter& w) -> Status {
    WX_ASSIGN_OR_RETURN(id, w.put(f));
    return Status::ok();
  })));
  WX_RETURN_IF_ERROR(audit(app, who, "company_added", id, str(f, "name")));
  return json{{"id", id}};
}

Result<json> edit_company(App& app, const StaffPrincipal& who, const std::string& id,
                          const json& body) {
  WX_RETURN_IF_ERROR(may_write(who));
  WX_ASSIGN_OR_RETURN(
      json f, (staff_input::schema_fields(body, "company",
                                          {"name", "sector", "size", "address", "offers", "website",
                                           "phone", "email", "notes"},
                                          {})));
  if (f.empty()) return make_error(WX_INVALID_ARGUMENT, "er is niets om te wijzigen");
  std::string changed;
  for (const auto& [k, v] : f.items()) changed += (changed.empty() ? "" : ",") + k;
  f["id"] = id;
  WX_RETURN_IF_ERROR((app.write_as(as(who), [&](StaffWriter& w) -> Status {
    WX_RETURN_IF_ERROR(school_entity(w.reader(), who.school_bucket, id, "company").status());
    return w.put(f).status();
  })));
  WX_RETURN_IF_ERROR(audit(app, who, "company_edited", id, changed));
  return json{{"id", id}};
}

Result<json> add_placement(App& app, const StaffPrincipal& who, const json& body) {
  WX_RETURN_IF_ERROR(may_write(who));
  WX_ASSIGN_OR_RETURN(
      json f, (staff_input::schema_fields(
                  body, "placement",
                  {"pupil", "company", "supervisor", "start_date", "end_date", "kind", "notes"},
                  {"pupil", "company", "start_date", "end_date", "kind"})));
  if (str(f, "start_date") > str(f, "end_date"))
    return make_error(WX_INVALID_ARGUMENT, "'end_date' ligt voor 'start_date'");
  f["type"] = "placement";
  std::string id;
  WX_RETURN_IF_ERROR((app.write_as(as(who), [&](StaffWriter& w) -> Status {
    WX_RETURN_IF_ERROR(check_placement_refs(w.reader(), who.school_bucket, f));
    WX_ASSIGN_OR_RETURN(id, w.put(f));
    return Status::ok();
  })));
  WX_RETURN_IF_ERROR(audit(app, who, "placement_added", id,
                           "pupil " + str(f, "pupil") + ", company " + str(f, "company") + ", " +
                               str(f, "start_date") + ".." + str(f, "end_date")));
  return json{{"id", id}};
}

Result<json> end_placement(App& app, const StaffPrincipal& who, const std::string& id,
                           const json& body) {
  WX_RETURN_IF_ERROR(may_write(who));
  WX_ASSIGN_OR_RETURN(json f,
                      (staff_input::schema_fields(body, "placement", {"end_date"}, {"end_date"})));
  const std::string end = str(f, "end_date");
  std::string was;
  WX_RETURN_IF_ERROR((app.write_as(as(who), [&](StaffWriter& w) -> Status {
    WX_ASSIGN_OR_RETURN(json p, school_entity(w.reader(), who.school_bucket, id, "placement"));
    was = str(p, "end_date");
    if (end < str(p, "start_date"))
      return make_error(WX_INVALID_ARGUMENT,
                        "'end_date' ligt voor de begindatum " + str(p, "start_date"));
    if (end >= was)
      return make_error(WX_CONFLICT, "de plaatsing eindigt al op " + was +
                                         "; vervroegen kan alleen naar een eerdere datum");
    return w.put({{"id", id}, {"end_date", end}}).status();
  })));
  WX_RETURN_IF_ERROR(audit(app, who, "placement_ended", id, was + " -> " + end));
  return json{{"id", id}, {"end_date", end}};
}

Result<json> issue_codes(App& app, const StaffPrincipal& who, const std::string& placement) {
  WX_RETURN_IF_ERROR(may_write(who));
  {
    std::lock_guard lock(app.dossier_mutex());
    WX_RETURN_IF_ERROR(
        school_entity(app.store(), who.school_bucket, placement, "placement").status());
  }
  WX_ASSIGN_OR_RETURN(auto record, app.auth().pin(placement));
  const bool renew = record.has_value();
  WX_ASSIGN_OR_RETURN(auto codes,
                      issue_signoff_codes(app.auth(), placement, who.person, renew, app.now_ms()));
  return json{{"placement", placement}, {"codes", codes}, {"renewed", renew}};
}

}  // namespace werkex::server::network
