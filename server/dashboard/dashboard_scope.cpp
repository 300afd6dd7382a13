// Who may see what on the dashboard (dashboard_scope.hpp).
#include "dashboard_scope.hpp"

#include "export/portfolio_view.hpp"

namespace werkex::dashboard {

namespace {

Status denied(const DashboardScope& s, const std::string& what) {
  return make_error(WX_PERMISSION_DENIED, "a " + (s.role.empty() ? std::string("person") : s.role) +
                                              " may not see " + what);
}

}  // namespace

Status DashboardScope::may_see_group(const std::string& group) const {
  return groups.count(group) ? Status::ok() : denied(*this, "group " + group);
}
Status DashboardScope::may_see_pupil(const std::string& pupil) const {
  return pupils.count(pupil) ? Status::ok() : denied(*this, "the dossier of " + pupil);
}
Status DashboardScope::may_see_aggregates() const {
  return aggregates ? Status::ok() : denied(*this, "the school's aggregates");
}
Status DashboardScope::may_see_network() const {
  return network ? Status::ok() : denied(*this, "the company network");
}

json DashboardScope::to_json() const {
  return {{"role", role},
          {"groups", groups},
          {"pupils", pupils},
          {"aggregates", aggregates},
          {"network", network}};
}

Result<DashboardScope> dashboard_scope(const EntityReader& r, const server::Access& a) {
  DashboardScope s;
  s.person = a.person;
  s.role = a.role;
  s.school_bucket = a.school_bucket;
  for (const std::string& b : a.read)
    if (b.rfind("pupil:", 0) == 0 && a.role != "pupil" && a.role != "parent")
      s.pupils.insert(b.substr(6));
  if (a.role == "teacher") {
    WX_ASSIGN_OR_RETURN(auto groups,
                        r.list(Query::where("group", a.school_bucket, "mentors", a.person)));
    for (const json& g : groups) s.groups.insert(exporter::text_of(g, "id"));
  } else if (a.role == "counsellor") {
    Query q;
    q.type = "group";
    q.bucket = a.school_bucket;
    WX_ASSIGN_OR_RETURN(auto groups, r.list(q));
    for (const json& g : groups) s.groups.insert(exporter::text_of(g, "id"));
    s.aggregates = s.network = true;
  } else if (a.role == "manager") {
    s.aggregates = true;
  } else if (a.role == "supervisor") {
    WX_ASSIGN_OR_RETURN(auto placements,
                        r.list(Query::where("placement", a.school_bucket, "supervisor", a.person)));
    for (const json& p : placements)
      if (s.pupils.count(exporter::text_of(p, "pupil")))
        s.placements.insert(exporter::text_of(p, "id"));
  }
  return s;
}

}  // namespace werkex::dashboard
