// The dashboard tests' school: the export tests' world (a real dossiers.db written under each
// real writer's identity, tests/export/export_world.hpp) plus the staff people and helpers to
// get a person's dashboard scope the way a handler will: compute_access, then
// dashboard_scope.
#pragma once

#include "access.hpp"
#include "dashboard/dashboard_scope.hpp"
#include "dashboard/summary_cache.hpp"
#include "dossier_store_sqlite.hpp"
#include "export_world.hpp"

namespace werkex::test {

inline const std::string kToday = "2026-12-05";

struct DashWorld : ExportWorld {
  std::string decaan, directie;

  explicit DashWorld(bool durable = true) : ExportWorld(durable) {
    decaan = person("Meneer De Vries", "counsellor");
    directie = person("Directie", "manager");
  }

  dashboard::DashboardScope scope_of(const std::string& who, const std::string& today = kToday) {
    const server::SqliteDossierStore store(*db);
    auto access = expect_ok(server::compute_access(store, who, today, 7));
    return expect_ok(dashboard::dashboard_scope(*db, access));
  }

  std::string add_group(const std::string& name, int year, const std::string& level) {
    expect_ok(db->set_identity(as("admin", "", admin)));
    return put({{"type", "group"},
                {"name", name},
                {"school", school},
                {"year", year},
                {"level", level},
                {"mentors", {teacher}}});
  }

  // An activity of `kind` planned on `date`, prepared and experienced (and, with `reflect`,
  // reflected on with a next step), tagged with `competency`.
  std::string small_cycle(const std::string& pupil, const std::string& kind,
                          const std::string& date, const std::string& competency, bool reflect) {
    as_pupil(pupil);
    Dossier d(*db);
    ActivityPlan plan;
    plan.kind = kind;
    plan.extra = {{"planned_date", date}, {"competencies", {competency}}};
    std::string act = expect_ok(d.plan_activity(plan));
    PreparationDraft prep;
    prep.activity = act;
    prep.want_to_find_out = "Wat doe je de hele dag?";
    expect_ok(d.prepare(prep));
    ExperienceDraft e;
    e.activity = act;
    e.occurred_at = date + "T10:00:00Z";
    e.note = "Geholpen";
    std::string exp = expect_ok(d.record_experience(e));
    if (reflect) {
      ReflectionDraft r;
      r.experiences = {exp};
      r.qualities = {"behulpzaam"};
      std::string refl = expect_ok(d.reflect(r));
      NextStepDraft n;
      n.reflection = refl;
      n.description = "Nog een dag";
      expect_ok(d.choose_next_step(n));
    }
    return act;
  }
};

// The row of `pupil` in a group overview.
inline json row_of(const json& overview, const std::string& pupil) {
  for (const json& r : overview["pupils"])
    if (r["id"] == pupil) return r;
  FAIL("no row for " << pupil);
  return nullptr;
}

}  // namespace werkex::test
