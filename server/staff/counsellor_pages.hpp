// The counsellor's and management's side of the staff dashboard (issue 12): Netwerk
// (network_page.hpp, network_service.hpp), Loopbaangesprek (conversation_*.hpp), Inzage
// (inzage_page.hpp) and Directie (directie_page.hpp), with their JSON routes. Registered with
// one call from StaffSite::register_page_routes.
//
// Routes (roles; every JSON error is {"error":{"code","message"}}):
//   GET  /netwerk                          page       counsellor
//   GET  /netwerk/codes/{placement}        page       counsellor
//   GET  /v1/staff/network                 JSON       counsellor
//   POST /v1/staff/companies               add        counsellor   (CSRF, same origin)
//   POST /v1/staff/companies/{id}          edit       counsellor
//   POST /v1/staff/placements              add        counsellor
//   POST /v1/staff/placements/{id}/end     end early  counsellor
//   POST /v1/staff/placements/{id}/codes   sign-off codes (issue or renew)  counsellor
//   GET  /gesprek/{id}                     page       teacher (own groups), counsellor
//   POST /v1/staff/pupils/{id}/conversation  reflection + next_step  teacher, counsellor
//   GET  /inzage[?pupil=<id>]              page       counsellor, admin
//   GET  /v1/staff/audit?pupil=<id>        JSON       counsellor, admin
//   GET  /directie                         page       manager, counsellor
//   GET  /v1/staff/aggregates              JSON       manager, counsellor
// Invariant: handlers only decode, call a service and encode; access is the StaffSite's role
// check plus the services' own (a counsellor of this school).
#pragma once

#include "http/router.hpp"
#include "staff_site.hpp"

namespace werkex::server {

void register_counsellor_pages(StaffSite& site, http::Router& router);

}  // namespace werkex::server
