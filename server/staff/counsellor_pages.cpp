// register_counsellor_pages (counsellor_pages.hpp).
#include "counsellor_pages.hpp"

#include "conversation_page.hpp"
#include "conversation_service.hpp"
#include "directie_page.hpp"
#include "inzage_page.hpp"
#include "network_page.hpp"
#include "network_service.hpp"
#include "staff_input.hpp"

namespace werkex::server {

namespace {

using http::bhttp::verb;

const std::vector<std::string> kCounsellor = {"counsellor"};

// A POST whose body is a JSON object of `allowed` keys, given to `service`.
template <typename Service>
StaffSite::JsonView body_view(App& app, std::vector<std::string> keys, Service service) {
  return [&app, keys, service](const StaffPrincipal& who, const http::Request& req,
                               const http::RouteParams& params, http::RequestLog&) -> Result<json> {
    WX_ASSIGN_OR_RETURN(json body, staff_input::object_body(req, keys));
    return service(app, who, params, body);
  };
}

void register_network(StaffSite& site, http::Router& router) {
  App& app = site.app();
  site.add_page(router, "/netwerk", kCounsellor,
                [&app](const StaffPrincipal& who, const http::Request&, const http::RouteParams&,
                       http::RequestLog&) -> Result<StaffPage> {
                  WX_ASSIGN_OR_RETURN(json model, network::network_json(app, who));
                  return network::network_page(who, model);
                });
  site.add_page(
      router, "/netwerk/codes/{placement}", kCounsellor,
      [&app](const StaffPrincipal& who, const http::Request&, const http::RouteParams& p,
             http::RequestLog&) { return network::codes_page(app, who, p.at("placement")); });
  site.add_json(router, verb::get, "/v1/staff/network", kCounsellor,
                [&app](const StaffPrincipal& who, const http::Request&, const http::RouteParams&,
                       http::RequestLog&) { return network::network_json(app, who); });
  const std::vector<std::string> company_keys = {"name",    "sector", "size",  "address", "offers",
                                                 "website", "phone",  "email", "notes"};
  site.add_json(router, verb::post, "/v1/staff/companies", kCounsellor,
                body_view(app, company_keys,
                          [](App& a, const StaffPrincipal& w, const http::RouteParams&,
                             const json& b) { return network::add_company(a, w, b); }));
  site.add_json(
      router, verb::post, "/v1/staff/companies/{id}", kCounsellor,
      body_view(app, company_keys,
                [](App& a, const StaffPrincipal& w, const http::RouteParams& p, const json& b) {
                  return network::edit_company(a, w, p.at("id"), b);
                }));
  site.add_json(
      router, verb::post, "/v1/staff/placements", kCounsellor,
      body_view(app, {"pupil", "company", "supervisor", "start_date", "end_date", "kind", "notes"},
                [](App& a, const StaffPrincipal& w, const http::RouteParams&, const json& b) {
                  return network::add_placement(a, w, b);
                }));
  site.add_json(
      router, verb::post, "/v1/staff/placements/{id}/end", kCounsellor,
      body_view(app, {"end_date"},
                [](App& a, const StaffPrincipal& w, const http::RouteParams& p, const json& b) {
                  return network::end_placement(a, w, p.at("id"), b);
                }));
  site.add_json(router, verb::post, "/v1/staff/placements/{id}/codes", kCounsellor,
                body_view(app, {},
                          [](App& a, const StaffPrincipal& w, const http::RouteParams& p,
                             const json&) { return network::issue_codes(a, w, p.at("id")); }));
}

void register_conversation(StaffSite& site, http::Router& router) {
  App& app = site.app();
  const std::vector<std::string> roles = {"teacher", "counsellor"};
  site.add_page(
      router, "/gesprek/{id}", roles,
      [&app](const StaffPrincipal& who, const http::Request&, const http::RouteParams& p,
             http::RequestLog&) { return conversation::conversation_page(app, who, p.at("id")); });
  site.add_json(router, verb::post, "/v1/staff/pupils/{id}/conversation", roles,
                body_view(app,
                          {"experiences", "with_whom", "qualities", "motives", "conversation_rules",
                           "competencies", "summary", "red_thread", "next_step"},
                          [](App& a, const StaffPrincipal& w, const http::RouteParams& p,
                             const json& b) { return conversation::record(a, w, p.at("id"), b); }));
}

void register_inzage(StaffSite& site, http::Router& router) {
  App& app = site.app();
  const std::vector<std::string> roles = {"counsellor", "admin"};
  site.add_page(router, "/inzage", roles,
                [&app](const StaffPrincipal& who, const http::Request& req,
                       const http::RouteParams&, http::RequestLog&) {
                  return inzage::inzage_page(app, who, inzage::query_param(req.target(), "pupil"));
                });
  site.add_json(router, verb::get, "/v1/staff/audit", roles,
                [&app](const StaffPrincipal& who, const http::Request& req,
                       const http::RouteParams&, http::RequestLog&) -> Result<json> {
                  const std::string pupil = inzage::query_param(req.target(), "pupil");
                  if (pupil.empty()) return make_error(WX_INVALID_ARGUMENT, "?pupil= ontbreekt");
                  WX_ASSIGN_OR_RETURN(json out, inzage::audit_json(app, who, pupil));
                  WX_RETURN_IF_ERROR(app.record_staff_read(who.person, "web:/v1/staff/audit",
                                                           "pupil:" + pupil, 0));
                  return out;
                });
}

void register_directie(StaffSite& site, http::Router& router) {
  App& app = site.app();
  const std::vector<std::string> roles = {"manager", "counsellor"};
  // One cache for both routes, used only under the dossier lock (aggregates_json takes it).
  auto cache = std::make_shared<dashboard::SummaryCache>(app.store());
  site.add_page(router, "/directie", roles,
                [&app, cache](const StaffPrincipal& who, const http::Request&,
                              const http::RouteParams&, http::RequestLog&) -> Result<StaffPage> {
                  WX_ASSIGN_OR_RETURN(json a, directie::aggregates_json(app, *cache, who));
                  return directie::directie_page(a);
                });
  site.add_json(
      router, verb::get, "/v1/staff/aggregates", roles,
      [&app, cache](const StaffPrincipal& who, const http::Request&, const http::RouteParams&,
                    http::RequestLog&) { return directie::aggregates_json(app, *cache, who); });
}

}  // namespace

void register_counsellor_pages(StaffSite& site, http::Router& router) {
  register_network(site, router);
  register_conversation(site, router);
  register_inzage(site, router);
  register_directie(site, router);
}

}  // namespace werkex::server
