// The supervisor's side of the staff dashboard (issue 12, "Mijn stagiairs"): the placements a
// praktijkbegeleider supervises and the pupils' work waiting for her signature
// (dashboard/supervision.hpp), as a page and as JSON.
//
// Routes (supervisor only; every JSON error is {"error":{"code","message"}}):
//   GET  /begeleider              page
//   GET  /v1/staff/supervision    JSON (dashboard::supervision)
// Signing itself stays on her phone (the sign-off is made with her device's key, by QR or
// PIN): the page says so and links each pupil to the Leerling page, which shows her only the
// cycles of her placements.
// Invariants: what is shown is decided per request from the principal's Access (a placement
// past its grace days is gone at once); every pupil shown is first written to the access log
// (fail closed), as the other pages do.
#pragma once

#include "http/router.hpp"
#include "staff_site.hpp"

namespace werkex::server {

void register_supervisor_pages(StaffSite& site, http::Router& router);

}  // namespace werkex::server
