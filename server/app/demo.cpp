#include "demo.hpp"

#include "access.hpp"

namespace werkex::server {

namespace {

// Writes `doc` as `role` would (the schema's write roles apply to the seed too).
Result<std::string> put_as(DossierStore& r, const std::string& role,
                           const std::string& school_bucket, json doc) {
  return r.put_as({"server", role, "", school_bucket}, doc);
}

// The demo school, its people, groups, companies and two placements, written into an empty
// store as the roles that would write them.
Status seed_school(App& app, DossierStore& r, std::vector<DemoPerson>& people) {
  // The school's id names its bucket, which put() would need before the school exists: the
  // demo school is created under a fixed id.
  const std::string school_id = "0190b000-0000-7000-8000-000000000001";
  const std::string sb = "school:" + school_id;
  WX_RETURN_IF_ERROR(r.create_as({"server", "admin", "", sb},
                                 {{"id", school_id}, {"type", "school"}, {"name", "Vmbo De Brug"}})
                         .status());
  auto person = [&](const std::string& name, const std::string& role,
                    json extra = json::object()) -> Result<std::string> {
    json doc = {{"type", "person"}, {"name", name}, {"role", role}, {"school", school_id}};
    doc.update(extra);
    WX_ASSIGN_OR_RETURN(std::string id, put_as(r, "admin", sb, doc));
    people.push_back({name, role, id, ""});
    return id;
  };
  WX_ASSIGN_OR_RETURN(std::string mentor, person("Mevrouw Jansen", "teacher"));
  WX_ASSIGN_OR_RETURN(
      std::string g2a,
      put_as(r, "admin", sb,
             {{"type", "group"}, {"name", "2A"}, {"school", school_id}, {"mentors", {mentor}}}));
  WX_ASSIGN_OR_RETURN(
      std::string g2b,
      put_as(r, "admin", sb, {{"type", "group"}, {"name", "2B"}, {"school", school_id}}));
  // Sem's parent: enrolled, but sees nothing until the school switches parent_access on.
  WX_ASSIGN_OR_RETURN(std::string parent, person("Ouder van Sem", "parent"));
  WX_ASSIGN_OR_RETURN(std::string sem,
                      person("Sem", "pupil", {{"groups", {g2a}}, {"parents", {parent}}}));
  WX_ASSIGN_OR_RETURN(std::string aisha, person("Aisha", "pupil", {{"groups", {g2a}}}));
  WX_RETURN_IF_ERROR(person("Noah", "pupil", {{"groups", {g2b}}}).status());
  WX_RETURN_IF_ERROR(person("Meneer De Vries", "counsellor").status());
  WX_ASSIGN_OR_RETURN(std::string ans, person("Ans Bakker", "supervisor",
                                              {{"email", "ans.bakker@bistro-noord.example"}}));
  WX_RETURN_IF_ERROR(person("Directie", "manager").status());
  WX_ASSIGN_OR_RETURN(
      std::string bistro,
      put_as(r, "counsellor", sb,
             {{"type", "company"}, {"name", "Bistro Noord"}, {"sector", "horeca"}}));
  WX_ASSIGN_OR_RETURN(
      std::string garage,
      put_as(r, "counsellor", sb,
             {{"type", "company"}, {"name", "Garage Van Dam"}, {"sector", "techniek"}}));
  const std::string today = rfc3339_utc(app.now_ms()).substr(0, 10);
  WX_RETURN_IF_ERROR(put_as(r, "counsellor", sb,
                            {{"type", "placement"},
                             {"pupil", sem},
                             {"company", bistro},
                             {"supervisor", ans},
                             {"start_date", add_days(today, -7)},
                             {"end_date", add_days(today, 14)},
                             {"kind", "snuffelstage"}})
                         .status());
  WX_RETURN_IF_ERROR(put_as(r, "counsellor", sb,
                            {{"type", "placement"},
                             {"pupil", aisha},
                             {"company", garage},
                             {"supervisor", ans},
                             {"start_date", add_days(today, -90)},
                             {"end_date", add_days(today, -60)},
                             {"kind", "meeloopstage"}})
                         .status());
  return Status::ok();
}

}  // namespace

Result<std::vector<DemoPerson>> seed_demo_school(App& app) {
  std::lock_guard lock(app.dossier_mutex());
  DossierStore& r = app.store();
  Query schools;
  schools.type = "school";
  std::vector<DemoPerson> people;
  // One unit: all of the school or none of it (a second process seeding the same empty
  // database at the same time fails on the school's id instead of seeding twice).
  WX_RETURN_IF_ERROR(r.together([&]() -> Status {
    WX_ASSIGN_OR_RETURN(auto existing, r.list(schools));
    if (existing.empty()) return seed_school(app, r, people);
    Query q;
    q.type = "person";
    WX_ASSIGN_OR_RETURN(auto persons, r.list(q));
    for (auto& p : persons)
      people.push_back({p.value("name", ""), p.value("role", ""), p["id"].get<std::string>(), ""});
    return Status::ok();
  }));
  // Each start prints fresh codes, so the previous start's unused ones end now: at most one
  // set of demo codes is ever valid, however often the server restarts.
  WX_ASSIGN_OR_RETURN(size_t revoked, app.auth().revoke_invites("demo", app.now_ms()));
  if (revoked)
    WX_RETURN_IF_ERROR(app.auth().audit(app.now_ms(), "demo", "invites_revoked", "",
                                        std::to_string(revoked) + " unused demo codes"));
  for (auto& p : people) {
    WX_ASSIGN_OR_RETURN(p.code, app.auth().create_invite(p.id, 24 * 7, app.now_ms(), "demo"));
    WX_RETURN_IF_ERROR(app.auth().audit(app.now_ms(), "demo", "invite_issued", p.id, "7 days"));
  }
  return people;
}

}  // namespace werkex::server
