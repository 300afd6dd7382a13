// The HTML bodies of the mentor side's pages (issue 12), rendered from the JSON the
// MentorService answers (the same the /v1/staff/ routes give), so page and JSON never
// disagree: the Groep page (group_page.cpp) and the Leerling page (pupil_page.cpp, its
// dossier entries in pupil_entries_html.cpp).
//
// Invariants: every text from data goes through staff_http::escape; no inline script or style
// (the CSP forbids both): sorting, filtering, charts and the comment form live in
// /static/groep.js and /static/leerling.js, which find what they need through ids and
// data-* attributes; labels and dates are Dutch.
#pragma once

#include <string>

#include "werkex/merge.hpp"  // json

namespace werkex::server {

// The Groep page: a picker when `groups` ({"groups":[…]}) has several, then `overview`
// (dashboard::group_overview) as a sortable, filterable table and three charts.
std::string render_group_page(const json& groups, const json& overview);

// The Leerling page: `timeline` (dashboard::pupil_timeline) as cycles, sign-offs, next steps,
// the conversation rules and the comment form.
std::string render_pupil_page(const json& timeline);

// One dossier entry of the timeline (timeline_entries.hpp's <entry>) as an <li>: its Dutch
// type, date, fields, photos (thumbnail links) and comments.
std::string render_entry(const std::string& pupil, const json& entry);
// "experience" -> "Ervaring", … (unknown types as they are).
std::string entry_type_label(const std::string& type);
// A dossier field's Dutch name as the page shows it: "note" -> "Verslag" (unknown as it is).
std::string field_label(const std::string& field);

}  // namespace werkex::server
