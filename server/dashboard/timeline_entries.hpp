// The entries of the pupil timeline (pupil_timeline.hpp) as JSON: one dossier entity with
// its Dutch labels, comments, photos and covering sign-offs; and one sign-off with its
// status and, when stale, the fields changed after signing (werkex/signoff_changes.hpp).
// Private to the dashboard library. Invariant: reads only the view's export (and, for the
// changed fields, the replica); any missing field reads as empty.
#pragma once

#include "export/portfolio_view.hpp"
#include "werkex/store.hpp"

namespace werkex::dashboard {

json entry_json(const exporter::PortfolioView& view, const json& entity);
Result<json> signoff_json(const EntityReader& dossiers, const exporter::PortfolioView& view,
                          const json& export_signoff);

}  // namespace werkex::dashboard
