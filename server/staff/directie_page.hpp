// The Directie page (issue 12, manager and counsellor): the school's figures per group, per
// year (leerjaar) and per level (leerweg) and the trend per month, from
// dashboard/aggregates.hpp (school_aggregates), with charts drawn by /static/management.js
// from GET /v1/staff/aggregates (the same JSON).
//
// Invariants: never a pupil's name or entry: the page and the JSON are school_aggregates'
// result, which hides every figure over fewer than 5 pupils (and keeps hidden groups out of
// every sum); a hidden group is listed only as a count ("n groepen te klein om te tonen").
// The cache is the dashboard's SummaryCache, used only under the dossier lock.
#pragma once

#include <memory>
#include <string>

#include "app.hpp"
#include "dashboard/summary_cache.hpp"
#include "staff_pages.hpp"
#include "staff_principal.hpp"

namespace werkex::server::directie {

// school_aggregates for the principal's school, today (server time).
Result<json> aggregates_json(App& app, dashboard::SummaryCache& cache, const StaffPrincipal& who);

StaffPage directie_page(const json& aggregates);

}  // namespace werkex::server::directie
